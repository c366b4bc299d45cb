import Foundation
public import Logging
import ShortlistCore
import ShortlistPipeline

/// The pipelines being served, swapped whole when the pipelines file changes: a new file is
/// validated and every missing artifact fitted while the old pipelines keep serving; an
/// invalid one never replaces a valid one, and its error is kept for `GET /v1/pipelines`.
public final class PipelineHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var served: ServedPipelines
    private var fingerprint: UInt64
    private var reloadError: String?
    /// Why the file could not be read at the latest look, said once until it changes.
    private var readError: String?
    private var reloading = false
    private let logger: Logger
    private let cacheBytes: Int
    private let storeTimeout: Duration

    /// Prepares the file's pipelines, keeping up to `cacheBytes` of repeatable answers, with
    /// calls to a PostgreSQL feedback store waiting at most `storeTimeout`; throws when the file
    /// or its data cannot serve at all. Preparing and reloading are logged to `logger`.
    public init(
        path: String, cacheBytes: Int = 0, storeTimeout: Duration = .seconds(5), logger: Logger
    ) throws {
        fingerprint = (try? Self.fingerprint(of: path).get()) ?? 0
        served = try ServedPipelines.load(
            path: path, cacheBytes: cacheBytes, storeTimeout: storeTimeout, logger: logger)
        self.logger = logger
        self.cacheBytes = cacheBytes
        self.storeTimeout = storeTimeout
    }

    /// The pipelines now served.
    public var current: ServedPipelines { lock.withLock { served } }

    /// Why the latest reload failed, if it did (cleared by a reload that succeeds).
    public var lastReloadError: String? { lock.withLock { reloadError } }

    /// Reloads when the file's bytes changed since the pipelines were loaded (or always, when
    /// `force`, as on SIGHUP); returns whether new pipelines are served. Preparing them runs on
    /// the calling thread; requests meanwhile keep the old ones. A file that cannot be read
    /// (the process out of file descriptors, say) is not reloaded: why is logged once, and the
    /// file is compared with the loaded one again once it can be read.
    @discardableResult
    public func reloadIfChanged(force: Bool = false) -> Bool {
        let path = current.path
        let now: UInt64
        switch Self.fingerprint(of: path) {
        case .success(let value):
            now = value
            lock.withLock { readError = nil }
        case .failure(let error):
            let isNew = lock.withLock {
                defer { readError = error.reason }
                return readError != error.reason
            }
            if isNew {
                logger.warning(
                    """
                    cannot read \(path) to look for changes (\(error.reason)); still serving the \
                    pipelines loaded before
                    """)
            }
            return false
        }
        let proceed = lock.withLock { () -> Bool in
            guard !reloading, force || now != fingerprint else { return false }
            reloading = true
            return true
        }
        guard proceed else { return false }
        defer { lock.withLock { reloading = false } }
        do {
            let fresh = try ServedPipelines.load(
                path: path, cacheBytes: cacheBytes, storeTimeout: storeTimeout, logger: logger)
            lock.withLock {
                served = fresh
                fingerprint = now
                reloadError = nil
            }
            logger.info(
                "reloaded \(path): serving \(fresh.pipelines.map(\.name).joined(separator: ", "))")
            return true
        } catch {
            let message = "\(error)"
            lock.withLock {
                fingerprint = now
                reloadError = message
            }
            logger.warning(
                "reload of \(path) failed; still serving the pipelines loaded before: \(message)")
            return false
        }
    }

    /// Why a file could not be read: the system's words for the error (`Too many open files`).
    struct Unreadable: Error {
        var reason: String
    }

    /// FNV-1a of the file's bytes, or why they cannot be read. A FIFO or a device is refused
    /// at once (opened without waiting for a writer), never read.
    static func fingerprint(of path: String) -> Result<UInt64, Unreadable> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(Unreadable(reason: Self.systemError())) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return .failure(Unreadable(reason: Self.systemError()))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            return .failure(
                Unreadable(
                    reason: status.st_mode & S_IFMT == S_IFDIR
                        ? "it is a folder, not a file" : "it is not a regular file"))
        }
        var hash = FNV1a()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return .success(hash.value) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(Unreadable(reason: Self.systemError()))
            }
            buffer.withUnsafeBytes {
                hash.combine(bytes: UnsafeRawBufferPointer(rebasing: $0[..<count]))
            }
        }
    }

    /// The system's words for the latest error (`errno`).
    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
