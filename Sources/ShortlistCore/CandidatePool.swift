/// One generator's nomination of an item: its position in that generator's list and its score.
public struct Nomination: Sendable, Equatable {
    /// The generator's position in ``CandidatePool/sources``.
    public var source: Int
    /// The item's rank in that generator's list, from 1.
    public var rank: Int
    /// The generator's raw score.
    public var score: Double

    /// A nomination.
    public init(source: Int, rank: Int, score: Double) {
        self.source = source
        self.rank = rank
        self.score = score
    }
}

/// The merged candidates of every generator, keeping each source's rank and raw score per item.
public struct CandidatePool: Sendable {
    /// One pooled item and every nomination it received, in source order.
    public struct Entry: Sendable, Equatable {
        /// The item.
        public var item: ItemIndex
        /// Who nominated it, with which rank and score.
        public var nominations: [Nomination]

        /// The nomination by `source`, if that source nominated the item.
        public func nomination(by source: Int) -> Nomination? {
            nominations.first { $0.source == source }
        }
    }

    /// The generator stage names, in pipeline order.
    public let sources: [String]
    /// The pooled items in order of first nomination (source order, then rank).
    public private(set) var entries: [Entry] = []
    private var position: [ItemIndex: Int] = [:]

    /// Merges the generators' lists, which are given best first and in `sources` order.
    ///
    /// - Complexity: O(total candidates).
    public init(sources: [String], lists: [[Candidate]]) {
        precondition(sources.count == lists.count, "one candidate list per source")
        self.sources = sources
        for (source, list) in lists.enumerated() {
            for (offset, candidate) in list.enumerated() {
                let nomination = Nomination(
                    source: source, rank: offset + 1, score: candidate.score)
                if let index = position[candidate.item] {
                    entries[index].nominations.append(nomination)
                } else {
                    position[candidate.item] = entries.count
                    entries.append(Entry(item: candidate.item, nominations: [nomination]))
                }
            }
        }
    }

    /// The number of pooled items.
    public var count: Int { entries.count }

    /// The pooled entry of `item`, if any generator nominated it.
    public func entry(for item: ItemIndex) -> Entry? {
        position[item].map { entries[$0] }
    }

    /// The position of `item` in ``entries``, if any generator nominated it.
    public func position(of item: ItemIndex) -> Int? { position[item] }
}
