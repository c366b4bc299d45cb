/// Users, items and their interactions, with external ids mapped to dense indices.
///
/// Immutable and shared by every stage. Build one with ``DatasetBuilder``.
public struct Dataset: Sendable {
    /// External user ids by ``UserIndex``.
    public let userIDs: [String]
    /// External item ids by ``ItemIndex``.
    public let itemIDs: [String]
    /// Interactions grouped by user, each row ordered by timestamp then item.
    public let byUser: InteractionMatrix
    /// Interactions grouped by item, each row ordered by timestamp then user.
    public let byItem: InteractionMatrix
    /// Item features by ``ItemIndex``.
    public let items: [ItemFeatures]
    /// User features by ``UserIndex``.
    public let users: [UserFeatures]
    /// Whether interactions carry ratings (otherwise every rating is 1).
    public let hasRatings: Bool
    /// Whether interactions carry timestamps (otherwise every timestamp is 0).
    public let hasTimestamps: Bool
    /// A hash of every id, interaction and feature: equal data gives an equal fingerprint.
    public let fingerprint: UInt64

    private let userLookup: [String: UserIndex]
    private let itemLookup: [String: ItemIndex]

    init(
        userIDs: [String], itemIDs: [String], byUser: InteractionMatrix, byItem: InteractionMatrix,
        items: [ItemFeatures], users: [UserFeatures], hasRatings: Bool, hasTimestamps: Bool
    ) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.byUser = byUser
        self.byItem = byItem
        self.items = items
        self.users = users
        self.hasRatings = hasRatings
        self.hasTimestamps = hasTimestamps
        self.userLookup = Dictionary(uniqueKeysWithValues: userIDs.enumerated().map { ($1, $0) })
        self.itemLookup = Dictionary(uniqueKeysWithValues: itemIDs.enumerated().map { ($1, $0) })
        var hasher = FNV1a()
        for id in userIDs { hasher.combine(id) }
        for id in itemIDs { hasher.combine(id) }
        hasher.combine(byUser.offsets)
        hasher.combine(byUser.columns)
        hasher.combine(byUser.ratings)
        hasher.combine(byUser.timestamps)
        for item in items {
            hasher.combine(item.title)
            hasher.combine(item.year ?? Int.min)
            for genre in item.genres { hasher.combine(genre) }
        }
        for user in users {
            hasher.combine(user.age ?? Int.min)
            hasher.combine(user.gender ?? "")
            hasher.combine(user.occupation ?? "")
        }
        self.fingerprint = hasher.value
    }

    /// A dataset restored from a cache, with the fingerprint computed when it was first built;
    /// nil when the parts do not fit together (ids repeated, rows of the wrong shape).
    ///
    /// - Complexity: O(users + items + interactions).
    public init?(
        restoringUserIDs userIDs: [String], itemIDs: [String], byUser: InteractionMatrix,
        byItem: InteractionMatrix, items: [ItemFeatures], users: [UserFeatures],
        hasRatings: Bool, hasTimestamps: Bool, fingerprint: UInt64
    ) {
        guard byUser.rowCount == userIDs.count, byItem.rowCount == itemIDs.count,
            byUser.entryCount == byItem.entryCount, items.count == itemIDs.count,
            users.count == userIDs.count,
            byUser.columns.allSatisfy({ $0 >= 0 && Int($0) < itemIDs.count }),
            byItem.columns.allSatisfy({ $0 >= 0 && Int($0) < userIDs.count })
        else { return nil }
        var userLookup: [String: UserIndex] = [:]
        userLookup.reserveCapacity(userIDs.count)
        for (index, id) in userIDs.enumerated() {
            guard userLookup.updateValue(index, forKey: id) == nil else { return nil }
        }
        var itemLookup: [String: ItemIndex] = [:]
        itemLookup.reserveCapacity(itemIDs.count)
        for (index, id) in itemIDs.enumerated() {
            guard itemLookup.updateValue(index, forKey: id) == nil else { return nil }
        }
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.byUser = byUser
        self.byItem = byItem
        self.items = items
        self.users = users
        self.hasRatings = hasRatings
        self.hasTimestamps = hasTimestamps
        self.userLookup = userLookup
        self.itemLookup = itemLookup
        self.fingerprint = fingerprint
    }

    /// The number of users.
    public var userCount: Int { userIDs.count }
    /// The number of items in the catalogue.
    public var itemCount: Int { itemIDs.count }
    /// The number of interactions.
    public var interactionCount: Int { byUser.entryCount }

    /// The dense index of an external user id, or nil if the dataset has never seen it.
    public func user(_ id: String) -> UserIndex? { userLookup[id] }
    /// The dense index of an external item id, or nil if the catalogue lacks it.
    public func item(_ id: String) -> ItemIndex? { itemLookup[id] }

    /// A query for an external user id; unknown ids give a cold query with no history.
    public func query(forUserID id: String, excluded: ItemSet? = nil) -> Query {
        guard let user = userLookup[id] else {
            return Query(userID: id, user: nil, excluded: excluded ?? ItemSet(capacity: itemCount))
        }
        return query(for: user, excluded: excluded)
    }

    /// A query for an external user id whose history is the data's (none for an unknown id)
    /// followed by `fresh`, in timestamp order (those without one last, as given); a fresh
    /// interaction with an item the history has replaces it. A fresh interaction without a
    /// rating counts as `unrated`. The query folds in when `fresh` is not empty.
    ///
    /// - Complexity: O(history + fresh · log fresh).
    public func query(
        forUserID id: String, fresh: [FreshInteraction], unrated: Float,
        excluded: ItemSet? = nil
    ) -> Query {
        let base = query(forUserID: id, excluded: excluded)
        guard !fresh.isEmpty else { return base }
        let ordered = fresh.enumerated().sorted {
            ($0.element.timestamp ?? .max, $0.offset) < ($1.element.timestamp ?? .max, $1.offset)
        }.map(\.element)
        // Each fresh item once, where it last happened, with that rating.
        var seen = Set<ItemIndex>()
        var freshItems: [Int32] = []
        var freshRatings: [Float] = []
        for interaction in ordered.reversed() where seen.insert(interaction.item).inserted {
            freshItems.append(Int32(interaction.item))
            freshRatings.append(interaction.rating ?? unrated)
        }
        var items: [Int32] = []
        var ratings: [Float] = []
        for (item, rating) in zip(base.historyItems, base.historyRatings)
        where !seen.contains(Int(item)) {
            items.append(item)
            ratings.append(rating)
        }
        items += freshItems.reversed()
        ratings += freshRatings.reversed()
        return Query(
            userID: id, user: base.user, historyItems: items[...], historyRatings: ratings[...],
            excluded: base.excluded, time: base.time, foldsIn: true,
            freshCount: freshItems.count)
    }

    /// A query for a known user, carrying their history.
    public func query(for user: UserIndex, excluded: ItemSet? = nil) -> Query {
        let rows = byUser.range(of: user)
        return Query(
            userID: userIDs[user], user: user,
            historyItems: byUser.columns[rows], historyRatings: byUser.ratings[rows],
            excluded: excluded ?? ItemSet(capacity: itemCount)
        )
    }
}
