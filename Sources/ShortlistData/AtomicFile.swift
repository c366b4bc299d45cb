import Foundation

/// A stored file written whole or not at all, the container the artifact store and the
/// dataset cache share: the bytes go to a temporary file beside the target (`NAME.tmp-PID-N`,
/// which ``FileSystem/removeStale(in:marker:)`` removes once its process is gone) and are
/// renamed over it when complete, so a reader sees the old file or the whole new one and a
/// crash leaves no half-written file under the name. Each format checksums its own content.
final class AtomicFile {
    /// Why a write failed, for the caller to word.
    enum Failure: Error {
        /// The folder cannot be created (`reason`: what is in the way).
        case folder(reason: String)
        /// The temporary file cannot be written.
        case write(temporary: String, reason: String)
        /// The complete temporary file cannot be renamed into place.
        case rename(temporary: String, reason: String)
    }

    private let descriptor: Int32
    /// The bytes appended so far.
    private(set) var written = 0

    private init(_ path: String) throws(POSIXError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    deinit { close(descriptor) }

    /// Writes `path` (in `folder`, created when missing) with `body`, then renames it into
    /// place; stale temporary files of ended processes in the folder are removed first.
    static func write(
        _ path: String, in folder: String, body: (AtomicFile) throws -> Void
    ) throws(Failure) {
        FileSystem.removeStale(in: folder, marker: ".tmp-")
        if let problem = FileSystem.problemCreatingInside(folder) {
            throw .folder(reason: problem)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw .folder(reason: reason(error, folder))
        }
        let temporary =
            "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))"
        do {
            let file = try AtomicFile(temporary)
            try body(file)
        } catch {
            unlink(temporary)
            throw .write(temporary: temporary, reason: reason(error, folder))
        }
        guard rename(temporary, path) == 0 else {
            let reason = OutputFile.systemReason()
            unlink(temporary)
            throw .rename(temporary: temporary, reason: reason)
        }
    }

    /// Appends bytes.
    func append(_ bytes: [UInt8]) throws(POSIXError) {
        var failure: POSIXError?
        bytes.withUnsafeBytes { buffer in
            do throws(POSIXError) { try append(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends bytes straight from memory.
    func append(_ bytes: UnsafeRawBufferPointer) throws(POSIXError) {
        var done = 0
        while done < bytes.count, let start = bytes.baseAddress {
            let count = Foundation.write(descriptor, start + done, bytes.count - done)
            guard count > 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            done += count
        }
        written += bytes.count
    }

    /// Appends zeros up to `offset`.
    func pad(to offset: Int) throws(POSIXError) {
        if offset > written { try append([UInt8](repeating: 0, count: offset - written)) }
    }

    /// Why writing failed, in a few words (the system's, or "permission denied" for a folder
    /// that cannot be written).
    private static func reason(_ error: any Error, _ folder: String) -> String {
        if let error = error as? POSIXError {
            return String(cString: strerror(error.code.rawValue))
        }
        var parent = folder
        while !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            parent = (parent as NSString).deletingLastPathComponent
        }
        if !FileManager.default.isWritableFile(atPath: parent.isEmpty ? "." : parent) {
            return "\(parent.isEmpty ? "." : parent) is not writable (permission denied)"
        }
        return (error as NSError).localizedDescription
    }
}
