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
