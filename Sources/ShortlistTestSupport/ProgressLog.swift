import Foundation
public import ShortlistCore

/// Collects every progress report, for tests that read what a fit reported.
public final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    /// An empty log.
    public init() {}

    /// A reporter that appends each report's step text here.
    public var reporter: ProgressReporter {
        ProgressReporter { [self] step, _, _ in lock.withLock { stored.append(step) } }
    }

    /// The step texts reported so far.
    public var steps: [String] { lock.withLock { stored } }

    /// The first number in each step text, e.g. the loss of `epoch, loss 0.1234, 2.1 M/s`.
    public var numbers: [Double] {
        steps.compactMap { step in
            step.split(separator: " ").lazy.compactMap { Double($0.trimmingCharacters(in: [","])) }
                .first
        }
    }
}
