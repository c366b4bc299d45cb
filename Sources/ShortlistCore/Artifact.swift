/// A fitted model that can be stored as an artifact and read back.
///
/// Writing then reading must give a model that answers every query the same way
/// (checked by the contract checks in `ShortlistTestSupport`).
public protocol ArtifactCodable {
    /// The layout version of what ``write(to:)`` produces; bump it whenever the layout changes.
    static var formatVersion: Int { get }
    /// Appends the model's state.
    func write(to writer: inout ArtifactWriter)
    /// Reads a model written by ``write(to:)``, throwing ``ArtifactError`` on anything malformed.
    init(reading reader: inout ArtifactReader) throws(ArtifactError)
}

/// A problem with a stored model artifact.
public struct ArtifactError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for programs.
    public enum Code: String, Sendable {
        /// The file ends before the data it promises.
        case truncated
        /// The file is not an artifact, or of another kind or version.
        case mismatched
        /// The checksum does not match the payload.
        case corrupt
        /// The file cannot be read or written.
        case io
    }

    /// What went wrong.
    public var code: Code
    /// The details, in users' words.
    public var message: String

    /// An artifact error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// Appends little-endian values and whole arrays to a byte buffer.
public struct ArtifactWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Appends an integer as 8 bytes.
    public mutating func write(_ value: Int) { append(Int64(value).littleEndian) }
    /// Appends a double as 8 bytes.
    public mutating func write(_ value: Double) { append(value.bitPattern.littleEndian) }
    /// Appends a string as its UTF-8 length and bytes.
    public mutating func write(_ value: String) {
        write(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }
    /// Appends a string array as its count and each string.
    public mutating func write(_ values: [String]) {
        write(values.count)
        for value in values { write(value) }
    }
    /// Appends an array of plain values as its count and raw bytes.
    public mutating func write<T: BitwiseCopyable>(_ values: [T]) {
        write(values.count)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    private mutating func append<T: BitwiseCopyable>(_ value: T) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}

/// Reads what an ``ArtifactWriter`` wrote, checking every length against the bytes left.
public struct ArtifactReader: Sendable {
    private let bytes: [UInt8]
    private var offset = 0

    /// A reader over a payload.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads an integer.
    public mutating func readInt() throws(ArtifactError) -> Int {
        Int(Int64(littleEndian: try load()))
    }
    /// Reads a double.
    public mutating func readDouble() throws(ArtifactError) -> Double {
        Double(bitPattern: UInt64(littleEndian: try load()))
    }
    /// Reads a string.
    public mutating func readString() throws(ArtifactError) -> String {
        let count = try readCount(elementSize: 1)
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }
    /// Reads a string array.
    public mutating func readStrings() throws(ArtifactError) -> [String] {
        let count = try readCount(elementSize: 8)
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readString()) }
        return values
    }
    /// Reads an array of plain values.
    public mutating func readArray<T: BitwiseCopyable>(of _: T.Type) throws(ArtifactError) -> [T] {
        let count = try readCount(elementSize: MemoryLayout<T>.stride)
        let byteCount = count * MemoryLayout<T>.stride
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + byteCount])
                )
            }
            initialized = count
        }
        offset += byteCount
        return values
    }

    private mutating func readCount(elementSize: Int) throws(ArtifactError) -> Int {
        let count = try readInt()
        guard count >= 0, count <= (bytes.count - offset) / max(elementSize, 1) else {
            throw ArtifactError(
                .truncated, "a stored length (\(count)) runs past the end of the artifact")
        }
        return count
    }

    private mutating func load<T: FixedWidthInteger>() throws(ArtifactError) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else {
            throw ArtifactError(.truncated, "the artifact ends early")
        }
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + size]))
            }
        }
        offset += size
        return value
    }
}
