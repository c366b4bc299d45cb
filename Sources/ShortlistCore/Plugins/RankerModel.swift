/// A fitted, immutable ranker, safe to share between threads and to store.
public protocol RankerModel: Sendable, ArtifactCodable {
    /// Every pooled item, best first, with a score made of contributions.
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked]
    /// The ranked items of `pool` with their contributions in full detail, for explanations.
    /// A ranker whose detail costs more than ranking (splitting a network's output by feature
    /// group, say) gives a coarser split from ``rank(_:for:)`` and the full one here; each
    /// item's detailed contributions still add up to its score. By default, `ranked` as given.
    func detailed(_ ranked: [Ranked], in pool: CandidatePool, for query: Query) -> [Ranked]
    /// The model ranking the catalogue as `update` has it (items added since the fit among the
    /// candidates), or nil when it ranks only the items it was fitted on (the pipeline then
    /// keeps new items out of its pools). A ranker that reads only the pool's scores returns
    /// itself. Asked off the request path, whenever the catalogue changes.
    func servingCatalogue(_ update: CatalogueUpdate) -> (any RankerModel)?
}

extension RankerModel {
    public func detailed(_ ranked: [Ranked], in pool: CandidatePool, for query: Query) -> [Ranked] {
        ranked
    }
    public func servingCatalogue(_ update: CatalogueUpdate) -> (any RankerModel)? { nil }
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
    /// An arm's order of the pool, best first: a stage's nominations in its own order, or a
    /// ranker arm's order of the whole pool (empty when `rankers` lacks it).
    public func order(
        ofArm arm: Int, _ pool: CandidatePool, for query: Query, rankers: [Int: any RankerModel]
    ) -> [Ranked] {
        guard let source = armSources[arm] else {
            return rankers[arm]?.rank(pool, for: query) ?? []
        }
        return pool.entries.compactMap { entry -> (Nomination, ItemIndex)? in
            entry.nomination(by: source).map { ($0, entry.item) }
        }
        .sorted { $0.0.rank < $1.0.rank }
        .map { nomination, item in
            Ranked(item: item, score: nomination.score, contributions: [])
        }
    }

    /// Whether an arm's order of the pool holds an item: a stage arm's when the stage
    /// nominated one, a ranker arm's when `rankers` has it and the pool is not empty.
    ///
    /// - Complexity: O(pool) for a stage arm, O(1) for a ranker arm.
    public func serves(
        arm: Int, _ pool: CandidatePool, rankers: [Int: any RankerModel]
    ) -> Bool {
        guard let source = armSources[arm] else {
            return rankers[arm] != nil && !pool.entries.isEmpty
        }
        return pool.entries.contains { $0.nomination(by: source) != nil }
    }

    /// Every arm's order of the pool (``order(ofArm:_:for:rankers:)``), in arm order.
    public func orders(
        _ pool: CandidatePool, for query: Query, rankers: [Int: any RankerModel]
    ) -> [[Ranked]] {
        arms.indices.map { order(ofArm: $0, pool, for: query, rankers: rankers) }
    }

    /// The whole pool in the blended order, scored by place (the first of k items scores k)
    /// with one contribution naming the arm that placed it, and a placement that keeps the
    /// propensity and the item's terms inside the arm; items no arm placed follow in pool
    /// order, without a placement (a pipeline does not show them). An arm with nothing for this request
    /// takes no part in it (``ArmBlend/blend(states:user:random:serves:order:)``); ranker arms
    /// come from `rankers`.
    public func blended(
        _ pool: CandidatePool, for query: Query, states: [ArmState],
        random: inout SeededGenerator, rankers: [Int: any RankerModel]
    ) -> [Ranked] {
        let placed = blend.blend(
            states: states, user: query.userID, random: &random,
            serves: { serves(arm: $0, pool, rankers: rankers) },
            order: { order(ofArm: $0, pool, for: query, rankers: rankers) })
        var unplaced: [ItemIndex] = []
        if placed.count < pool.count {
            var isPlaced = [Bool](repeating: false, count: pool.count)
            for element in placed {
                if let position = pool.position(of: element.ranked.item) {
                    isPlaced[position] = true
                }
            }
            unplaced = pool.entries.indices.filter { !isPlaced[$0] }.map { pool.entries[$0].item }
        }
        let count = placed.count + unplaced.count
        var result: [Ranked] = []
        result.reserveCapacity(count)
        // Each arm's term made once and copied with its value: a term per pooled item.
        let placedBy = arms.map { Contribution(.placedByArm, subject: .arm($0), value: 0) }
        var held = Contribution(.heldByNoArm, value: 0)
        for element in placed {
            let score = Double(count - result.count)
            var term = placedBy[element.arm]
            term.value = score
            result.append(
                Ranked(
                    item: element.ranked.item, score: score, contributions: [term],
                    placement: Placement(
                        arm: arms[element.arm], propensity: element.propensity,
                        contributions: element.ranked.contributions)))
        }
        for item in unplaced {
            let score = Double(count - result.count)
            held.value = score
            result.append(Ranked(item: item, score: score, contributions: [held]))
        }
        return result
    }

    /// Without a state source or fitted ranker arms: every arm at its prior, ranker arms
    /// empty, arms drawn from the user's id.
    public func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
        var hasher = FNV1a()
        hasher.combine(query.userID)
        var random = SeededGenerator(seed: hasher.value)
        return blended(
            pool, for: query, states: arms.map { _ in ArmState() }, random: &random, rankers: [:])
    }
}
