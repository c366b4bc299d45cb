import Foundation
public import ShortlistCore
public import ShortlistPipeline

/// Number and text formatting shared by the table outputs.
public enum Format {
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: abs(value) >= 100 ? "%.1f" : "%.4f", value)
    }

    /// The smallest round axis maximum at least `value`: four steps of 1, 2, 2.5 or 5 times a
    /// power of ten, so that the quarter ticks are round too (0.4 for 0.3, 8000 for 6611).
    public static func axisMaximum(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let raw = value / 4
        let power = pow(10, (log10(raw)).rounded(.down))
        let step =
            [1, 2, 2.5, 5].map { $0 * power }.first { $0 >= raw * (1 - 1e-12) } ?? 10 * power
        return 4 * step
    }

    /// An axis tick's label: as few digits as the round value needs (`0.025`, `2000`).
    public static func tick(_ value: Double) -> String { String(format: "%g", value) }

    /// A number for a sentence: whole, or with two decimals (`290`, `3.91`).
    public static func rounded(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }

    /// A period in its largest whole unit: `1 d`, `12 h`, `30 min`, `90 s`.
    public static func period(_ seconds: Int64) -> String {
        for (length, unit) in [(Int64(86_400), "d"), (3_600, "h"), (60, "min")]
        where seconds % length == 0 {
            return "\(seconds / length) \(unit)"
        }
        return "\(seconds) s"
    }

    public static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    public static func truncated(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    /// `popular 0.9876 (score 4.35 · min-max 0.98 · weight 1)` in full, `popular 0.9876` in
    /// plain words; a stage's term for an item it did not nominate reads
    /// `content 0 (not nominated)`. `vocabulary` words the ranker's terms.
    public static func contribution(
        _ contribution: Contribution, in vocabulary: Vocabulary, nominated: Bool = true,
        detail: Detail = .full
    ) -> String {
        let name = Words.name(of: contribution, in: vocabulary, detail: detail)
        guard detail == .full, !contribution.factors.isEmpty else {
            return nominated
                ? "\(name) \(number(contribution.value))"
                : "\(name) 0 (not nominated)"
        }
        let factors = contribution.factors.map { "\($0.name) \(number($0.value))" }.joined(
            separator: " · ")
        return "\(name) \(number(contribution.value)) (\(factors))"
    }

    /// A ranked item's contributions joined with `+` and their total, the `keep` largest (by
    /// size) first and the rest summed as "other terms" when `keep` is given.
    public static func ranked(
        _ ranked: Ranked, entry: CandidatePool.Entry?, in pipeline: FittedPipeline,
        keep: Int? = nil, detail: Detail = .full
    ) -> String {
        var terms = ranked.contributions
        var rest: Double?
        if let keep, terms.count > keep + 1 {
            terms.sort { abs($0.value) > abs($1.value) }
            rest = terms.dropFirst(keep).reduce(0) { $0 + $1.value }
            terms = Array(terms.prefix(keep))
        }
        let sources = pipeline.stages.map(\.name)
        var parts = terms.map { term in
            var nominated = true
            if term.kind == .stage, let name = term.source,
                let source = sources.firstIndex(of: name)
            {
                nominated = entry?.nomination(by: source) != nil
            }
            return contribution(
                term, in: pipeline.rankerVocabulary, nominated: nominated, detail: detail)
        }
        if let rest { parts.append("other terms \(number(rest))") }
        return parts.joined(separator: " + ") + " = \(number(ranked.score))"
    }

    /// What the score column of a list is called, for the ranker's scale: `score`, `chance`
    /// (a logit read as a probability) or `placed` (a bandit's arm and position).
    public static func scoreHeading(_ scale: Vocabulary.Scale) -> String {
        switch scale {
        case .plain: "score"
        case .logit: "chance"
        case .place: "placed"
        }
    }

    /// A logit as the probability it stands for: `50.2%`.
    public static func chance(_ logit: Double) -> String {
        String(format: "%.1f%%", 100 / (1 + exp(-logit)))
    }

    /// A ranked item's score on its ranker's scale: the number (`0.4104`), the probability a
    /// logit stands for (`50.2%`), or the arm that placed the item and the item's position
    /// (`als #3`).
    public static func score(_ ranked: Ranked, rank: Int, on scale: Vocabulary.Scale) -> String {
        switch scale {
        case .plain: number(ranked.score)
        case .logit: chance(ranked.score)
        case .place: (ranked.placement.map { "\($0.arm) " } ?? "") + "#\(rank)"
        }
    }

    /// `text` with XML's special characters escaped, for SVG text and attributes.
    public static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "<", with: "&lt;"
        )
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// An item's terms inside the ranker arm that placed it, with their sum.
    public static func terms(
        _ placement: Placement, entry: CandidatePool.Entry?, in pipeline: FittedPipeline,
        keep: Int? = nil, detail: Detail = .full
    ) -> String {
        let terms = placement.contributions
        return ranked(
            Ranked(item: 0, score: terms.reduce(0) { $0 + $1.value }, contributions: terms),
            entry: entry, in: pipeline, keep: keep, detail: detail)
    }
}
