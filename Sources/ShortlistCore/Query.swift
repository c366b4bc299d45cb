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
    /// Whether the history holds interactions the fitted models have not seen (the request
    /// reported them): a model that keeps a fitted representation per user solves it from the
    /// history for this request instead (folds it in), and one that cannot uses what it has.
    public var foldsIn: Bool
    /// How many of the history's last items the request reported (its fresh interactions, the
    /// user's stored events among them) rather than the data: what the user did just now.
    public var freshCount: Int

    /// A query with the given history.
    public init(
        userID: String, user: UserIndex?, historyItems: ArraySlice<Int32> = [],
        historyRatings: ArraySlice<Float> = [], excluded: ItemSet, time: Int64? = nil,
        foldsIn: Bool = false, freshCount: Int = 0
    ) {
        self.freshCount = freshCount
        self.userID = userID
        self.user = user
        self.historyItems = historyItems
        self.historyRatings = historyRatings
        self.excluded = excluded
        self.time = time
        self.foldsIn = foldsIn
    }

    /// Whether the user has no history to learn from.
    public var isCold: Bool { historyItems.isEmpty }

    /// The query without the history items at `limit` or above (items a model fitted on a
    /// smaller catalogue does not know); the fresh count counts the fresh ones kept.
    ///
    /// - Complexity: O(history).
    public func restricted(toItemsBelow limit: ItemIndex) -> Query {
        let firstFresh = historyItems.count - freshCount
        var items: [Int32] = []
        var ratings: [Float] = []
        var fresh = 0
        for (offset, (item, rating)) in zip(historyItems, historyRatings).enumerated()
        where item < limit {
            items.append(item)
            ratings.append(rating)
            if offset >= firstFresh { fresh += 1 }
        }
        return Query(
            userID: userID, user: user, historyItems: items[...], historyRatings: ratings[...],
            excluded: excluded, time: time, foldsIn: foldsIn, freshCount: fresh)
    }

    /// Whether `item` is among the history's fresh interactions (``freshCount``).
    public func isFresh(_ item: ItemIndex) -> Bool {
        historyItems.suffix(freshCount).contains(Int32(item))
    }
}

/// An interaction a request reports that the fitted models have not seen: what the application
/// saw after the last fit, or the history of a user the data does not have.
public struct FreshInteraction: Sendable, Equatable {
    /// The item.
    public var item: ItemIndex
    /// Its rating, if the application has one.
    public var rating: Float?
    /// When it happened, in seconds since 1970, if known.
    public var timestamp: Int64?

    /// A fresh interaction.
    public init(item: ItemIndex, rating: Float? = nil, timestamp: Int64? = nil) {
        self.item = item
        self.rating = rating
        self.timestamp = timestamp
    }
}
