import Foundation
import Synchronization

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
        try bytes.read(range, of: self)
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
///
/// Memory of ``mappedSize`` or more is mapped for the bytes alone and given back to the system
/// with them, so a load's blocks never linger in the allocator's free lists.
final class FileBytes: @unchecked Sendable {
    private let start: UnsafeMutableRawPointer?
    /// How many bytes the memory holds at most.
    let capacity: Int
    private let isMapped: Bool
    /// How many bytes were read into it.
    private(set) var count: Int

    /// The bytes, never written once read; valid while this object lives.
    var buffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: start?.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Calls `body` with the bytes, which stay valid until it returns.
    func withBuffer<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E)
        -> R
    {
        try withExtendedLifetime(self) { () throws(E) -> R in try body(buffer) }
    }

    static let mappedSize = 1 << 20

    /// Room for `count` bytes, to be read into.
    init(count: Int) {
        var start: UnsafeMutableRawPointer?
        if count >= Self.mappedSize {
            let address = mmap(
                nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if let address, address != MAP_FAILED { start = address }
        }
        isMapped = start != nil
        if start == nil, count > 0 {
            start = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
        }
        self.start = start
        capacity = count
        self.count = count
    }

    /// Large memory that blocks no one holds any more left behind, for the next blocks of a load:
    /// a few, as many threads read at once, and emptied when the load ends.
    private static let spare = Mutex<[FileBytes]>([])

    /// Room for at least `count` bytes: spare memory when some is large enough, else new.
    static func room(for count: Int) -> FileBytes {
        let found = spare.withLock { spare in
            spare.firstIndex { $0.capacity >= count }.map { spare.remove(at: $0) }
        }
        return found ?? FileBytes(count: count)
    }

    /// Keeps `bytes`, which no one else holds, as spare memory when it is large.
    static func giveBack(_ bytes: FileBytes) {
        guard bytes.capacity >= mappedSize else { return }
        spare.withLock { if $0.count < 4 { $0.append(bytes) } }
    }

    /// Frees the spare memory.
    static func freeSpare() { spare.withLock { $0.removeAll() } }

    /// `range` of `file` read into this memory, which must hold it; for reusing the memory of
    /// bytes no one else holds.
    func read(_ range: Range<Int>, of file: InputFile) throws(DataError) {
        precondition(range.count <= capacity, "the bytes' memory is too small")
        count = range.count
        if let start { try file.read(range, into: start) }
    }

    deinit {
        guard let start else { return }
        if isMapped {
            munmap(start, capacity)
        } else {
            start.deallocate()
        }
    }
}
