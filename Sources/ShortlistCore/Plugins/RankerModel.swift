/// A fitted, immutable ranker, safe to share between threads and to store.
public protocol RankerModel: Sendable, ArtifactCodable {
    /// Every pooled item, best first, with a score made of contributions.
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked]
    /// The ranked items of `pool` with their contributions in full detail, for explanations.
    /// A ranker whose detail costs more than ranking (splitting a network's output by feature
    /// group, say) gives a coarser split from ``rank(_:for:)`` and the full one here; each
    /// item's detailed contributions still add up to its score. By default, `ranked` as given.
    func detailed(_ ranked: [Ranked], in pool: CandidatePool, for query: Query) -> [Ranked]
}

extension RankerModel {
    public func detailed(_ ranked: [Ranked], in pool: CandidatePool, for query: Query) -> [Ranked] {
        ranked
    }
}

/// A ranker that blends arms with a bandit policy whose state lives outside the model: the
/// request path reads the arms' states from a ``BanditStateSource`` at decision time, blends
/// the arms' orders with ``blend``, and logs the response with each item's arm and propensity.
public protocol BanditRankerModel: RankerModel {
    /// The arms' names, in order.
    var arms: [String] { get }
    /// Each arm's candidate stage (its position in the pipeline), or nil for an arm that is a
    /// ranker of its own, which the pipeline fits and hands over.
    var armSources: [Int?] { get }
    /// How the arms' orders become one response.
    var blend: ArmBlend { get }
}

extension BanditRankerModel {
    /// Each arm's order of the pool, best first: a stage's nominations in its own order, or a
    /// ranker arm's order of the whole pool (empty when `rankers` lacks it).
    public func orders(
        _ pool: CandidatePool, for query: Query, rankers: [Int: any RankerModel]
    ) -> [[Ranked]] {
        armSources.enumerated().map { index, source in
            guard let source else { return rankers[index]?.rank(pool, for: query) ?? [] }
            return pool.entries.compactMap { entry -> (Nomination, ItemIndex)? in
                entry.nomination(by: source).map { ($0, entry.item) }
            }
            .sorted { $0.0.rank < $1.0.rank }
            .map { nomination, item in
                Ranked(item: item, score: nomination.score, contributions: [])
            }
        }
    }

    /// The whole pool in the blended order, scored by place (the first of k items scores k)
    /// with one contribution naming the arm (the arm's own score and the propensity as its
    /// factors); items no arm holds follow in pool order.
    public func blended(
        _ pool: CandidatePool, for query: Query, orders: [[Ranked]], states: [ArmState],
        random: inout SeededGenerator
    ) -> [Ranked] {
        let placed = blend.blend(
            orders, arms: arms, states: states, user: query.userID, random: &random)
        var seen = Set(placed.map(\.ranked.item))
        var items = placed.map { ($0.ranked, Optional($0.placement)) }
        for entry in pool.entries where seen.insert(entry.item).inserted {
            items.append((Ranked(item: entry.item, score: 0, contributions: []), nil))
        }
        let names = Dictionary(uniqueKeysWithValues: arms.map { ($0, "placed by arm \($0)") })
        return items.enumerated().map { index, element in
            let (ranked, placement) = element
            let score = Double(items.count - index)
            let name = placement.flatMap { names[$0.arm] } ?? "held by no arm"
            return Ranked(
                item: ranked.item, score: score,
                contributions: [
                    Contribution(
                        name: name, value: score,
                        factors: [Factor("arm score", ranked.score)]
                            + (placement.map { [Factor("propensity", $0.propensity)] } ?? []))
                ],
                placement: placement)
        }
    }

    /// Without a state source or fitted ranker arms: every arm at its prior, ranker arms
    /// empty, arms drawn from the user's id.
    public func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
        var hasher = FNV1a()
        hasher.combine(query.userID)
        var random = SeededGenerator(seed: hasher.value)
        return blended(
            pool, for: query, orders: orders(pool, for: query, rankers: [:]),
            states: arms.map { _ in ArmState() }, random: &random)
    }
}
