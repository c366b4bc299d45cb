/// One piece of a generator's account of why it scored an item as it did.
///
/// Reasons are data; only the CLI and the server turn them into sentences.
public struct Reason: Sendable, Equatable, Codable {
    /// What kind of reason this is; plugins add their own kinds in their folders.
    public struct Kind: RawRepresentable, Hashable, Sendable, Codable {
        /// The kind's name.
        public var rawValue: String
        /// A kind with the given name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A statistic of the item, such as its vote count or mean rating.
        public static let statistic = Kind(rawValue: "statistic")
        /// An item of the user's history that led to this one.
        public static let becauseOf = Kind(rawValue: "because-of")
    }

    /// The reason's kind.
    public var kind: Kind
    /// What is measured, e.g. `votes (v)`.
    public var name: String
    /// Its value.
    public var value: Double
    /// The item the reason refers to, if any.
    public var item: ItemIndex?

    /// A reason.
    public init(kind: Kind, name: String, value: Double, item: ItemIndex? = nil) {
        self.kind = kind
        self.name = name
        self.value = value
        self.item = item
    }
}
