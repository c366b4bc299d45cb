extension Dataset {
    /// The same users, items and features with only the interactions `isKept` accepts; every
    /// index keeps its meaning, so models fitted on the subset score the full dataset's ids.
    ///
    /// - Parameter isKept: receives a user and the position of one of their interactions in
    ///   ``byUser`` (rows are ordered by timestamp, then item).
    /// - Complexity: O(interactions · log(interactions per user)).
    public func keeping(_ isKept: (_ user: UserIndex, _ entry: Int) -> Bool) -> Dataset {
        var rows: [Int32] = []
        var columns: [Int32] = []
        var ratings: [Float] = []
        var timestamps: [Int64] = []
        for user in 0..<userCount {
            for entry in byUser.range(of: user) where isKept(user, entry) {
                rows.append(Int32(user))
                columns.append(byUser.columns[entry])
                ratings.append(byUser.ratings[entry])
                timestamps.append(byUser.timestamps[entry])
            }
        }
        let kept = InteractionMatrix(
            rowCount: userCount, rows: rows, columns: columns, ratings: ratings,
            timestamps: timestamps)
        return Dataset(
            userIDs: userIDs, itemIDs: itemIDs, byUser: kept,
            byItem: kept.transposed(columnCount: itemCount),
            items: items, users: users, hasRatings: hasRatings, hasTimestamps: hasTimestamps
        )
    }
}

extension DatasetBuilder {
    /// A builder that starts with every user and item of `dataset`, in index order and with
    /// their features, but none of its interactions.
    public init(catalogueOf dataset: Dataset) {
        self.init()
        for (index, id) in dataset.itemIDs.enumerated() {
            addItem(id, features: dataset.items[index])
        }
        for (index, id) in dataset.userIDs.enumerated() {
            addUser(id, features: dataset.users[index])
        }
    }
}
