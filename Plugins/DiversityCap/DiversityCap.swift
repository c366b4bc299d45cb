public import ShortlistCore

/// Keeps at most `max` items sharing a value of a field (a genre, a decade) in any `per`
/// consecutive places of the response, and at most `per-list` in all of it: an item that
/// would break the cap waits for the first later place where it fits.
///
/// Only the first `n` places are filled this way; the items left, the held ones among them,
/// follow in the order they came. When the items cannot fill `n` places within the cap, the
/// response is shorter: what is left is left out.
public struct DiversityCap: RerankStep {
    /// The parameters under a `cap` step.
    public struct Params: PluginParameters {
        public var field = ItemField.genre
        public var max = 2
        public var per = 5
        public var perList = 0

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init("field", \.field, "the field whose values are capped"),
                .init(
                    "max", \.max, .positive,
                    "the most items sharing a value in any 'per' consecutive places"),
                .init("per", \.per, .positive, "the places the cap counts over"),
                .init(
                    "per-list", \.perList, .nonNegative,
                    "the most items sharing a value in the whole response (0: no such limit)"),
            ]
        }
    }

    public static let type = "cap"
    public static let summary =
        "At most max items sharing a genre or decade in any per consecutive places."

    let field: ItemField
    let max: Int
    let per: Int
    let perList: Int?

    public static func make(_ params: Params, context: BuildContext) throws -> DiversityCap {
        if params.perList == 0, params.max >= params.per {
            throw ParameterError(
                keyPath: ["max"],
                message: "'max' is \(params.max) items in any \(params.per) places, which never "
                    + "binds; make it smaller than 'per' (\(params.per)) or set 'per-list'")
        }
        return DiversityCap(
            field: params.field, max: params.max, per: params.per,
            perList: params.perList == 0 ? nil : params.perList)
    }

    public var requiredFields: [FieldRequirement] {
        [FieldRequirement(field.dataField, keyPath: ["field"])]
    }

    /// - Complexity: O(n · items · values · per).
    public func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick] {
        let values = items.map { field.values(of: $0.item, in: context.fields) }
        let (order, held) = Diversify.cap(
            values: values, max: max, per: per, perList: perList, count: context.count)
        let filled = order.count == min(context.count, items.count)
        func pick(_ position: Int, placed: Bool) -> RerankPick {
            RerankPick(
                position: position,
                reason: held[position].map {
                    .capped(
                        field: field, value: field.name(of: $0.value, in: context.fields),
                        max: $0.byList ? perList ?? max : max, per: $0.byList ? 0 : per)
                },
                // Short of n places, what is left would break the cap in the response.
                isLeftOut: !placed && !filled)
        }
        var placed = [Bool](repeating: false, count: items.count)
        for position in order { placed[position] = true }
        return order.map { pick($0, placed: true) }
            + items.indices.filter { !placed[$0] }.map { pick($0, placed: false) }
    }
}
