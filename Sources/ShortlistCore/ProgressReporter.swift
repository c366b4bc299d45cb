import Dispatch
import Foundation

/// Where long steps report how far they are; the CLI draws it on a terminal and tests ignore it.
public struct ProgressReporter: Sendable {
    private let sink: (@Sendable (_ step: String, _ done: Int, _ total: Int?) -> Void)?

    /// A progress that reports to `sink`.
    public init(_ sink: @escaping @Sendable (_ step: String, _ done: Int, _ total: Int?) -> Void) {
        self.sink = sink
    }

    private init() { sink = nil }

    /// A progress that reports nowhere.
    public static let silent = ProgressReporter()

    /// Reports that `done` of `total` units of `step` are finished (`total` nil when unknown).
    public func report(_ step: String, done: Int, total: Int?) {
        sink?(step, done, total)
    }
}

/// Times the steps of a fit, for progress lines that show throughput.
public struct StepClock: Sendable {
    private var last = DispatchTime.now().uptimeNanoseconds

    /// A clock started now.
    public init() {}

    /// `count` units over the time since the last call (or the start), as `12.3 M/s`, and
    /// restarts the clock.
    public mutating func rate(_ count: Int) -> String {
        let now = DispatchTime.now().uptimeNanoseconds
        let seconds = max(Double(now - last) / 1e9, 1e-9)
        last = now
        let perSecond = Double(count) / seconds
        if perSecond >= 1e6 { return String(format: "%.1f M/s", perSecond / 1e6) }
        if perSecond >= 1e3 { return String(format: "%.1f k/s", perSecond / 1e3) }
        return String(format: "%.0f /s", perSecond)
    }
}
