/// A fitted, immutable ranker, safe to share between threads and to store.
public protocol RankerModel: Sendable, ArtifactCodable {
    /// Every pooled item, best first, with a score made of contributions.
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked]
}
