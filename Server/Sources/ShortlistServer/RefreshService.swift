import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistStore

/// Keeps the served pipelines current with the store. Every `interval` it serves the
/// catalogue's changes another replica recorded, and new items' events for factor models to
/// fold them in (``PipelineHolder/syncCatalogue()``); and it refreshes the pipelines by itself
/// when the file's `events.refresh` says one is due: it asks the event log how many events came
/// since the data was last refreshed, and when enough did (or enough time passed with some), it
/// reads the log and the catalogue, folds them into the data and swaps the pipelines prepared
/// on it (``PipelineHolder/refresh(with:catalogue:at:)``), fitting on one thread of its own, at
/// a lower priority, while the requests go on. It also keeps the gauges
/// `shortlist_model_age_seconds` and `shortlist_events_since_refresh`.
public struct RefreshService: Service {
    let holder: PipelineHolder
    let interval: Duration
    let logger: Logger

    /// A refresher of `holder`'s pipelines that looks every `interval`.
    public init(holder: PipelineHolder, interval: Duration = .seconds(5), logger: Logger) {
        self.holder = holder
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard let served = try? holder.served() else { continue }
            Gauge(label: "shortlist_model_age_seconds").record(
                Date().timeIntervalSince(served.loaded))
            do {
                try await holder.syncCatalogue()
            } catch {
                logger.warning("cannot read the catalogue's changes: \(error)")
            }
            guard let policy = served.events, let store = served.store,
                let newest = try? await store.newestEventPosition()
            else { continue }
            let fresh = max(0, newest - served.refreshedThrough)
            Gauge(label: "shortlist_events_since_refresh").record(Double(fresh))
            guard let refresh = policy.refresh,
                refresh.isDue(
                    newEvents: fresh, elapsed: Date().timeIntervalSince(served.loaded))
            else { continue }
            let events: [Event]
            let catalogue: StoredCatalogue
            do {
                events = try await store.events(after: 0, through: newest)
                catalogue = try await store.catalogue()
            } catch {
                logger.warning("cannot read the event log to refresh: \(error)")
                continue
            }
            let holder = holder
            let finished = Finished()
            // Minutes of fitting: on a thread of its own at a lower priority, and on that
            // thread alone, so that requests keep the cores; a shutdown does not wait for it.
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    finished.waiting(done)
                    Thread {
                        // On Linux the nice value is the calling thread's own.
                        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                        Cores.$limit.withValue(1) {
                            _ = try? holder.refresh(
                                with: events, catalogue: catalogue,
                                at: Workspace.RefreshMark(
                                    events: newest, catalogue: catalogue.version))
                        }
                        finished.finish()
                    }.start()
                }
            } onGracefulShutdown: {
                finished.finish()
            }
        }
    }

    /// Resumes the wait once: when the refresh ends or at a shutdown, whichever comes first,
    /// and whether it comes before the wait or after.
    private final class Finished: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Void, Never>?
        private var done = false

        func waiting(_ continuation: CheckedContinuation<Void, Never>) {
            let resume = lock.withLock {
                if done { return true }
                self.continuation = continuation
                return false
            }
            if resume { continuation.resume() }
        }

        func finish() {
            let waiting = lock.withLock {
                defer {
                    done = true
                    continuation = nil
                }
                return done ? nil : continuation
            }
            waiting?.resume()
        }
    }
}
