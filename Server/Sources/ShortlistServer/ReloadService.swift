import Dispatch
import Foundation
public import ServiceLifecycle

/// Watches the pipelines file and reloads the pipelines when its bytes change, and on SIGHUP;
/// stops at graceful shutdown.
public struct ReloadService: Service {
    let holder: PipelineHolder
    let interval: Duration

    /// A watcher that looks at the file every `interval`.
    public init(holder: PipelineHolder, interval: Duration = .seconds(1)) {
        self.holder = holder
        self.interval = interval
    }

    public func run() async throws {
        let hangUp = HangUp()
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { hangUp.raise() }
        source.resume()
        defer { source.cancel() }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await Task.sleep(for: interval)
            holder.reloadIfChanged(force: hangUp.take())
        }
    }

    /// Whether a SIGHUP arrived since the last look.
    private final class HangUp: @unchecked Sendable {
        private let lock = NSLock()
        private var raised = false
        func raise() { lock.withLock { raised = true } }
        func take() -> Bool {
            lock.withLock {
                defer { raised = false }
                return raised
            }
        }
    }
}
