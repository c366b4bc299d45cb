import Foundation
import ShortlistCore
import ShortlistPipeline

/// Number and text formatting shared by the table outputs.
enum Format {
    static func number(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.1f" : "%.4f", value)
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func truncated(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// `popular 0.9876 (score 4.35 · min-max 0.98 · weight 1)`.
    static func contribution(_ contribution: Contribution) -> String {
        guard !contribution.factors.isEmpty else { return "\(contribution.name) 0 (not nominated)" }
        let factors = contribution.factors.map { "\($0.name) \(number($0.value))" }.joined(separator: " · ")
        return "\(contribution.name) \(number(contribution.value)) (\(factors))"
    }

    /// `votes v 583 · mean rating R 4.3580`; a reason that points at another item than the one
    /// explained names it by title: `because you liked Star Wars (1977) (0.41)`.
    static func reasons(_ reasons: [Reason], for explained: ItemIndex, in pipeline: FittedPipeline) -> String {
        reasons.map { reason in
            if let item = reason.item, item != explained {
                return "\(reason.name) \(pipeline.describe(item).title) (\(number(reason.value)))"
            }
            return "\(reason.name) \(number(reason.value))"
        }.joined(separator: " · ")
    }
}

/// Reasons and contributions as JSON.
struct ReasonOutput: Encodable {
    var kind: String
    var name: String
    var value: Double
    var item: String?

    init(_ reason: Reason, _ pipeline: FittedPipeline) {
        kind = reason.kind.rawValue
        name = reason.name
        value = reason.value
        item = reason.item.map { pipeline.dataset.itemIDs[$0] }
    }
}

/// One stage's view of an item as JSON.
struct StageOutput: Encodable {
    var stage: String
    var type: String
    var rank: Int?
    var score: Double?
    var nominated: Bool
    var reasons: [ReasonOutput]
}

/// Pretty, key-sorted JSON of any encodable value.
func json(_ value: some Encodable, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
