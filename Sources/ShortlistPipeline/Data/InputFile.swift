import Foundation

/// A regular file opened for reading with `pread(2)`, which notices when it changes while it
/// is read.
///
/// The file is never memory-mapped: a mapped file that shrinks under its reader kills the
/// process with `SIGBUS`. A FIFO, a device or a socket is refused when it is opened (opening a
/// FIFO for reading would wait for a writer for ever). A read that finds fewer bytes than the
/// file held when it was opened, or a file whose size, modification time or identity has
/// changed by ``checkUnchanged()``, is one error: the file changed while it was being read.
final class InputFile: @unchecked Sendable {
    let path: String
    /// The file's size when it was opened.
    let size: Int
    private let descriptor: Int32
    private let opened: stat

    /// Opens `path`, or throws the error that says why it cannot be read.
    init(_ path: String) throws(DataError) {
        if let problem = FileSystem.problemReading(path) {
            throw DataError(.missingFile, "the file \(problem)", file: path)
        }
        // Without O_NONBLOCK, opening a FIFO waits for a writer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DataError(
                .missingFile, "the file cannot be read: \(OutputFile.systemReason())", file: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw DataError(
                .missingFile, "the file cannot be read: \(OutputFile.systemReason())", file: path)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw DataError(
                .missingFile,
                status.st_mode & S_IFMT == S_IFDIR
                    ? "the file is a folder, not a file" : "the file is not a regular file",
                file: path)
        }
        self.path = path
        self.descriptor = descriptor
        opened = status
        size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// The error of a file that changed while it was read.
    var changed: DataError {
        DataError(.changed, "the file changed while it was being read; run again", file: path)
    }

    /// Reads `range` of the file into `destination`.
    ///
    /// - Throws: ``DataError`` `.changed` when the file ends early, or the system's error.
    func read(_ range: Range<Int>, into destination: UnsafeMutableRawPointer) throws(DataError) {
        var done = 0
        while done < range.count {
            let count = pread(
                descriptor, destination + done, range.count - done, off_t(range.lowerBound + done))
            if count < 0 {
                if errno == EINTR { continue }
                throw DataError(
                    .missingFile, "the file cannot be read: \(OutputFile.systemReason())",
                    file: path)
            }
            guard count > 0 else { throw changed }
            done += count
        }
    }

    /// The bytes of `range` of the file.
    func bytes(_ range: Range<Int>) throws(DataError) -> FileBytes {
        let bytes = FileBytes(count: range.count)
        if let start = bytes.buffer.baseAddress {
            try read(range, into: UnsafeMutableRawPointer(mutating: start))
        }
        return bytes
    }

    /// The whole file's bytes.
    func bytes() throws(DataError) -> FileBytes { try bytes(0..<size) }

    /// Throws when the file's size or modification time changed since it was opened, or its path
    /// now names another file.
    func checkUnchanged() throws(DataError) {
        var now = stat()
        var named = stat()
        guard fstat(descriptor, &now) == 0, stat(path, &named) == 0,
            now.st_size == opened.st_size, now.st_mtim.tv_sec == opened.st_mtim.tv_sec,
            now.st_mtim.tv_nsec == opened.st_mtim.tv_nsec, named.st_dev == opened.st_dev,
            named.st_ino == opened.st_ino
        else { throw changed }
    }
}

/// Bytes read from a file, in memory of their own that is freed with the last reference.
final class FileBytes: @unchecked Sendable {
    /// The bytes, never written once read; valid while this object lives.
    let buffer: UnsafeBufferPointer<UInt8>

    /// Calls `body` with the bytes, which stay valid until it returns.
    func withBuffer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E)
        -> R
    {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(buffer) }
    }

    /// Room for `count` bytes, to be read into.
    init(count: Int) {
        buffer = UnsafeBufferPointer(
            start: count > 0 ? UnsafeMutablePointer<UInt8>.allocate(capacity: count) : nil,
            count: count)
    }

    deinit { buffer.baseAddress.map { UnsafeMutablePointer(mutating: $0).deallocate() } }
}
