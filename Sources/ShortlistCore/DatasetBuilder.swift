/// Collects users, items and interactions by external id, then builds a ``Dataset``.
///
/// Items and users get dense indices in the order they are first seen, so declaring the
/// catalogue before the interactions keeps item files' order.
public struct DatasetBuilder {
    private var userIDs = Interner<String>()
    private var itemIDs = Interner<String>()
    private var items: [ItemFeatures] = []
    private var users: [UserFeatures] = []
    private var interactionUsers: [Int32] = []
    private var interactionItems: [Int32] = []
    private var ratings: [Float] = []
    private var timestamps: [Int64] = []
    private var hasRatings = false
    private var declaredItems = Set<Int32>()
    private var declaredUsers = Set<Int32>()
    private var hasTimestamps = false

    /// An empty builder.
    public init() {}

    /// The number of interactions added so far.
    public var interactionCount: Int { interactionUsers.count }

    /// Declares an item (or replaces its features); returns its index.
    @discardableResult
    public mutating func addItem(_ id: String, features: ItemFeatures? = nil) -> ItemIndex {
        let index = itemIndex(id)
        if let features { items[Int(index)] = features }
        return Int(index)
    }

    /// Declares an item with its features, as an items file does; false, changing nothing, when
    /// the item was declared this way before.
    public mutating func declareItem(_ id: String, features: ItemFeatures) -> Bool {
        let index = itemIndex(id)
        guard declaredItems.insert(index).inserted else { return false }
        items[Int(index)] = features
        return true
    }

    /// Declares a user with their features, as a users file does; false, changing nothing,
    /// when the user was declared this way before.
    public mutating func declareUser(_ id: String, features: UserFeatures) -> Bool {
        let index = userIndex(id)
        guard declaredUsers.insert(index).inserted else { return false }
        users[Int(index)] = features
        return true
    }

    /// Merges interactions of one user with one item into one, keeping the latest (by
    /// timestamp, then the last added); returns how many were dropped.
    ///
    /// - Complexity: O(interactions + users + items).
    public mutating func mergeDuplicateInteractions() -> Int {
        var parts = self.parts
        let dropped = parts.mergeDuplicateInteractions()
        interactionUsers = parts.interactionUsers
        interactionItems = parts.interactionItems
        ratings = parts.ratings
        timestamps = parts.timestamps
        return dropped
    }

    /// Declares a user (or replaces their features); returns their index.
    @discardableResult
    public mutating func addUser(_ id: String, features: UserFeatures? = nil) -> UserIndex {
        let index = userIndex(id)
        if let features { users[Int(index)] = features }
        return Int(index)
    }

    /// Records that `user` interacted with `item`, with an optional rating and timestamp.
    public mutating func addInteraction(
        user: String, item: String, rating: Float? = nil, timestamp: Int64? = nil
    ) {
        interactionUsers.append(userIndex(user))
        interactionItems.append(itemIndex(item))
        ratings.append(rating ?? 1)
        timestamps.append(timestamp ?? 0)
        if rating != nil { hasRatings = true }
        if timestamp != nil { hasTimestamps = true }
    }

    /// The finished dataset.
    ///
    /// - Complexity: O(interactions · log(interactions per user)).
    public func build() -> Dataset { parts.build() }

    private var parts: DatasetParts {
        DatasetParts(
            userIDs: userIDs.keys, itemIDs: itemIDs.keys, items: items, users: users,
            interactionUsers: interactionUsers, interactionItems: interactionItems,
            ratings: ratings, timestamps: timestamps, hasRatings: hasRatings,
            hasTimestamps: hasTimestamps)
    }

    private mutating func itemIndex(_ id: String) -> Int32 {
        let index = itemIDs.id(id)
        if Int(index) == items.count { items.append(ItemFeatures(title: id)) }
        return index
    }

    private mutating func userIndex(_ id: String) -> Int32 {
        let index = userIDs.id(id)
        if Int(index) == users.count { users.append(UserFeatures()) }
        return index
    }
}
