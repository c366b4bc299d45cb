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
        let input = Input(bytes: bytes)
        let digests = concurrentMap(blocks(bytes.count), threads: threads, chunk: 1) { block in
            let lower = block * blockSize
            let upper = min(input.bytes.count, lower + blockSize)
            return digest(UnsafeRawBufferPointer(rebasing: input.bytes[lower..<upper]))
        }
        return combine(digests, count: bytes.count)
    }

    /// The hash of the bytes of `range` of `file`, read block by block with `pread(2)`: into
    /// `destination` (as long as the range) when it is given, else into memory of each block's
    /// own, so the bytes are read from the file once and never mapped.
    ///
    /// - Complexity: O(bytes), spread over up to `threads` threads.
    static func hash(
        _ file: InputFile, _ range: Range<Int>, into destination: UnsafeMutableRawPointer?,
        threads: Int
    ) throws(DataError) -> UInt64 {
        let output = Output(destination: destination)
        let digests = concurrentMap(blocks(range.count), threads: threads, chunk: 1) {
            block -> Result<UInt64, DataError> in
            let lower = block * blockSize
            let upper = min(range.count, lower + blockSize)
            let part = range.lowerBound + lower..<range.lowerBound + upper
            return Result { () throws(DataError) in
                if let destination = output.destination {
                    try file.read(part, into: destination + lower)
                    return digest(
                        UnsafeRawBufferPointer(start: destination + lower, count: part.count))
                }
                // Memory another block left behind: hashing a file faults in a few blocks' pages,
                // not the whole file's.
                let bytes = FileBytes.room(for: part.count)
                try bytes.read(part, of: file)
                defer { FileBytes.giveBack(bytes) }
                return bytes.withBuffer { digest(UnsafeRawBufferPointer($0)) }
            }
        }
        return combine(
            try digests.map { result throws(DataError) in try result.get() }, count: range.count)
    }

    private static func blocks(_ count: Int) -> Int { (count + blockSize - 1) / blockSize }

    /// The blocks' digests combined in order.
    private static func combine(_ digests: [UInt64], count: Int) -> UInt64 {
        var h = prime1 ^ UInt64(count)
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
}

/// Memory that several threads write, each its own blocks.
private struct Output: @unchecked Sendable {
    let destination: UnsafeMutableRawPointer?
}
