import Foundation

/// Writing a user's output files (charts, saved recommendations, exported splits) so that
/// nothing at the path is destroyed.
///
/// A regular file (or a path that does not exist yet) is written to a temporary file in its
/// folder and renamed over it, so a failed write leaves the old file whole; a device or a FIFO
/// is written in place (`/dev/null`, a pipe someone reads); a symbolic link is followed and its
/// target written the same way, in the target's folder. `/dev/stdout`, `/dev/stderr` and
/// `/dev/fd/N` are written through the process's own descriptor, after what it wrote there.
public enum OutputFile {
    /// Writes `text` to `path`; `what` names the output in errors ("the chart").
    ///
    /// - Throws: ``DataError`` `.unwritable` naming the path and the system's reason.
    public static func write(_ text: String, to path: String, what: String) throws(DataError) {
        let bytes = Array(text.utf8)
        let failure = bytes.withUnsafeBytes { buffer -> DataError? in
            do throws(DataError) {
                try write(buffer, to: path, what: what)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// Writes `bytes` to `path`; `what` names the output in errors.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String, what: String)
        throws(DataError)
    {
        func failure(_ reason: String) -> DataError {
            DataError(.unwritable, "cannot write \(what): \(reason)", file: path)
        }
        let resolved = try resolvedTarget(of: path, failure)
        if let descriptor = Self.openDescriptor(resolved) {
            if let error = writeAll(descriptor, bytes) { throw failure(systemReason(error)) }
            return
        }
        let target = resolved
        var status = stat()
        if stat(target, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw failure("it is a folder") }
            let descriptor = open(target, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw failure(systemReason()) }
            defer { close(descriptor) }
            if let error = writeAll(descriptor, bytes) { throw failure(systemReason(error)) }
            return
        }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary =
            (folder.isEmpty ? "" : folder + "/")
            + ".\(name).tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let existing = stat(target, &status) == 0 ? status.st_mode & 0o7777 : nil
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure(systemReason()) }
        var problem: Int32?
        if let existing, fchmod(descriptor, existing) != 0 { problem = errno }
        if problem == nil { problem = writeAll(descriptor, bytes) }
        if problem == nil, fsync(descriptor) != 0 { problem = errno }
        if close(descriptor) != 0, problem == nil { problem = errno }
        if problem == nil, rename(temporary, target) != 0 { problem = errno }
        if let problem {
            unlink(temporary)
            throw failure(systemReason(problem))
        }
    }

    /// Checks before a long computation that ``write(_:to:what:)`` could write `path`: it is not
    /// a folder, and a regular file's folder takes new files.
    ///
    /// - Throws: ``DataError`` `.unwritable` naming the path and the system's reason.
    public static func checkWritable(_ path: String, what: String) throws(DataError) {
        func failure(_ reason: String) -> DataError {
            DataError(.unwritable, "cannot write \(what): \(reason)", file: path)
        }
        let target = try resolvedTarget(of: path, failure)
        if Self.openDescriptor(target) != nil { return }
        var status = stat()
        if stat(target, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            guard status.st_mode & S_IFMT != S_IFDIR else { throw failure("it is a folder") }
            return
        }
        let folder = (target as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw failure(systemReason())
        }
    }

    /// Writes every byte to `descriptor`, retrying short and interrupted writes.
    ///
    /// - Returns: the error number of the write that failed, or nil when all were written.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var next = bytes.baseAddress else { return nil }
        var left = bytes.count
        while left > 0 {
            let written = Foundation.write(descriptor, next, left)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            next += written
            left -= written
        }
        return nil
    }

    /// The system's words for an error number (the current `errno` by default).
    public static func systemReason(_ number: Int32 = errno) -> String {
        String(cString: strerror(number))
    }

    /// The descriptor of this process that `path` names (`/dev/stdout`, `/dev/fd/2`,
    /// `/proc/self/fd/1`), or nil.
    private static func openDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for folder in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/"]
            where path.hasPrefix(folder) {
                return Int32(path.dropFirst(folder.count))
            }
            return nil
        }
    }

    /// The path that `path` names once every symbolic link on the way is followed (the link's
    /// target need not exist yet), stopping at a descriptor of this process (whose link leads
    /// to a file, a pipe or a socket it has open).
    private static func resolvedTarget(of path: String, _ failure: (String) -> DataError)
        throws(DataError) -> String
    {
        var current = path
        // The kernel's own limit on links followed in one lookup.
        for _ in 0..<40 {
            var status = stat()
            guard openDescriptor(current) == nil, lstat(current, &status) == 0,
                status.st_mode & S_IFMT == S_IFLNK
            else {
                return current
            }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length >= 0 else { throw failure(systemReason()) }
            let link = String(
                decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current =
                link.hasPrefix("/")
                ? link
                : ((current as NSString).deletingLastPathComponent as NSString)
                    .appendingPathComponent(link)
        }
        throw failure("its symbolic links form a loop")
    }
}
