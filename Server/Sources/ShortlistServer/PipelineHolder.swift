import BuiltInPlugins
import Foundation
public import Logging
import ShortlistCore
public import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// The pipelines being served, swapped whole when the pipelines file changes: a new file is
/// validated and every missing artifact fitted while the old pipelines keep serving; an
/// invalid one never replaces a valid one, and its error is kept for `GET /v1/pipelines`.
///
/// A server answers before its pipelines are prepared (``init(preparing:only:cacheBytes:storeTimeout:logger:)``,
/// then ``prepare()``): meanwhile what needs them is a 503 that says how many are ready.
public final class PipelineHolder: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: ServedPipelines?
    /// How many pipelines are prepared, of how many, until they all are.
    private var progress = (ready: 0, of: 0)
    private let path: String
    private let only: [String]?
    private var fingerprint: UInt64
    private var reloadError: String?
    /// Why the file could not be read at the latest look, said once until it changes.
    private var readError: String?
    private var reloading = false
    private let logger: Logger
    private let cacheBytes: Int
    private let storeTimeout: Duration

    /// Prepares the file's pipelines (those named `only`, when given), keeping up to
    /// `cacheBytes` of repeatable answers, with calls to a PostgreSQL feedback store waiting at
    /// most `storeTimeout`; throws when the file or its data cannot serve at all. Preparing and
    /// reloading are logged to `logger`.
    public convenience init(
        path: String, only: [String]? = nil, cacheBytes: Int = 0,
        storeTimeout: Duration = .seconds(5), logger: Logger
    ) throws {
        try self.init(
            preparing: path, only: only, cacheBytes: cacheBytes, storeTimeout: storeTimeout,
            logger: logger)
        try prepare()
    }

    /// A holder of the file's pipelines (those named `only`, when given) that ``prepare()``
    /// prepares; checks the file and the names now, without loading the data.
    public init(
        preparing path: String, only: [String]? = nil, cacheBytes: Int = 0,
        storeTimeout: Duration = .seconds(5), logger: Logger
    ) throws {
        self.path = path
        self.only = only
        fingerprint = (try? Self.fingerprint(of: path).get()) ?? 0
        progress = (0, try ServedPipelines.names(path: path, only: only, logger: logger).count)
        self.logger = logger
        self.cacheBytes = cacheBytes
        self.storeTimeout = storeTimeout
    }

    /// Prepares the pipelines and serves them; runs on the calling thread (minutes when
    /// stages are to be fitted).
    public func prepare() throws {
        let fingerprint = (try? Self.fingerprint(of: path).get()) ?? 0
        let prepared = try ServedPipelines.load(
            path: path, only: only, cacheBytes: cacheBytes, storeTimeout: storeTimeout,
            logger: logger
        ) { ready, of in
            lock.withLock { self.progress = (ready, of) }
        }
        lock.withLock {
            loaded = prepared
            self.fingerprint = fingerprint
        }
    }

    /// The pipelines now served; while they are being prepared, a 503 that says how many are
    /// ready.
    public func served() throws(APIError) -> ServedPipelines {
        let (served, done): (ServedPipelines?, (ready: Int, of: Int)) = lock.withLock {
            (self.loaded, self.progress)
        }
        guard let served else {
            throw APIError(
                .serviceUnavailable,
                "the server is preparing its pipelines (\(done.ready) of \(done.of) ready); GET "
                    + "/readyz answers 200 once they are",
                headers: [.retryAfter: "5"])
        }
        return served
    }

    /// How many pipelines are ready, of how many.
    public var readiness: (ready: Int, of: Int) { lock.withLock { progress } }

    /// Why the latest reload failed, if it did (cleared by a reload that succeeds).
    public var lastReloadError: String? { lock.withLock { reloadError } }

    /// Reloads when the file's bytes changed since the pipelines were loaded (or always, when
    /// `force`, as on SIGHUP); returns whether new pipelines are served. Preparing them runs on
    /// the calling thread; requests meanwhile keep the old ones. A file that cannot be read
    /// (the process out of file descriptors, say) is not reloaded: why is logged once, and the
    /// file is compared with the loaded one again once it can be read.
    @discardableResult
    public func reloadIfChanged(force: Bool = false) -> Bool {
        guard lock.withLock({ loaded != nil }) else { return false }
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
            let prepared = try ServedPipelines.load(
                path: path, only: only, cacheBytes: cacheBytes, storeTimeout: storeTimeout,
                logger: logger)
            // The catalogue the pipelines before served, carried over (a later change is the
            // next ``syncCatalogue()``'s).
            let fresh = prepared.servingCatalogue(of: lock.withLock { loaded })
            lock.withLock {
                loaded = fresh
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

    /// Folds `catalogue` and `events` (the event log through position `mark.events`) into the
    /// data and serves the pipelines prepared on it, swapped whole; the pipelines before keep
    /// serving meanwhile, and after a failure (logged and thrown). Runs on the calling thread:
    /// minutes of fitting, so not one the requests need. Nothing is done while a reload runs
    /// (false).
    @discardableResult
    public func refresh(
        with events: [Event], catalogue: StoredCatalogue, at mark: Workspace.RefreshMark
    ) throws -> Bool {
        let current = lock.withLock { () -> ServedPipelines? in
            guard !reloading, let loaded else { return nil }
            reloading = true
            return loaded
        }
        guard let current else { return false }
        defer { lock.withLock { reloading = false } }
        let start = Date()
        do {
            let workspace = try Workspace(
                path: path, registry: builtInPlugins, report: { [logger] in logger.report($0) })
            _ = try workspace.refresh(with: events, catalogue: catalogue.entries, at: mark)
            let prepared = try ServedPipelines.load(
                path: path, only: only, cacheBytes: cacheBytes, storeTimeout: storeTimeout,
                warmFrom: current.fitted.first?.dataset, logger: logger)
            let fresh = prepared.servingCatalogue(of: lock.withLock { loaded })
            lock.withLock { loaded = fresh }
            logger.info(
                """
                refreshed with the event log through position \(mark.events) (\(events.count) events) \
                in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: serving \
                \(fresh.pipelines.map(\.name).joined(separator: ", "))
                """)
            return true
        } catch {
            logger.warning(
                "refresh through position \(mark.events) failed; still serving the pipelines before: \(error)"
            )
            throw error
        }
    }

    /// Serves the catalogue as the store has it now, when it changed since the served
    /// pipelines read it, or when the log has events the served ones have not read and the
    /// catalogue has items new since the fit (a factor model folds them in from those events);
    /// returns whether new pipelines are served. The catalogue's changes are applied to the
    /// pipelines as prepared and swapped in whole, unless a reload or refresh swapped the
    /// pipelines meanwhile (it carries the catalogue over itself). A store out of reach is
    /// thrown, and the pipelines stay as they are.
    @discardableResult
    public func syncCatalogue() async throws(StoreError) -> Bool {
        guard let served = lock.withLock({ loaded }), let store = served.store else {
            return false
        }
        let version = try await store.catalogueVersion()
        let added = served.added(in: served.catalogue)
        let newest =
            served.events != nil && (!added.isEmpty || version != served.catalogue.version)
            ? try await store.newestEventPosition() : served.itemEventsThrough
        guard version != served.catalogue.version || newest != served.itemEventsThrough else {
            return false
        }
        let catalogue =
            version == served.catalogue.version ? served.catalogue : try await store.catalogue()
        let ids = served.added(in: catalogue)
        let events = served.events == nil || ids.isEmpty ? [] : try await store.events(items: ids)
        let fresh = served.serving(catalogue, itemEvents: events, through: newest)
        return lock.withLock {
            guard let current = loaded, current.loaded == served.loaded,
                current.catalogue.version <= catalogue.version,
                current.itemEventsThrough <= newest
            else { return false }
            loaded = fresh
            return true
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
