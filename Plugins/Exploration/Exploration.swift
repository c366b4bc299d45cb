public import ShortlistCore

/// Gives a share of the response's places to items a candidate stage nominated that the
/// ranker put below them (new items, recent popularity): exploration, so that what the ranker
/// would not show gets shown and its feedback can correct the ranker.
///
/// Each of the first n places explores with probability `share`, or the declared `places`
/// always do; an exploring place takes an item drawn uniformly from the stage's nominations
/// the ranker placed below the first n (within the window), and every item below it moves
/// down one. The draws are seeded by the pipeline's seed and the request (its id, else the
/// user's), so one request draws the same every time. Each drawn item is marked with its
/// propensity: the chance it was shown in that place (share × 1 / the items it was drawn
/// from), which the exposure log keeps for off-policy estimates.
public struct Exploration: RerankStep {
    /// The parameters under an `explore` step.
    public struct Params: PluginParameters {
        public var stage = ""
        public var share = 0.1
        public var places: [Int] = []

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init("stage", \.stage, "the candidate stage whose nominations explore (required)"),
                .init(
                    "share", \.share, .between(0, 1),
                    "the chance that each of the first n places explores (without 'places')"),
                .init(
                    "places", \.places,
                    "places (from 1) that always explore, instead of a share drawn per place"),
            ]
        }
    }

    public static let type = "explore"
    public static let summary =
        "Exploration: a share of places goes to a stage's items the ranker placed lower."
    public static let usesSeed = true

    let stage: String
    let share: Double
    let places: Set<Int>
    let seed: UInt64

    public static func make(_ params: Params, context: BuildContext) throws -> Exploration {
        guard context.sourceNames.contains(params.stage) else {
            let known = context.sourceNames
            throw ParameterError(
                keyPath: ["stage"],
                message: params.stage.isEmpty
                    ? "an explore step needs 'stage': one of \(known.joined(separator: ", "))"
                    : suggesting(
                        "'stage' is '\(excerpt(params.stage))', which is not a candidate stage of "
                            + "pipeline '\(context.stageName)'", for: params.stage, in: known,
                        otherwise: "; its stages are \(known.joined(separator: ", "))"))
        }
        if let place = params.places.first(where: { $0 < 1 }) {
            throw ParameterError(
                keyPath: ["places"], message: "places count from 1, found \(place)")
        }
        guard Set(params.places).count == params.places.count else {
            throw ParameterError(keyPath: ["places"], message: "a place is listed twice")
        }
        return Exploration(
            stage: params.stage, share: params.share, places: Set(params.places),
            seed: context.seed)
    }

    /// - Complexity: O(items) per exploring place.
    public func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick] {
        var order = Array(items.indices)
        guard let source = context.pool.sources.firstIndex(of: stage) else {
            return order.map { RerankPick(position: $0) }
        }
        var hasher = FNV1a()
        hasher.combine(Int(truncatingIfNeeded: seed))
        hasher.combine(context.requestKey)
        var random = SeededGenerator(seed: hasher.value)
        let n = min(context.count, items.count)
        var eligible = items.indices.dropFirst(n).filter {
            context.pool.entry(for: items[$0].item)?.nomination(by: source) != nil
        }
        var reasons: [Int: RerankReason] = [:]
        for place in 0..<n {
            let explores =
                places.isEmpty
                ? Double.random(in: 0..<1, using: &random) < share : places.contains(place + 1)
            guard explores, !eligible.isEmpty else { continue }
            let chance = places.isEmpty ? share : 1
            let position = eligible.remove(
                at: Int.random(in: 0..<eligible.count, using: &random))
            reasons[position] = .explored(
                stage: stage, propensity: chance / Double(eligible.count + 1))
            order.removeAll { $0 == position }
            order.insert(position, at: place)
        }
        return order.map { RerankPick(position: $0, reason: reasons[$0]) }
    }
}
