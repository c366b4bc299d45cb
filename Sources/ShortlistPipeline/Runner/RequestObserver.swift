public import ShortlistCore

/// Watches one request as ``FittedPipeline/run(_:context:observer:)`` answers it, receiving
/// the very values that produce the answer: the filtered query, each stage's candidates, the
/// pool, the ranker's order and the re-rank steps' order. Traces, evaluation and ranker training are observers; none of
/// them runs a stage itself.
///
/// Every method has an empty default, so an observer implements only what it needs.
public protocol RequestObserver {
    /// The query after every filter, and how many items each filter excluded.
    mutating func filtered(_ query: Query, steps: [Trace.FilterStep])
    /// What candidate stage `stage` (its index in the pipeline) nominated, and its wall time.
    mutating func generated(stage: Int, candidates: [Candidate], nanoseconds: UInt64)
    /// The merged pool, the ranker's full order of it, and the ranker's wall time.
    mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64)
    /// The ranker's first items as the re-rank steps reordered them (the window; the rest of
    /// the pool follows in the ranker's order) and the steps' wall time; only for a pipeline
    /// with steps.
    mutating func reranked(_ window: [Ranked], nanoseconds: UInt64)
    /// For a bandit ranker: what it decided from (request id, arms, their states, policy); not
    /// yet logged, which is the caller's part.
    mutating func served(_ decision: BanditDecision)
}

extension RequestObserver {
    public mutating func filtered(_ query: Query, steps: [Trace.FilterStep]) {}
    public mutating func generated(stage: Int, candidates: [Candidate], nanoseconds: UInt64) {}
    public mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64) {}
    public mutating func reranked(_ window: [Ranked], nanoseconds: UInt64) {}
    public mutating func served(_ decision: BanditDecision) {}
}

/// An observer that keeps nothing: a plain request.
public struct NoObserver: RequestObserver {
    /// The observer.
    public init() {}
}

/// Keeps the filtered query and the pool of the last request: what two-stage training labels,
/// and what the simulator scores each arm on.
public struct PoolObserver: RequestObserver {
    public var query = Query(userID: "", user: nil, excluded: ItemSet(capacity: 0))
    public var pool = CandidatePool(sources: [], lists: [])

    public init() {}

    public mutating func filtered(_ query: Query, steps: [Trace.FilterStep]) { self.query = query }
    public mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64) {
        self.pool = pool
    }
}
