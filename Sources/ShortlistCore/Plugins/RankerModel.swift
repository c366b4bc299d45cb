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
