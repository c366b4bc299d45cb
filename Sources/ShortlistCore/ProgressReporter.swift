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
