import ShortlistCore

/// A fast 64-bit hash of many bytes, for checksums and file identities: 4 MiB blocks hashed on
/// several threads (four lanes of xxHash64's round each), their digests combined in order, so
/// the value does not depend on the thread count.
enum BlockHash {
    static let blockSize = 1 << 22

    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// The hash of `bytes`.
    ///
    /// - Complexity: O(bytes), spread over up to `threads` threads.
    static func hash(_ bytes: UnsafeRawBufferPointer, threads: Int) -> UInt64 {
        hash(bytes, into: nil, threads: threads)
    }

    /// The hash of `bytes`, copying them to `destination` (as long) block by block on the way,
    /// so the bytes are read from memory once.
    static func hash(
        _ bytes: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer?, threads: Int
    ) -> UInt64 {
        let blocks = (bytes.count + blockSize - 1) / blockSize
        let input = Input(bytes: bytes, destination: destination)
        let digests = concurrentMap(blocks, threads: threads, chunk: 1) { block in
            let lower = block * blockSize
            let upper = min(input.bytes.count, lower + blockSize)
            var part = UnsafeRawBufferPointer(rebasing: input.bytes[lower..<upper])
            if let destination = input.destination {
                let copy = UnsafeMutableRawBufferPointer(
                    start: destination + lower, count: upper - lower)
                copy.copyMemory(from: part)
                part = UnsafeRawBufferPointer(copy)
            }
            return digest(part)
        }
        var h = prime1 ^ UInt64(bytes.count)
        for digest in digests { h = round(h, digest) }
        return avalanche(h)
    }

    private static func digest(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var a = prime1 &+ prime2
        var b = prime2
        var c: UInt64 = 0
        var d = 0 &- prime1
        var i = 0
        let n = bytes.count
        while i + 32 <= n {
            a = round(a, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            b = round(b, bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            c = round(c, bytes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
            d = round(d, bytes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
            i += 32
        }
        var h = rotate(a, 1) &+ rotate(b, 7) &+ rotate(c, 12) &+ rotate(d, 18)
        while i + 8 <= n {
            h = round(h, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        return avalanche(round(h ^ UInt64(n), tail))
    }

    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    private static func rotate(_ x: UInt64, _ bits: UInt64) -> UInt64 {
        (x << bits) | (x >> (64 - bits))
    }

    private static func avalanche(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* prime2
        h ^= h >> 29
        h = h &* 0x1656_67B1_9E37_79F9
        return h ^ (h >> 32)
    }
}

/// Bytes that several threads read.
private struct Input: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let destination: UnsafeMutableRawPointer?
}
