/// One recommendation request: who is asking, what they have done, and what must not be shown.
public struct Query: Sendable {
    /// The external user id as given, known to the dataset or not.
    public let userID: String
    /// The user's dense index, or nil for an id the dataset has never seen.
    public let user: UserIndex?
    /// The items of the user's history, oldest first (empty for a cold user).
    public let historyItems: ArraySlice<Int32>
    /// The ratings of the user's history, aligned with ``historyItems``.
    public let historyRatings: ArraySlice<Float>
    /// Items no stage may return: generators skip them instead of spending their budget.
    public var excluded: ItemSet
    /// When the request is made, in seconds since 1970, or nil for the end of the data: the
    /// moment features that depend on time are computed as of.
    public var time: Int64?

    /// A query with the given history.
    public init(
        userID: String, user: UserIndex?, historyItems: ArraySlice<Int32> = [],
        historyRatings: ArraySlice<Float> = [], excluded: ItemSet, time: Int64? = nil
    ) {
        self.userID = userID
        self.user = user
        self.historyItems = historyItems
        self.historyRatings = historyRatings
        self.excluded = excluded
        self.time = time
    }

    /// Whether the user has no history to learn from.
    public var isCold: Bool { historyItems.isEmpty }
}
