import Foundation

/// Dense ids `0 ..< count` for distinct byte strings, in the order they are first seen.
///
/// Keys are compared as Swift compares strings: an ASCII key by its bytes, any other by the
/// bytes of its canonical composition (NFC), so `é` written as one scalar or as `e` and an
/// accent is one id, as it is one key of a `[String: …]`. The first spelling seen is kept.
struct ByteInterner {
    /// The number of distinct keys.
    private(set) var count = 0
    /// Every key's bytes, one after another; key `i` is `storage[offsets[i] ..< offsets[i + 1]]`.
    private var storage: [UInt8] = []
    private var offsets: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Open addressing: the id in each slot plus one, 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 64)
    /// The first spelling of keys whose bytes are their canonical composition, not as written.
    private var spellings: [Int32: String] = [:]

    /// The id of an ASCII key, or of a non-ASCII one in canonical composition.
    mutating func id(_ key: UnsafeBufferPointer<UInt8>, spelling: String? = nil) -> Int32 {
        id(key, hash: Self.hash(key), spelling: spelling)
    }

    /// The id of a key given as a string.
    mutating func id(_ string: String) -> Int32 {
        var key = Self.isASCII(string) ? string : string.precomposedStringWithCanonicalMapping
        let spelling = key.utf8.elementsEqual(string.utf8) ? nil : string
        return key.withUTF8 { id($0, spelling: spelling) }
    }

    /// The id of a key whose hash is known (the hash of another interner, merged in).
    mutating func id(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, spelling: String?) -> Int32 {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot] - 1)
            if hashes[id] == hash, matches(id, key) { return Int32(id) }
            slot = (slot + 1) & mask
        }
        let id = Int32(count)
        slots[slot] = id + 1
        storage.append(contentsOf: key)
        offsets.append(storage.count)
        hashes.append(hash)
        if let spelling { spellings[id] = spelling }
        count += 1
        if count * 2 > slots.count { grow() }
        return id
    }

    /// Calls `body` with each id's key bytes, hash and spelling, in id order.
    func forEachKey(_ body: (UnsafeBufferPointer<UInt8>, UInt64, String?) -> Void) {
        storage.withUnsafeBufferPointer { all in
            for id in 0..<count {
                body(
                    UnsafeBufferPointer(rebasing: all[offsets[id]..<offsets[id + 1]]), hashes[id],
                    spellings[Int32(id)])
            }
        }
    }

    /// The keys by id, as strings in their first spelling.
    var strings: [String] {
        storage.withUnsafeBufferPointer { all in
            (0..<count).map { id in
                spellings[Int32(id)]
                    ?? String(decoding: all[offsets[id]..<offsets[id + 1]], as: UTF8.self)
            }
        }
    }

    private func matches(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[id]
        guard offsets[id + 1] - start == key.count else { return false }
        return storage.withUnsafeBufferPointer { all in
            key.isEmpty || memcmp(all.baseAddress! + start, key.baseAddress!, key.count) == 0
        }
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }

    private static func isASCII(_ string: String) -> Bool {
        string.utf8.allSatisfy { $0 < 0x80 }
    }

    /// A 64-bit hash of the bytes, eight at a time.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let raw = UnsafeRawBufferPointer(key)
        while i + 8 <= key.count {
            h = mix(h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < key.count {
            var tail: UInt64 = 0
            for j in i..<key.count { tail |= UInt64(key[j]) << (8 * UInt64(j - i)) }
            h = mix(h ^ tail)
        }
        return mix(h)
    }

    private static func mix(_ x: UInt64) -> UInt64 {
        let product = x.multipliedFullWidth(by: 0x9FB2_1C65_1E98_DF25)
        return product.high ^ product.low
    }
}
