public import Foundation
public import ShortlistCore

/// Content-addressed model artifacts in one folder.
///
/// A file is `TYPE-KEY.bin`, where the key hashes everything the fit depends on. Its header
/// holds a magic, the header version, the plugin type, the model's format version, the key,
/// the payload length and an FNV-1a checksum of the payload. Files are written through
/// ``AtomicFile``, so a crash never leaves a half-written artifact under a key.
public struct ArtifactStore: Sendable {
    /// The folder, created on first write.
    public let folder: String

    static let magic: [UInt8] = Array("SLAF".utf8)
    static let headerVersion = 1

    /// A store in `folder`.
    public init(folder: String) { self.folder = folder }

    /// The key of a fit: the plugin type, its parameters, the model's format version, the
    /// dataset's fingerprint and the keys of the stages it depends on.
    public static func key(
        type: String, configuration: String, formatVersion: Int, dataset: UInt64,
        upstream: [String] = []
    ) -> String {
        var hash = FNV1a()
        hash.combine("shortlist-artifact")
        hash.combine(type)
        hash.combine(configuration)
        hash.combine(formatVersion)
        hash.combine(Int(bitPattern: UInt(dataset)))
        for key in upstream { hash.combine(key) }
        return hash.hex
    }

    /// A file of the store.
    public struct StoredFile: Sendable, Equatable {
        /// The file's path.
        public var path: String
        /// The artifact its name gives.
        public var id: ArtifactID
        /// Its size in bytes.
        public var bytes: Int
        /// When it was written.
        public var modified: Date
    }

    /// Every `TYPE-KEY.bin` file in the folder, by name (none when the folder does not exist).
    public func files() -> [StoredFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().compactMap { name in
            guard let id = ArtifactID(fileName: name) else { return nil }
            let path = "\(folder)/\(name)"
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            return StoredFile(
                path: path, id: id, bytes: (attributes?[.size] as? NSNumber)?.intValue ?? 0,
                modified: attributes?[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0))
        }
    }

    /// Removes the temporary files that processes no longer running left in the folder (a fit
    /// killed while it wrote); every run that reads or writes artifacts calls it.
    public func removeStaleTemporaryFiles() {
        FileSystem.removeStale(in: folder, marker: ".tmp-")
    }

    /// The path of an artifact's file.
    public func path(of id: ArtifactID) -> String { "\(folder)/\(id.fileName)" }

    /// Reads the payload stored under the key; nil when there is none.
    ///
    /// Throws when a file exists but is truncated, corrupt or written for something else. The
    /// reader checks the model's sizes against `shape`.
    public func payload(
        type: String, key: String, formatVersion: Int, shape: ArtifactReader.Shape? = nil
    ) throws(ArtifactError) -> ArtifactReader? {
        let path = path(of: ArtifactID(type: type, key: key))
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        let data: [UInt8]
        do {
            // A FIFO in its place is refused at once (InputFile never waits for a writer).
            data = try InputFile(path).bytes().withBuffer { Array($0) }
        } catch {
            throw ArtifactError(.io, "cannot read \(path): \(error.message)")
        }
        guard data.starts(with: Self.magic) else {
            throw ArtifactError(.mismatched, "\(path) is not a Shortlist artifact")
        }
        do throws(ArtifactError) {
            return try payload(
                in: Array(data.dropFirst(Self.magic.count)), path: path, type: type, key: key,
                formatVersion: formatVersion, shape: shape)
        } catch {
            throw ArtifactError(
                error.code,
                error.message.hasPrefix(path) ? error.message : "\(path): \(error.message)")
        }
    }

    private func payload(
        in bytes: [UInt8], path: String, type: String, key: String, formatVersion: Int,
        shape: ArtifactReader.Shape?
    ) throws(ArtifactError) -> ArtifactReader {
        var header = ArtifactReader(bytes: bytes)
        let version = try header.readInt()
        let storedType = try header.readString()
        let storedFormat = try header.readInt()
        let storedKey = try header.readString()
        guard version == Self.headerVersion, storedType == type, storedFormat == formatVersion,
            storedKey == key
        else {
            throw ArtifactError(
                .mismatched,
                "\(path) was written for \(excerpt(storedType)) format \(storedFormat), key "
                    + excerpt(storedKey))
        }
        let length = try header.readInt()
        let checksum = try header.readInt()
        let payload = try header.readArray(of: UInt8.self)
        guard payload.count == length else {
            throw ArtifactError(
                .truncated,
                "\(path) holds \(payload.count) payload bytes, its header says \(length)")
        }
        guard header.isAtEnd else {
            throw ArtifactError(.corrupt, "\(path) holds bytes after its payload")
        }
        var hash = FNV1a()
        payload.withUnsafeBytes { hash.combine(bytes: $0) }
        guard Int(bitPattern: UInt(hash.value)) == checksum else {
            throw ArtifactError(.corrupt, "\(path) fails its checksum")
        }
        return ArtifactReader(bytes: payload, shape: shape)
    }

    /// Stores a payload under the key: written to a temporary file, then renamed into place.
    public func store(_ payload: [UInt8], type: String, key: String, formatVersion: Int)
        throws(ArtifactError)
    {
        var hash = FNV1a()
        payload.withUnsafeBytes { hash.combine(bytes: $0) }
        var writer = ArtifactWriter()
        writer.write(Self.headerVersion)
        writer.write(type)
        writer.write(formatVersion)
        writer.write(key)
        writer.write(payload.count)
        writer.write(Int(bitPattern: UInt(hash.value)))
        writer.write(payload)
        let path = path(of: ArtifactID(type: type, key: key))
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(path, in: folder) { try $0.append(Self.magic + writer.bytes) }
        } catch {
            switch error {
            case .folder(let reason):
                throw ArtifactError(.io, "cannot create the artifact folder \(folder): \(reason)")
            case .write(let temporary, let reason):
                throw ArtifactError(.io, "cannot write \(temporary): \(reason)")
            case .rename(let temporary, let reason):
                throw ArtifactError(.io, "cannot rename \(temporary) to \(path): \(reason)")
            }
        }
    }
}

/// An artifact: the plugin type that fitted it and the key of everything the fit depended on.
/// Its file is `TYPE-KEY.bin`; its name, in lists and the server's answers, `TYPE-KEY`.
public struct ArtifactID: Sendable, Hashable, CustomStringConvertible {
    /// The plugin type.
    public var type: String
    /// The key (``ArtifactStore/key(type:configuration:formatVersion:dataset:upstream:)``).
    public var key: String

    /// An artifact id.
    public init(type: String, key: String) {
        self.type = type
        self.key = key
    }

    /// The id a file name `TYPE-KEY.bin` gives, or nil for another name.
    public init?(fileName: String) {
        guard fileName.hasSuffix(".bin"), let dash = fileName.lastIndex(of: "-") else {
            return nil
        }
        self.init(
            type: String(fileName[..<dash]),
            key: String(fileName[fileName.index(after: dash)...].dropLast(4)))
    }

    /// `TYPE-KEY`.
    public var description: String { "\(type)-\(key)" }

    /// `TYPE-KEY.bin`.
    public var fileName: String { "\(self).bin" }
}
