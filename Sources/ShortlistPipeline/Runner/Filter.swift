public import ShortlistCore

/// A rule that keeps items out of a user's recommendations.
///
/// The runner folds every filter into the query's excluded set before the generators run, so
/// no generator spends its budget on an item a filter would remove. An implementation must
/// agree with itself: `excludes(item, for: query)` holds exactly for the items that
/// `addExclusions(to:for:)` adds.
public protocol Filter: Sendable {
    /// The name shown in traces and explanations, e.g. `exclude-seen`.
    var name: String { get }
    /// Adds the items this filter removes for the query to `excluded`.
    func addExclusions(to excluded: inout ItemSet, for query: Query)
    /// Whether this filter removes `item` for the query.
    func excludes(_ item: ItemIndex, for query: Query) -> Bool
}

/// Removes the items the user already interacted with.
public struct ExcludeSeen: Filter {
    public let name = "exclude-seen"

    /// The filter.
    public init() {}

    public func addExclusions(to excluded: inout ItemSet, for query: Query) {
        for item in query.historyItems { excluded.insert(Int(item)) }
    }

    public func excludes(_ item: ItemIndex, for query: Query) -> Bool {
        query.historyItems.contains(Int32(item))
    }
}

/// Removes a fixed set of items for everyone: an explicit list, or items with too few interactions.
public struct ExcludeItems: Filter {
    public let name: String
    private let items: ItemSet

    /// A filter removing `items`, shown as `name`.
    public init(name: String, items: ItemSet) {
        self.name = name
        self.items = items
    }

    public func addExclusions(to excluded: inout ItemSet, for query: Query) {
        for item in 0..<items.capacity where items.contains(item) { excluded.insert(item) }
    }

    public func excludes(_ item: ItemIndex, for query: Query) -> Bool { items.contains(item) }
}
