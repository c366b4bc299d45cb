/// Keeps the `k` highest-scoring items seen so far, for selecting candidates without sorting
/// the catalogue.
///
/// Ties are broken by the lower item index, so the result is deterministic.
///
/// - Complexity: O(n · log k) for n insertions; O(k log k) for ``sorted()``.
public struct TopK: Sendable {
    /// The most items kept.
    public let k: Int
    private var heap: [Candidate] = []

    /// An empty selection of at most `k` items.
    public init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(min(self.k, 4096))
    }

    /// The lowest score kept, once `k` items are held; before that, -infinity.
    @inlinable
    public var threshold: Double { count < k ? -.infinity : minimum.score }

    @usableFromInline
    var count: Int { heap.count }

    @usableFromInline
    var minimum: Candidate { heap[0] }

    /// Offers an item; it is kept if it beats the lowest kept item.
    public mutating func insert(_ item: ItemIndex, score: Double) {
        let candidate = Candidate(item: item, score: score)
        if heap.count < k {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if k > 0, Self.isBetter(candidate, heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept items, best first.
    public func sorted() -> [Candidate] {
        heap.sorted(by: Self.isBetter)
    }

    /// Whether `a` ranks above `b`: higher score, then lower item index.
    @inlinable
    public static func isBetter(_ a: Candidate, _ b: Candidate) -> Bool {
        a.score != b.score ? a.score > b.score : a.item < b.item
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.isBetter(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var worst = left
            let right = left + 1
            if right < heap.count, Self.isBetter(heap[left], heap[right]) { worst = right }
            guard Self.isBetter(heap[parent], heap[worst]) else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
