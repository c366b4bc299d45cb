import Dispatch
import Foundation
public import ShortlistCore

/// Built datasets, stored so that a later run reads them instead of parsing the source files.
///
/// A file is `SPEC-CONTENT.bin`: `SPEC` hashes the dataset section, `CONTENT` also the format
/// version and every source file's identity (its path, size, modification time and a hash of
/// its bytes; a file the loader looks for but does not find counts as absent), so a changed
/// source is a different file and the old one is removed when the new one is written. A file
/// holds a header (magic, format version, key, lengths and a checksum of everything after it),
/// the ids, features and load report, then the rows by user and by item as raw arrays, and is
/// read with `pread(2)` straight into its arrays. It is written whole or not at all, through
/// ``AtomicFile`` like an artifact.
public struct DatasetCache: Sendable {
    /// The version of the file layout (and of what the loader builds); part of every key.
    public static let currentFormatVersion = 3

    /// The folder, created on first write.
    public let folder: String
    /// The format version this cache writes and accepts.
    public let formatVersion: Int

    static let magic = Array("SLDS".utf8)
    static let headerSize = 48
    static let alignment = 64

    /// A cache in `folder` (by default `.shortlist/datasets` beside the pipelines file).
    public init(folder: String, formatVersion: Int = DatasetCache.currentFormatVersion) {
        self.folder = folder
        self.formatVersion = formatVersion
    }

    /// What a dataset is stored under: its section's key and the key of its sources as they are.
    public struct Key: Sendable, Equatable {
        /// Hashes the dataset section.
        public var spec: String
        /// Hashes the section, the format version and the sources' identities.
        public var content: String
        /// The file.
        public var path: String
    }

    /// The key of the dataset of `spec` as its sources are now.
    ///
    /// - Complexity: O(bytes of the source files), hashed on every core.
    public func key(for spec: DatasetSpec) -> Key {
        defer { FileBytes.freeSpare() }
        let (specKey, contentKey) = keys(for: spec)
        return Key(
            spec: specKey, content: contentKey, path: "\(folder)/\(specKey)-\(contentKey).bin")
    }

    /// The dataset of `spec` and its load report: from the cache when it holds the sources as
    /// they are, else loaded from them and stored (a failure to store is reported through
    /// `warn`, and the dataset is returned all the same).
    public func load(
        _ spec: DatasetSpec, progress: ProgressReporter = .silent, warn: (String) -> Void
    ) throws(DataError) -> (Dataset, LoadReport) {
        let key = key(for: spec)
        if let cached = load(key, warn: warn) { return cached }
        let (dataset, report) = try DatasetLoader.load(spec, progress: progress)
        // Only what was read from the sources as the key saw them is stored under it.
        if self.key(for: spec) == key {
            do {
                try store(dataset, report: report, under: key)
            } catch {
                warn("the dataset is not cached: \(error.description)")
            }
        }
        return (dataset, report)
    }

