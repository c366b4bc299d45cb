/// A set of items stored as one bit per catalogue item.
///
/// Membership tests cost one load and a shift, so generators can skip excluded items in
/// their inner loops.
public struct ItemSet: Sendable, Equatable {
    private var words: [UInt64]
    /// The number of items in the catalogue this set ranges over.
    public let capacity: Int
    /// The number of items in the set.
    public private(set) var count: Int = 0

    /// An empty set over a catalogue of `capacity` items.
    public init(capacity: Int) {
        self.capacity = capacity
        self.words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    /// Whether `item` is in the set; items outside the catalogue never are.
    @inlinable
    public func contains(_ item: ItemIndex) -> Bool {
        guard item >= 0, item < capacity else { return false }
        return _contains(item)
    }

    @usableFromInline
    func _contains(_ item: ItemIndex) -> Bool {
        words[item >> 6] & (1 << UInt64(item & 63)) != 0
    }

    /// Adds `item`; returns whether it was new. Items outside the catalogue are ignored.
    @discardableResult
    public mutating func insert(_ item: ItemIndex) -> Bool {
        guard item >= 0, item < capacity else { return false }
        let bit: UInt64 = 1 << UInt64(item & 63)
        if words[item >> 6] & bit != 0 { return false }
        words[item >> 6] |= bit
        count += 1
        return true
    }
}
