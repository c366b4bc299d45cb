public import ShortlistCore
import ShortlistData

/// Why one item is, or is not, in a user's recommendations.
public struct ItemExplanation: Sendable {
    /// Where the item ended up.
    public enum Outcome: Sendable, Equatable {
        /// In the list at this rank (from 1).
        case recommended(rank: Int)
        /// Ranked by the ranker, but below the cut-off: its rank in the pool and the last kept score.
        case belowCutoff(rank: Int, cutoffScore: Double)
        /// Ranked by the ranker below the re-rank steps' window (of this many items), so no
        /// step could bring it into the list.
        case belowWindow(rank: Int, window: Int)
        /// In the ranker's first `n`, pushed out by the re-rank steps (its moves say how): its
        /// rank in the ranker's order and in the final one.
        case pushedOut(rankerRank: Int, rank: Int)
        /// Removed by these filters before any generator saw it.
        case filtered(by: [String])
        /// No generator nominated it within its limit.
        case notNominated
    }

    /// One candidate stage's view of the item.
    public struct StageView: Sendable {
        /// The stage name.
        public var name: String
        /// The plugin type.
        public var type: String
        /// The stage's candidate budget.
        public var limit: Int
        /// The item's rank in the stage's full ordering (filters applied), if it scores it at all.
        public var rank: Int?
        /// The stage's score for the item, if it scores it.
        public var score: Double?
        /// The stage's account of its score for the item.
        public var explanation: Explanation
        /// Why the stage offered nothing for this user, if it did not.
        public var unavailable: Unavailability?

        /// Whether the item made the stage's list.
        public var isNominated: Bool { rank.map { $0 <= limit } ?? false }
    }

    /// The item.
    public var item: ItemIndex
    /// Where it ended up.
    public var outcome: Outcome
    /// Every candidate stage's view of it.
    public var stages: [StageView]
    /// The ranker's score and contributions, when it reached the ranker.
    public var ranked: Ranked?
    /// The whole request's trace.
    public var trace: Trace
}

extension FittedPipeline {
    /// Explains the item `itemID` for `userID`: its rank, or which stage or filter stopped it.
    /// A bandit draws its arms from `requestID` (a served response's id replays its draws), or
    /// from a new id, with the arms' states in `context`; nothing is logged.
    ///
    /// Throws for an item id the catalogue does not have.
    public func explain(
        userID: String, itemID: String, n: Int? = nil, history: [FreshInteraction] = [],
        exclude: [ItemIndex] = [], fields: [FieldFilter] = [], lambda: Double? = nil,
        requestID: String? = nil, context: RankingContext = .priors
    ) throws(DataError) -> ItemExplanation {
        guard let item = dataset.item(itemID) else {
            throw DataError(.unknownID, "unknown item '\(itemID)': the dataset has no such item")
        }
        let (response, trace) = recommendWithTrace(
            Request(
                userID: userID, n: n, history: history, exclude: exclude, fields: fields,
                lambda: lambda, requestID: requestID),
            context: context)
        let list = response.items
        let query = trace.query
        let stageViews = stageViews(of: [item], for: query, trace: trace)[0]
        let outcome: ItemExplanation.Outcome
        let ranked = trace.final.firstIndex { $0.item == item }
        let rankerRank = trace.ranked.firstIndex { $0.item == item }.map { $0 + 1 }
        if let position = list.firstIndex(where: { $0.item == item }) {
            outcome = .recommended(rank: position + 1)
        } else if let ranked, let rankerRank, let rerank = trace.rerank {
            if rankerRank > rerank.window {
                outcome = .belowWindow(rank: rankerRank, window: rerank.window)
            } else if rankerRank <= trace.resultCount {
                outcome = .pushedOut(rankerRank: rankerRank, rank: ranked + 1)
            } else {
                outcome = .belowCutoff(rank: ranked + 1, cutoffScore: list.last?.score ?? .nan)
            }
        } else if let ranked {
            outcome = .belowCutoff(rank: ranked + 1, cutoffScore: list.last?.score ?? .nan)
        } else if query.excluded.contains(item) {
            outcome = .filtered(
                by: filters.filter { $0.excludes(item, for: query) }.map(\.name)
                    + (exclude.contains(item) ? ["request exclude"] : [])
                    + fields.filter {
                        $0.excludes(item, ids: $0.ids(in: itemFields), fields: itemFields)
                    }.map(\.name))
        } else {
            outcome = .notNominated
        }
        return ItemExplanation(
            item: item, outcome: outcome, stages: stageViews,
            ranked: ranked.map { trace.final[$0] }, trace: trace
        )
    }

    /// Every candidate stage's view of each of `items` in one request's `trace`: its rank and
    /// score (beyond the stage's limit too), its account of the score, and why the stage offered
    /// nothing when it did not. What `explain` says of one item, `recommend --explain` says of
    /// each listed item.
    ///
    /// - Complexity: one full ordering of the catalogue per stage that left one of the items
    ///   out of its list, plus one explanation per stage and item.
    public func stageViews(of items: [ItemIndex], for query: Query, trace: Trace)
        -> [[ItemExplanation.StageView]]
    {
        var full: [Int: [ItemIndex: (rank: Int, score: Double)]] = [:]
        let explanations = stages.map { stage -> [Explanation] in
            let readable = stage.readable(query)
            guard items.allSatisfy(stage.knows) else {
                return items.map {
                    stage.knows($0) ? stage.model.explain(item: $0, for: readable) : .none
                }
            }
            return stage.model.explain(items: items, for: readable)
        }
        return items.enumerated().map { position, item in
            stages.enumerated().map { index, stage in
                let step = trace.generators[index]
                var rank = step.candidates.firstIndex { $0.item == item }.map { $0 + 1 }
                var score = rank.map { step.candidates[$0 - 1].score }
                if rank == nil, !query.excluded.contains(item) {
                    if full[index] == nil {
                        let ordering = stage.model.candidates(
                            for: stage.readable(query), limit: dataset.itemCount)
                        full[index] = Dictionary(
                            uniqueKeysWithValues: ordering.enumerated().map {
                                ($1.item, (rank: $0 + 1, score: $1.score))
                            })
                    }
                    if let found = full[index]?[item] {
                        rank = found.rank
                        score = found.score
                    }
                }
                return ItemExplanation.StageView(
                    name: stage.name, type: stage.type, limit: stage.limit, rank: rank,
                    score: score, explanation: explanations[index][position],
                    unavailable: step.unavailable)
            }
        }
    }
}
