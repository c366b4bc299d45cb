import Dispatch
import Foundation
public import ShortlistConfig
public import ShortlistCore

/// A pipeline with every stage fitted: answers recommendation requests.
///
/// The stages of one request run on the calling thread; ``recommendAll(_:n:)`` spreads users
/// over the cores.
public struct FittedPipeline: Sendable {
    /// One fitted candidate stage.
    public struct Stage: Sendable {
        /// The stage name.
        public var name: String
        /// The plugin type.
        public var type: String
        /// The candidate budget.
        public var limit: Int
        /// The fitted model.
        public var model: any CandidateModel
        /// Seconds the fit took, or nil when the model was loaded from its artifact.
        public var fitSeconds: Double?

        /// A fitted stage.
        public init(name: String, type: String, limit: Int, model: any CandidateModel, fitSeconds: Double? = nil) {
            self.name = name
            self.type = type
            self.limit = limit
            self.model = model
            self.fitSeconds = fitSeconds
        }
    }

    /// The pipeline's name.
    public let name: String
    /// The default result size.
    public let resultCount: Int
    /// The data the stages were fitted on, used for histories and ids.
    public let dataset: Dataset
    /// The candidate stages in order.
    public let stages: [Stage]
    /// The ranker's plugin type.
    public let rankerType: String
    /// The fitted ranker.
    public let ranker: any RankerModel
    /// Seconds the ranker's fit took, or nil when it was loaded from its artifact.
    public let rankerFitSeconds: Double?
    /// The filters in the order they apply.
    public let filters: [any Filter]

    /// A fitted pipeline; `filterSpec` is resolved against the dataset's ids.
    public init(
        name: String, resultCount: Int, dataset: Dataset, stages: [Stage], rankerType: String,
        ranker: any RankerModel, rankerFitSeconds: Double? = nil, filterSpec: FilterSpec
    ) throws(DataError) {
        self.rankerFitSeconds = rankerFitSeconds
        self.name = name
        self.resultCount = resultCount
        self.dataset = dataset
        self.stages = stages
        self.rankerType = rankerType
        self.ranker = ranker
        var filters: [any Filter] = []
        if filterSpec.excludeSeen { filters.append(ExcludeSeen()) }
        if !filterSpec.excludedItems.isEmpty {
            var items = ItemSet(capacity: dataset.itemCount)
            for id in filterSpec.excludedItems {
                guard let item = dataset.item(id) else {
                    throw DataError(.unknownID, "the 'exclude' filter of pipeline '\(name)' names item '\(id)', which the dataset does not have")
                }
                items.insert(item)
            }
            filters.append(ExcludeItems(name: "exclude", items: items))
        }
        if filterSpec.minInteractions > 0 {
            var items = ItemSet(capacity: dataset.itemCount)
            for item in 0 ..< dataset.itemCount where dataset.byItem.count(of: item) < filterSpec.minInteractions {
                items.insert(item)
            }
            filters.append(ExcludeItems(name: "min-interactions \(filterSpec.minInteractions)", items: items))
        }
        self.filters = filters
    }

    /// The query for a user id with every filter applied to its excluded set.
    public func query(forUserID id: String) -> Query {
        filteredQuery(forUserID: id).query
    }

    /// The filtered query, and how many items each filter added to the excluded set.
    private func filteredQuery(forUserID id: String) -> (query: Query, steps: [Trace.FilterStep]) {
        var query = dataset.query(forUserID: id)
        var excluded = query.excluded
        var steps: [Trace.FilterStep] = []
        for filter in filters {
            let before = excluded.count
            filter.addExclusions(to: &excluded, for: query)
            steps.append(Trace.FilterStep(name: filter.name, excludedCount: excluded.count - before))
        }
        query.excluded = excluded
        return (query, steps)
    }

    /// The top `n` items for a user (the pipeline's `n` when nil); unknown ids get a cold answer.
    public func recommend(userID: String, n: Int? = nil) -> [Ranked] {
        let query = query(forUserID: userID)
        let lists = stages.map { $0.model.candidates(for: query, limit: $0.limit) }
        let pool = CandidatePool(sources: stages.map(\.name), lists: lists)
        return Array(ranker.rank(pool, for: query).prefix(n ?? resultCount))
    }

    /// The top `n` items and a trace of every stage, from the same calls as ``recommend(userID:n:)``.
    public func recommendWithTrace(userID: String, n: Int? = nil) -> ([Ranked], Trace) {
        let count = n ?? resultCount
        let (query, filterSteps) = filteredQuery(forUserID: userID)
        var steps: [Trace.GeneratorStep] = []
        var lists: [[Candidate]] = []
        for stage in stages {
            let start = DispatchTime.now().uptimeNanoseconds
            let list = stage.model.candidates(for: query, limit: stage.limit)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let reason = list.isEmpty
                ? stage.model.unavailableReason(for: query) ?? "every item it would nominate is excluded by the filters"
                : nil
            steps.append(Trace.GeneratorStep(name: stage.name, type: stage.type, limit: stage.limit, candidates: list, emptyReason: reason, seconds: seconds))
            lists.append(list)
        }
        let pool = CandidatePool(sources: stages.map(\.name), lists: lists)
        let start = DispatchTime.now().uptimeNanoseconds
        let ranked = ranker.rank(pool, for: query)
        let rankerSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let status = query.user == nil ? "unknown user: no history"
            : query.isCold ? "known user with no history" : "known user with \(query.historyItems.count) interactions"
        let trace = Trace(
            userStatus: status, filters: filterSteps, generators: steps, pool: pool, ranked: ranked,
            resultCount: count, rankerSeconds: rankerSeconds
        )
        return (Array(ranked.prefix(count)), trace)
    }

    /// Recommendations for many users, in the order given, spread over the cores.
    ///
    /// - Complexity: one ``recommend(userID:n:)`` per user, divided by the core count.
    public func recommendAll(_ userIDs: [String], n: Int? = nil) -> [[Ranked]] {
        var results = [[Ranked]](repeating: [], count: userIDs.count)
        let chunk = 64
        let chunks = (userIDs.count + chunk - 1) / chunk
        results.withUnsafeMutableBufferPointer { buffer in
            let output = SendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                for position in index * chunk ..< min(userIDs.count, (index + 1) * chunk) {
                    output.buffer[position] = recommend(userID: userIDs[position], n: n)
                }
            }
        }
        return results
    }
}

/// Disjoint slices of one buffer written from several threads.
private struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
