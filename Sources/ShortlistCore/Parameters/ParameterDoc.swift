/// One documented parameter of a plugin, as `shortlist plugins` lists it.
public struct ParameterDoc: Sendable, Equatable {
    /// The YAML key.
    public var key: String
    /// The value's type in users' words with its range, e.g. `integer in [1, 4096]`, `min-max | z-score`.
    public var type: String
    /// The default as it would be written in YAML, or what leaving it unset means.
    public var defaultValue: String
    /// One line of documentation, with the unit where there is one.
    public var summary: String
    /// Whether ``defaultValue`` is a value as written in YAML, rather than what leaving the
    /// parameter unset means.
    public var isValue: Bool

    /// A parameter's documentation.
    public init(
        _ key: String, _ type: String, default defaultValue: String, _ summary: String,
        isValue: Bool = true
    ) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
        self.isValue = isValue
    }
}
