/// A parameter value that cannot work, found by a plugin while it is built.
///
/// The configuration layer turns `keyPath` into a file, line and column.
public struct ParameterError: ShortlistError, Equatable {
    /// The keys from the stage's mapping down to the offending value, e.g. `["weights", "popularr"]`.
    public var keyPath: [String]
    /// What is wrong, in users' words.
    public var message: String
    /// Whether the last key itself is wrong (a name), rather than its value.
    public var isAboutKey: Bool

    public var kind: ErrorKind { .invalid }
    /// None of its own: the configuration layer that reports it knows the file.
    public var location: ErrorLocation? { nil }

    /// An error at `keyPath`.
    public init(keyPath: [String], message: String, isAboutKey: Bool = false) {
        self.keyPath = keyPath
        self.message = message
        self.isAboutKey = isAboutKey
    }
}
