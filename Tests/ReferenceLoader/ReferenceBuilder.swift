public import ShortlistCore

/// What the reference loader built, as plain arrays to compare with a ``Dataset``.
public struct ReferenceDataset: Equatable, Sendable {
    /// One side's compressed rows, as ``InteractionMatrix`` holds them.
    public struct Rows: Equatable, Sendable {
        public var offsets: [Int]
        public var columns: [Int32]
        public var ratings: [Float]
        public var timestamps: [Int64]

        /// The rows of a dataset's matrix.
        public init(_ matrix: InteractionMatrix) {
            offsets = matrix.offsets
            columns = matrix.columns
            ratings = matrix.ratings
            timestamps = matrix.timestamps
        }

        init(rowCount: Int, rows: [Int32], columns: [Int32], ratings: [Float], timestamps: [Int64])
        {
            var offsets = [Int](repeating: 0, count: rowCount + 1)
            for row in rows { offsets[Int(row) + 1] += 1 }
            for r in 0..<rowCount { offsets[r + 1] += offsets[r] }
            var next = offsets
            var order = [Int](repeating: 0, count: rows.count)
            for (position, row) in rows.enumerated() {
                order[next[Int(row)]] = position
                next[Int(row)] += 1
            }
            for r in 0..<rowCount {
                order[offsets[r]..<offsets[r + 1]].sort {
                    (timestamps[$0], columns[$0], $0) < (timestamps[$1], columns[$1], $1)
                }
            }
            self.offsets = offsets
            self.columns = order.map { columns[$0] }
            self.ratings = order.map { ratings[$0] }
            self.timestamps = order.map { timestamps[$0] }
        }
    }

    public var userIDs: [String]
    public var itemIDs: [String]
    public var byUser: Rows
    public var byItem: Rows
    public var items: [ItemFeatures]
    public var users: [UserFeatures]
    public var hasRatings: Bool
    public var hasTimestamps: Bool

    /// The same arrays of a loaded dataset.
    public init(_ dataset: Dataset) {
        userIDs = dataset.userIDs
        itemIDs = dataset.itemIDs
        byUser = Rows(dataset.byUser)
        byItem = Rows(dataset.byItem)
        items = dataset.items
        users = dataset.users
        hasRatings = dataset.hasRatings
        hasTimestamps = dataset.hasTimestamps
    }

    init(
        userIDs: [String], itemIDs: [String], byUser: Rows, byItem: Rows, items: [ItemFeatures],
        users: [UserFeatures], hasRatings: Bool, hasTimestamps: Bool
    ) {
        self.userIDs = userIDs
        self.itemIDs = itemIDs
        self.byUser = byUser
        self.byItem = byItem
        self.items = items
        self.users = users
        self.hasRatings = hasRatings
        self.hasTimestamps = hasTimestamps
    }
}

/// The dataset builder as the first loader used it, kept unchanged as the loader tests' oracle.
struct ReferenceBuilder {
    private var userIDs = Interner<String>()
    private var itemIDs = Interner<String>()
    private var items: [ItemFeatures] = []
    private var users: [UserFeatures] = []
    private var interactionUsers: [Int32] = []
    private var interactionItems: [Int32] = []
    private var ratings: [Float] = []
    private var timestamps: [Int64] = []
    private var hasRatings = false
    private var hasTimestamps = false

    var interactionCount: Int { interactionUsers.count }

    mutating func mergeDuplicateInteractions() -> Int {
        var kept: [Int64: Int] = [:]
        kept.reserveCapacity(interactionUsers.count)
        for position in interactionUsers.indices {
            let key =
                Int64(interactionUsers[position]) << 32
                | Int64(UInt32(bitPattern: interactionItems[position]))
            if let earlier = kept[key], timestamps[earlier] > timestamps[position] { continue }
            kept[key] = position
        }
        let dropped = interactionUsers.count - kept.count
        guard dropped > 0 else { return 0 }
        let positions = kept.values.sorted()
        interactionUsers = positions.map { interactionUsers[$0] }
        interactionItems = positions.map { interactionItems[$0] }
        ratings = positions.map { ratings[$0] }
        timestamps = positions.map { timestamps[$0] }
        return dropped
    }

    mutating func addInteraction(user: String, item: String, rating: Float?, timestamp: Int64?) {
        interactionUsers.append(userIndex(user))
        interactionItems.append(itemIndex(item))
        ratings.append(rating ?? 1)
        timestamps.append(timestamp ?? 0)
        if rating != nil { hasRatings = true }
        if timestamp != nil { hasTimestamps = true }
    }

    func build() -> ReferenceDataset {
        ReferenceDataset(
            userIDs: userIDs.keys, itemIDs: itemIDs.keys,
            byUser: ReferenceDataset.Rows(
                rowCount: userIDs.count, rows: interactionUsers, columns: interactionItems,
                ratings: ratings, timestamps: timestamps),
            byItem: ReferenceDataset.Rows(
                rowCount: itemIDs.count, rows: interactionItems, columns: interactionUsers,
                ratings: ratings, timestamps: timestamps),
            items: items, users: users, hasRatings: hasRatings, hasTimestamps: hasTimestamps)
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
