/// The 64-bit FNV-1a hash (Fowler, Noll, Vo): stable across runs and machines, unlike `Hasher`.
public struct FNV1a: Sendable {
    /// The hash of everything combined so far.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A fresh hash.
    public init() {}

    /// Mixes in raw bytes.
    ///
    /// - Complexity: O(bytes), about one nanosecond a byte.
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        value = h
    }

    /// Mixes in a string's UTF-8 bytes and its length, so that ("ab","c") ≠ ("a","bc").
    public mutating func combine(_ string: String) {
        var copy = string
        copy.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        combine(string.utf8.count)
    }

    /// Mixes in an integer's little-endian bytes.
    public mutating func combine(_ integer: Int) {
        withUnsafeBytes(of: Int64(integer).littleEndian) { combine(bytes: $0) }
    }

    /// Mixes in the bytes of a contiguous array of plain values, and its length.
    public mutating func combine<T: BitwiseCopyable>(_ array: [T]) {
        array.withUnsafeBytes { combine(bytes: $0) }
        combine(array.count)
    }

    /// The hash as 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
