/// Dense ids `0 ..< count` for distinct keys, in the order they are first seen.
public struct Interner<Key: Hashable>: Sendable where Key: Sendable {
    /// The keys by id.
    public private(set) var keys: [Key] = []
    private var ids: [Key: Int32] = [:]

    /// No keys yet.
    public init() {}

    /// The number of distinct keys.
    public var count: Int { keys.count }

    /// The key's id, assigning the next one the first time the key is seen.
    ///
    /// - Complexity: O(1) on average.
    public mutating func id(_ key: Key) -> Int32 {
        if let id = ids[key] { return id }
        let id = Int32(keys.count)
        ids[key] = id
        keys.append(key)
        return id
    }
}
