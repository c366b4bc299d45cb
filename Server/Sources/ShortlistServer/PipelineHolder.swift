import Foundation
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
    private var reloading = false
    private let log: @Sendable (String) -> Void
    private let cacheBytes: Int
    private let storeTimeout: Duration

    /// Prepares the file's pipelines, keeping up to `cacheBytes` of repeatable answers, with
    /// calls to a PostgreSQL feedback store waiting at most `storeTimeout`; throws when the file
    /// or its data cannot serve at all.
    public init(
        path: String, cacheBytes: Int = 0, storeTimeout: Duration = .seconds(5),
        log: @escaping @Sendable (String) -> Void
    ) throws {
        fingerprint = Self.fingerprint(of: path)
        served = try ServedPipelines.load(
            path: path, cacheBytes: cacheBytes, storeTimeout: storeTimeout, log: log)
        self.log = log
        self.cacheBytes = cacheBytes
        self.storeTimeout = storeTimeout
    }

    /// The pipelines now served.
    public var current: ServedPipelines { lock.withLock { served } }

    /// Why the latest reload failed, if it did (cleared by a reload that succeeds).
    public var lastReloadError: String? { lock.withLock { reloadError } }

    /// Reloads when the file's bytes changed since the pipelines were loaded (or always, when
    /// `force`, as on SIGHUP); returns whether new pipelines are served. Preparing them runs on
    /// the calling thread; requests meanwhile keep the old ones.
    @discardableResult
    public func reloadIfChanged(force: Bool = false) -> Bool {
        let path = current.path
        let now = Self.fingerprint(of: path)
        let proceed = lock.withLock { () -> Bool in
            guard !reloading, force || now != fingerprint else { return false }
            reloading = true
            return true
        }
        guard proceed else { return false }
        defer { lock.withLock { reloading = false } }
        do {
            let fresh = try ServedPipelines.load(
                path: path, cacheBytes: cacheBytes, storeTimeout: storeTimeout, log: log)
            lock.withLock {
                served = fresh
                fingerprint = now
                reloadError = nil
            }
            log("reloaded \(path): serving \(fresh.pipelines.map(\.name).joined(separator: ", "))")
            return true
        } catch {
            let message = "\(error)"
            lock.withLock {
                fingerprint = now
                reloadError = message
            }
            log("reload of \(path) failed; still serving the pipelines loaded before: \(message)")
            return false
        }
    }

    /// FNV-1a of the file's bytes (0 when it cannot be read).
    static func fingerprint(of path: String) -> UInt64 {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var hash = FNV1a()
        data.withUnsafeBytes { hash.combine(bytes: $0) }
        return hash.value
    }
}
