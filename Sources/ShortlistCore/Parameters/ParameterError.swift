/// A parameter value that cannot work, found by a plugin while it is built.
///
/// The configuration layer turns `keyPath` into a file, line and column.
public struct ParameterError: Error, Sendable, Equatable {
    /// The keys from the stage's mapping down to the offending value, e.g. `["weights", "popularr"]`.
    public var keyPath: [String]
    /// What is wrong, in users' words.
    public var message: String
    /// Whether the last key itself is wrong (a name), rather than its value.
    public var isAboutKey: Bool

    /// An error at `keyPath`.
    public init(keyPath: [String], message: String, isAboutKey: Bool = false) {
        self.keyPath = keyPath
        self.message = message
        self.isAboutKey = isAboutKey
    }
}