    /// The dataset stored under `key` and its load report; nil when there is none. A file that
    /// is truncated, corrupt or inconsistent is removed and reported through `warn`, never
    /// trusted.
    public func load(_ key: Key, warn: (String) -> Void) -> (Dataset, LoadReport)? {
        let path = key.path
        FileSystem.removeStale(in: folder, marker: ".tmp-")
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        // A FIFO, a device or a dangling link in its place is a corrupt cache, removed; a
        // folder is the user's, left alone.
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFLNK else {
            warn("dataset cache \(path) is not a regular file; loading the dataset from its files")
            if kind != S_IFDIR { unlink(path) }
            return nil
        }
        let file: InputFile
        do {
            file = try InputFile(path)
        } catch {
            warn(
                "dataset cache \(path) cannot be read (\(error.message)); loading the dataset "
                    + "from its files")
            unlink(path)
            return nil
        }
        do throws(ArtifactError) {
            return try read(file, key: UInt64(key.content, radix: 16) ?? 0)
        } catch {
            warn("dataset cache \(path) \(error.message); loading the dataset from its files")
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    /// Stores a dataset under `key` (removing what was stored for earlier versions of its
    /// sources).
    public func store(_ dataset: Dataset, report: LoadReport, under key: Key) throws(DataError) {
        let path = key.path
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(path, in: folder) { file in
                try write(
                    dataset, report: report, key: UInt64(key.content, radix: 16) ?? 0, to: file)
            }
        } catch {
            switch error {
            case .folder(let reason):
                throw DataError(
                    .unwritable, "cannot create the dataset cache folder: \(reason)", file: folder)
            case .write(_, let reason):
                throw DataError(
                    .unwritable, "cannot write the dataset cache there: \(reason)", file: folder)
            case .rename(_, let reason):
                throw DataError(
                    .unwritable, "cannot rename the dataset cache into place: \(reason)",
                    file: path)
            }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names
        where name.hasPrefix("\(key.spec)-") && name.hasSuffix(".bin")
            && "\(folder)/\(name)" != path
        {
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name)")
        }
    }

    // MARK: Keys

    /// The key of the dataset section, and of it with the format version and the sources.
    private func keys(for spec: DatasetSpec) -> (spec: String, content: String) {
        var section = FNV1a()
        section.combine("shortlist-dataset")
        for part in Self.describe(spec) { section.combine(part) }
        var content = section
        content.combine(formatVersion)
        for file in Self.sources(of: spec) {
            content.combine(file)
            var status = stat()
            guard stat(file, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
                let input = try? InputFile(file),
                let digest = try? BlockHash.hash(
                    input, 0..<input.size, into: nil,
                    threads: Cores.available)
            else {
                content.combine("absent")
                continue
            }
            content.combine(Int(status.st_size))
            content.combine(Int(status.st_mtim.tv_sec))
            content.combine(Int(status.st_mtim.tv_nsec))
            content.combine(Int(bitPattern: UInt(digest)))
        }
        return (section.hex, content.hex)
    }

    /// Everything in the dataset section that changes what is loaded, as text.
    private static func describe(_ spec: DatasetSpec) -> [String] {
        var parts = [
            spec.format.rawValue, spec.path, spec.name ?? "", spec.fetch?.rawValue ?? "",
            "\(spec.skipMalformed)", spec.timestampUnit.rawValue,
        ]
        for table in [spec.interactions, spec.items, spec.users] {
            guard let table else {
                parts.append("none")
                continue
            }
            parts += [table.file, String(table.delimiter), String(table.genreSeparator)]
            for (role, column) in table.columns.sorted(by: { $0.key < $1.key }) {
                parts += [role.rawValue, column]
            }
        }
        return parts
    }

    /// Every file the loader reads or looks for.
    static func sources(of spec: DatasetSpec) -> [String] {
        switch spec.format {
        case .recbole:
            let stem = DatasetLoader.recBoleStem(of: spec)
            return ["inter", "item", "user"].map { "\(spec.path)/\(stem).\($0)" }
        case .grouplens:
            return [
                "u.data", "u.item", "u.user", "u.genre", "ratings.dat", "movies.dat", "users.dat",
                "ratings.csv", "movies.csv",
            ].map { "\(spec.path)/\($0)" }
        case .delimited:
            return [spec.interactions, spec.items, spec.users].compactMap { $0?.file }
        }
    }

    // MARK: Layout

    /// Writes the file: header, metadata, then the eight row arrays, each 64-byte aligned.
    private func write(_ dataset: Dataset, report: LoadReport, key: UInt64, to file: AtomicFile)
        throws
    {
        var metadata = ArtifactWriter()
        metadata.write(dataset.userIDs)
        metadata.write(dataset.itemIDs)
        for item in dataset.items {
            metadata.write(item.title)
            metadata.write(item.year ?? Int.min)
            metadata.write(item.genres)
        }
        for user in dataset.users {
            metadata.write(user.age ?? Int.min)
            for text in [user.gender, user.occupation] {
                metadata.write(text == nil ? 0 : 1)
                metadata.write(text ?? "")
            }
        }
        metadata.write(dataset.hasRatings ? 1 : 0)
        metadata.write(dataset.hasTimestamps ? 1 : 0)
        metadata.write(Int(bitPattern: UInt(dataset.fingerprint)))
        metadata.write(report.mergedDuplicates)
        let skipped = report.skippedRows.sorted { $0.key < $1.key }
        metadata.write(skipped.map(\.key))
        metadata.write(skipped.map(\.value))
        let missing = report.missing
        metadata.write([
            missing.itemYears, missing.userAges, missing.userGenders, missing.userOccupations,
            report.unlistedItems, report.unlistedUsers,
        ])
        try Self.withArrays(of: dataset) { arrays in
            try write(metadata, arrays, key: key, to: file)
        }
    }

    private func write(
        _ metadata: ArtifactWriter, _ arrays: [UnsafeRawBufferPointer], key: UInt64,
        to file: AtomicFile
    ) throws {
        var offset = Self.aligned(Self.headerSize + metadata.bytes.count + 8 * 2 * arrays.count)
        var directory = ArtifactWriter()
        for array in arrays {
            directory.write(offset)
            directory.write(array.count)
            offset = Self.aligned(offset + array.count)
        }
        let head = metadata.bytes + directory.bytes
        var checksum = head.withUnsafeBytes { BlockHash.hash($0, threads: 1) }
        for array in arrays {
            checksum ^= BlockHash.hash(array, threads: Cores.available)
            checksum = checksum &* 0x0000_0100_0000_01B3
        }
        var header = ArtifactWriter()
        header.write(formatVersion)
        header.write(Int(bitPattern: UInt(key)))
        header.write(metadata.bytes.count)
        header.write(offset)
        header.write(Int(bitPattern: UInt(checksum)))
        try file.append(Self.magic + [0, 0, 0, 0] + header.bytes)
        try file.append(head)
        for array in arrays {
            try file.pad(to: Self.aligned(file.written))
            try file.append(array)
        }
        try file.pad(to: offset)
    }

    /// Reads a file written by ``write(_:report:key:to:)``, each array straight into its memory.
    private func read(_ file: InputFile, key: UInt64) throws(ArtifactError) -> (
        Dataset, LoadReport
    ) {
        func bytes(_ range: Range<Int>) throws(ArtifactError) -> [UInt8] {
            do {
                return try file.bytes(range).withBuffer { Array($0) }
            } catch {
                throw ArtifactError(.truncated, "cannot be read whole (\(error.message))")
            }
        }
        guard file.size >= Self.headerSize else {
            throw ArtifactError(.truncated, "is truncated")
        }
        let head = try bytes(0..<Self.headerSize)
        guard Array(head[0..<4]) == Self.magic else {
            throw ArtifactError(.mismatched, "is not a Shortlist dataset cache")
        }
        var header = ArtifactReader(bytes: Array(head[8..<Self.headerSize]))
        let version = try header.readInt()
        let storedKey = UInt64(bitPattern: Int64(try header.readInt()))
        let metadataLength = try header.readInt()
        let length = try header.readInt()
        let checksum = UInt64(bitPattern: Int64(try header.readInt()))
        guard version == formatVersion, storedKey == key else {
            throw ArtifactError(.mismatched, "was written for other sources or another version")
        }
        guard length <= file.size else {
            throw ArtifactError(
                .truncated, "is truncated (\(file.size) bytes, its header says \(length))")
        }
        guard length == file.size, metadataLength >= 0,
            metadataLength <= length - Self.headerSize - 8 * 2 * 8
        else {
            throw ArtifactError(
                .corrupt,
                length < file.size
                    ? "has bytes after its end (\(file.size) bytes, its header says \(length))"
                    : "has a header that does not add up")
        }
        let headEnd = Self.headerSize + metadataLength + 8 * 2 * 8
        let meta = try bytes(Self.headerSize..<headEnd)
        var directory = ArtifactReader(bytes: Array(meta[metadataLength...]))
        var ranges: [Range<Int>] = []
        for _ in 0..<8 {
            let offset = try directory.readInt()
            let count = try directory.readInt()
            guard offset >= headEnd, count >= 0, offset <= length - count else {
                throw ArtifactError(.corrupt, "holds an array outside the file")
            }
            ranges.append(offset..<offset + count)
        }
        var expected = meta.withUnsafeBytes { BlockHash.hash($0, threads: 1) }
        // Each array is read from the file into its own memory and hashed in one pass.
        func array<T: BitwiseCopyable>(_ index: Int, _: T.Type) throws(ArtifactError) -> [T] {
            let range = ranges[index]
            guard range.count % MemoryLayout<T>.stride == 0 else {
                throw ArtifactError(.corrupt, "holds an array of a partial element")
            }
            let count = range.count / MemoryLayout<T>.stride
            var digest: Result<UInt64, DataError> = .success(0)
            let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                digest = Result { () throws(DataError) in
                    try BlockHash.hash(
                        file, range, into: UnsafeMutableRawPointer(buffer.baseAddress),
                        threads: Cores.available)
                }
                initialized = (try? digest.get()) == nil ? 0 : count
            }
            switch digest {
            case .success(let value):
                expected ^= value
                expected = expected &* 0x0000_0100_0000_01B3
                return values
            case .failure(let error):
                throw ArtifactError(.truncated, "cannot be read whole (\(error.message))")
            }
        }
        let userOffsets = try array(0, Int.self)
        let userColumns = try array(1, Int32.self)
        let userRatings = try array(2, Float.self)
        let userTimestamps = try array(3, Int64.self)
        let itemOffsets = try array(4, Int.self)
        let itemColumns = try array(5, Int32.self)
        let itemRatings = try array(6, Float.self)
        let itemTimestamps = try array(7, Int64.self)
        guard expected == checksum else { throw ArtifactError(.corrupt, "fails its checksum") }
        var metadata = ArtifactReader(bytes: Array(meta[..<metadataLength]))
        let userIDs = try metadata.readStrings()
        let itemIDs = try metadata.readStrings()
        var items: [ItemFeatures] = []
        items.reserveCapacity(itemIDs.count)
        for _ in itemIDs {
            let title = try metadata.readString()
            let year = try metadata.readInt()
            items.append(
                ItemFeatures(
                    title: title, year: year == Int.min ? nil : year,
                    genres: try metadata.readStrings()))
        }
        var users: [UserFeatures] = []
        users.reserveCapacity(userIDs.count)
        for _ in userIDs {
            let age = try metadata.readInt()
            var texts: [String?] = []
            for _ in 0..<2 {
                let present = try metadata.readInt()
                let text = try metadata.readString()
                texts.append(present == 1 ? text : nil)
            }
            users.append(
                UserFeatures(
                    age: age == Int.min ? nil : age, gender: texts[0], occupation: texts[1]))
        }
        let hasRatings = try metadata.readInt() == 1
        let hasTimestamps = try metadata.readInt() == 1
        let fingerprint = UInt64(bitPattern: Int64(try metadata.readInt()))
        let merged = try metadata.readInt()
        let skippedFiles = try metadata.readStrings()
        let skippedCounts = try metadata.readArray(of: Int.self)
        let counts = try metadata.readArray(of: Int.self)
        guard skippedFiles.count == skippedCounts.count, counts.count == 6, metadata.isAtEnd
        else {
            throw ArtifactError(.corrupt, "holds a malformed load report")
        }
        guard
            let byUser = InteractionMatrix(
                storedOffsets: userOffsets, columns: userColumns, ratings: userRatings,
                timestamps: userTimestamps),
            let byItem = InteractionMatrix(
                storedOffsets: itemOffsets, columns: itemColumns, ratings: itemRatings,
                timestamps: itemTimestamps),
            let dataset = Dataset(
                restoringUserIDs: userIDs, itemIDs: itemIDs, byUser: byUser, byItem: byItem,
                items: items, users: users, hasRatings: hasRatings, hasTimestamps: hasTimestamps,
                fingerprint: fingerprint)
        else {
            throw ArtifactError(.corrupt, "holds rows that do not fit its ids")
        }
        return (
            dataset,
            LoadReport(
                skippedRows: Dictionary(zip(skippedFiles, skippedCounts), uniquingKeysWith: +),
                mergedDuplicates: merged,
                missing: LoadReport.MissingValues(
                    itemYears: counts[0], userAges: counts[1], userGenders: counts[2],
                    userOccupations: counts[3]),
                unlistedItems: counts[4], unlistedUsers: counts[5])
        )
    }

    /// Calls `body` with the bytes of the eight row arrays, in file order.
    private static func withArrays(
        of dataset: Dataset, _ body: ([UnsafeRawBufferPointer]) throws -> Void
    ) throws {
        typealias Bytes = ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
        let arrays: [Bytes] = [dataset.byUser, dataset.byItem].flatMap { matrix -> [Bytes] in
            [
                { try matrix.offsets.withUnsafeBytes($0) },
                { try matrix.columns.withUnsafeBytes($0) },
                { try matrix.ratings.withUnsafeBytes($0) },
                { try matrix.timestamps.withUnsafeBytes($0) },
            ]
        }
        func nest(_ index: Int, _ collected: [UnsafeRawBufferPointer]) throws {
            guard index < arrays.count else { return try body(collected) }
            let provide = arrays[index]
            try provide { try nest(index + 1, collected + [$0]) }
        }
        try nest(0, [])
    }

    private static func aligned(_ offset: Int) -> Int {
        (offset + alignment - 1) / alignment * alignment
    }
}

extension DatasetCache.Key {
    /// The key of a dataset derived from the one under `base` (the dataset with the event
    /// log folded in, say), told apart by `variant`: its own file, which storing the base's
    /// later versions does not remove.
    public init(derivedFrom base: DatasetCache.Key, variant: String, in folder: String) {
        var hasher = FNV1a()
        hasher.combine(base.content)
        hasher.combine(variant)
        spec = base.spec + "d"
        content = String(hasher.value, radix: 16)
        path = "\(folder)/\(spec)-\(content).bin"
    }
}
