import Foundation

/// How many threads fitting and loading may use: every core, or fewer where the caller limits
/// them for what it runs (a server's background refresh fits on one thread, so that requests
/// keep the other cores). Results never depend on it.
public enum Cores {
    /// The limit for the work the current thread (or task) runs; nil for none.
    @TaskLocal public static var limit: Int?

    /// The threads work may use here: the cores, or the limit when it is lower (at least one).
    public static var available: Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, limit ?? Int.max))
    }
}
