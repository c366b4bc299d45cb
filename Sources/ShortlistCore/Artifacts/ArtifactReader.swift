/// Reads what an ``ArtifactWriter`` wrote, checking every length against the bytes left and,
/// when it knows the dataset the model was fitted on, every size against the dataset's.
///
/// Model decoders must check each count against ``expectItems(_:_:)`` and friends before they
/// allocate from it, multiply sizes without overflow, and read floats with the `Finite`
/// readers: any failure is an ``ArtifactError``, which the workspace turns into a refit.
public struct ArtifactReader: Sendable {
    /// What the artifact's model must match: the dataset's catalogue and the pipeline's stages.
    public struct Shape: Sendable, Equatable {
        /// The number of items.
        public var items: Int
        /// The number of users.
        public var users: Int
        /// The candidate stage names, in order (for rankers).
        public var sources: [String]

        /// A shape.
        public init(items: Int, users: Int, sources: [String] = []) {
            self.items = items
            self.users = users
            self.sources = sources
        }
    }

    private let bytes: [UInt8]
    private var offset = 0
    /// The shape the model must have, when known (nil in tests that only round-trip a model).
    public let shape: Shape?

    /// A reader over a payload.
    public init(bytes: [UInt8], shape: Shape? = nil) {
        self.bytes = bytes
        self.shape = shape
    }

    /// Throws unless `count` is the dataset's item count (when the reader knows it).
    public func expectItems(_ count: Int, _ what: String) throws(ArtifactError) {
        if let shape, shape.items != count {
            throw ArtifactError(
                .mismatched,
                "\(what) covers \(count) items, the dataset has "
                    + "\(shape.items)")
        }
    }

    /// Throws unless `count` is the dataset's user count (when the reader knows it).
    public func expectUsers(_ count: Int, _ what: String) throws(ArtifactError) {
        if let shape, shape.users != count {
            throw ArtifactError(
                .mismatched,
                "\(what) covers \(count) users, the dataset has "
                    + "\(shape.users)")
        }
    }

    /// Throws unless `sources` are the pipeline's candidate stages (when the reader knows them).
    public func expectSources(_ sources: [String], _ what: String) throws(ArtifactError) {
        if let shape, shape.sources != sources {
            throw ArtifactError(
                .mismatched,
                "\(what) was fitted for stages \(sources), the pipeline has "
                    + "\(shape.sources)")
        }
    }

    /// `a · b`, or an error when it overflows (a crafted size).
    public func product(_ a: Int, _ b: Int, _ what: String) throws(ArtifactError) -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, a >= 0, b >= 0 else {
            throw ArtifactError(
                .corrupt,
                "\(what): sizes "
                    + "\(a) × \(b) overflow")
        }
        return value
    }

    /// Reads a double that must be finite.
    public mutating func readFiniteDouble(_ what: String) throws(ArtifactError) -> Double {
        let value = try readDouble()
        guard value.isFinite else {
            throw ArtifactError(.corrupt, "\(what) is not a finite number")
        }
        return value
    }

    /// Reads a double as a `Float`, which must be finite and at most `magnitude` in size (a
    /// finite double can be too large for a float, and sums of it must stay finite).
    public mutating func readFiniteFloat(_ what: String, magnitude: Float = 1e6)
        throws(ArtifactError) -> Float
    {
        let value = Float(try readFiniteDouble(what))
        guard value.isFinite, abs(value) <= magnitude else {
            throw ArtifactError(.corrupt, "\(what) is out of range (at most \(magnitude) in size)")
        }
        return value
    }

    /// Reads an array of floating-point values that must all be finite and, when `magnitude`
    /// is given, at most that in size (so that sums and products of them stay finite).
    @inlinable
    public mutating func readFiniteArray<T: BinaryFloatingPoint & BitwiseCopyable>(
        of type: T.Type, _ what: String, magnitude: T? = nil
    ) throws(ArtifactError) -> [T] {
        let values = try readArray(of: type)
        let bound = magnitude ?? .greatestFiniteMagnitude
        guard values.allSatisfy({ $0.isFinite && abs($0) <= bound }) else {
            throw ArtifactError(.corrupt, "\(what) holds a value that is not finite or too large")
        }
        return values
    }

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
