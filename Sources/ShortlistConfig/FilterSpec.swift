public import ShortlistCore

/// The pipeline's `filters:` section, declared like a plugin's parameters.
public struct FilterSpec: PluginParameters, Equatable {
    public var excludeSeen = true
    public var excludedItems: [String] = []
    public var minInteractions = 0

    /// Filters at their defaults: only `exclude-seen`.
    public init() {}

    /// Filters with the given settings.
    public init(excludeSeen: Bool, excludedItems: [String] = [], minInteractions: Int = 0) {
        self.excludeSeen = excludeSeen
        self.excludedItems = excludedItems
        self.minInteractions = minInteractions
    }

    public static var declarations: [ParameterDeclaration<Self>] {
        [
            .init(
                "exclude-seen", \.excludeSeen, "remove the items the user already interacted with"),
            .init("exclude", \.excludedItems, "item ids never recommended"),
            .init(
                "min-interactions", \.minInteractions, .nonNegative,
                "items with fewer interactions are never recommended"),
        ]
    }
}
