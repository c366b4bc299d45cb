import Foundation

/// A dataset's ids, features and interactions in input order, before they are grouped into
/// rows: what a loader assembles, and what ``DatasetBuilder`` collects.
public struct DatasetParts: Sendable {
    /// External user ids by ``UserIndex``.
    public var userIDs: [String]
    /// External item ids by ``ItemIndex``.
    public var itemIDs: [String]
    /// Item features by ``ItemIndex``.
    public var items: [ItemFeatures]
    /// User features by ``UserIndex``.
    public var users: [UserFeatures]
    /// Each interaction's user, item, rating (1 without ratings) and timestamp (0 without).
    public var interactionUsers: [Int32]
    public var interactionItems: [Int32]
    public var ratings: [Float]
    public var timestamps: [Int64]
    /// Whether the interactions carry ratings and timestamps.
    public var hasRatings: Bool
    public var hasTimestamps: Bool

    /// Parts with the given values; the interaction arrays must be equally long and index the
    /// id tables.
    public init(
        userIDs: [String], itemIDs: [String], items: [ItemFeatures], users: [UserFeatures],
        interactionUsers: [Int32], interactionItems: [Int32], ratings: [Float],
        timestamps: [Int64], hasRatings: Bool, hasTimestamps: Bool
    ) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.items = items
        self.users = users
        self.interactionUsers = interactionUsers
        self.interactionItems = interactionItems
        self.ratings = ratings
        self.timestamps = timestamps
        self.hasRatings = hasRatings
        self.hasTimestamps = hasTimestamps
    }

    /// Merges interactions of one user with one item into one, keeping the latest (by
    /// timestamp, then the last in input order); returns how many were dropped. The others keep
    /// their order.
    ///
    /// - Complexity: O(interactions + users + items).
    public mutating func mergeDuplicateInteractions() -> Int {
        let count = interactionUsers.count
        // Each user's positions in input order (a counting sort), then per user the best
        // position of each item, stamped with the user so the table is never cleared.
        let starts = InteractionMatrix.offsets(of: interactionUsers, rowCount: userIDs.count)
        var order = [Int32](repeating: 0, count: count)
        var next = Array(starts.dropLast())
        for (position, user) in interactionUsers.enumerated() {
            order[next[Int(user)]] = Int32(truncatingIfNeeded: position)
            next[Int(user)] += 1
        }
        next = []
        var owner = [Int32](repeating: -1, count: itemIDs.count)
        var best = [Int32](repeating: 0, count: itemIDs.count)
        var dropped = [Bool](repeating: false, count: count)
        var droppedCount = 0
        for user in 0..<userIDs.count {
            for entry in starts[user]..<starts[user + 1] {
                let position = Int(order[entry])
                let item = Int(interactionItems[position])
                guard owner[item] == Int32(user) else {
                    owner[item] = Int32(user)
                    best[item] = Int32(position)
                    continue
                }
                let earlier = Int(best[item])
                droppedCount += 1
                if timestamps[earlier] > timestamps[position] {
                    dropped[position] = true
                } else {
                    dropped[earlier] = true
                    best[item] = Int32(position)
                }
            }
        }
        guard droppedCount > 0 else { return 0 }
        func kept<T>(_ values: [T]) -> [T] {
            var result: [T] = []
            result.reserveCapacity(count - droppedCount)
            for position in 0..<count where !dropped[position] { result.append(values[position]) }
            return result
        }
        interactionUsers = kept(interactionUsers)
        interactionItems = kept(interactionItems)
        ratings = kept(ratings)
        timestamps = kept(timestamps)
        return droppedCount
    }

    /// The dataset: interactions grouped by user and by item, rows sorted on up to `threads`
    /// threads (the result does not depend on how many).
    ///
    /// - Complexity: O(interactions · log(interactions per row)).
    public consuming func build(threads: Int = Cores.available)
        -> Dataset
    {
        let byUser = InteractionMatrix(
            rowCount: userIDs.count, rows: interactionUsers, columns: interactionItems,
            ratings: ratings, timestamps: timestamps, threads: threads)
        interactionUsers = []
        interactionItems = []
        ratings = []
        timestamps = []
        // By item from by user: its rows hold the input's entries in input order among ties.
        let byItem = byUser.transposed(columnCount: itemIDs.count, threads: threads)
        return Dataset(
            userIDs: userIDs, itemIDs: itemIDs, byUser: byUser, byItem: byItem, items: items,
            users: users, hasRatings: hasRatings, hasTimestamps: hasTimestamps)
    }
}
