import Foundation
public import Logging
public import ServiceLifecycle

/// Prepares the pipelines of a holder (loading artifacts, fitting what is missing) on a thread
/// of its own while the server already answers, then waits for the shutdown. If they cannot be
/// prepared it logs why and throws ``Failed``, which ends the service group (the process then
/// exits with a failure); a shutdown meanwhile does not wait for the preparation to finish.
public struct PreparationService: Service {
    let holder: PipelineHolder
    let logger: Logger

    /// The pipelines could not be prepared; the log says why.
    public struct Failed: Error {}

    /// Prepares `holder`'s pipelines, logging a failure to `logger`.
    public init(holder: PipelineHolder, logger: Logger) {
        self.holder = holder
        self.logger = logger
    }

    public func run() async throws {
        let holder = holder
        let outcome = Outcome()
        let failure: (any Error)? = await withGracefulShutdownHandler {
            await withCheckedContinuation { (done: CheckedContinuation<(any Error)?, Never>) in
                outcome.waiting(done)
                // Minutes of fitting: on a thread of its own, not one the requests need.
                Thread {
                    do {
                        try holder.prepare()
                        outcome.finish(nil)
                    } catch {
                        outcome.finish(error)
                    }
                }.start()
            }
        } onGracefulShutdown: {
            outcome.finish(nil)
        }
        if let failure {
            logger.error("cannot prepare the pipelines: \(failure)")
            throw Failed()
        }
        if (try? holder.served()) != nil {
            do {
                try await holder.syncCatalogue()
            } catch {
                logger.warning(
                    """
                    cannot read the catalogue's changes since the fit; serving the fitted \
                    catalogue until the store answers: \(error)
                    """)
            }
            logger.info("ready: \(holder.readiness.ready) pipelines prepared")
            try? await gracefulShutdown()
        }
    }

    /// Resumes the run once: with the preparation's outcome, or early at a shutdown (nil),
    /// whichever comes first, and whether it comes before the run waits or after.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<(any Error)?, Never>?
        /// The first outcome, once there is one.
        private var first: (any Error)??

        func waiting(_ continuation: CheckedContinuation<(any Error)?, Never>) {
            lock.lock()
            guard let first else {
                self.continuation = continuation
                lock.unlock()
                return
            }
            lock.unlock()
            continuation.resume(returning: first)
        }

        func finish(_ error: (any Error)?) {
            lock.lock()
            guard first == nil else {
                lock.unlock()
                return
            }
            first = .some(error)
            let waiting = continuation
            continuation = nil
            lock.unlock()
            waiting?.resume(returning: error)
        }
    }
}
