public import ShortlistCore

/// What loading a dataset did besides building it.
public struct LoadReport: Sendable, Equatable {
    /// Malformed rows skipped per file (only when the dataset section says `skip-malformed: true`).
    public var skippedRows: [String: Int] = [:]
    /// Interactions dropped because the same user interacted with the same item again later:
    /// each (user, item) pair keeps its latest interaction (by timestamp, then file order).
    public var mergedDuplicates = 0
    /// Values that are missing (empty) in the items and users files, where the file has their
    /// column: a missing value is normal, so it is counted rather than refused.
    public var missing = MissingValues()
    /// Interactions naming an item that the items file lacks, when the dataset has one (such
    /// items are titled by their ids).
    public var unlistedItems = 0
    /// Interactions naming a user that the users file lacks, when the dataset has one.
    public var unlistedUsers = 0

    /// Counts of missing values in the items and users files.
    public struct MissingValues: Sendable, Equatable {
        public var itemYears = 0
        public var userAges = 0
        public var userGenders = 0
        public var userOccupations = 0

        /// Counts of each kind of missing value.
        public init(
            itemYears: Int = 0, userAges: Int = 0, userGenders: Int = 0, userOccupations: Int = 0
        ) {
            self.itemYears = itemYears
            self.userAges = userAges
            self.userGenders = userGenders
            self.userOccupations = userOccupations
        }

        /// The items' years missing, counted over `items` when `hasColumn`.
        public mutating func countYears(_ items: [ItemFeatures], hasColumn: Bool) {
            if hasColumn { itemYears = items.count { $0.year == nil } }
        }

        /// The users' ages, genders and occupations missing, counted over `users` where the
        /// file has the column.
        public mutating func countUsers(
            _ users: [UserFeatures], age: Bool, gender: Bool, occupation: Bool
        ) {
            if age { userAges = users.count { $0.age == nil } }
            if gender { userGenders = users.count { $0.gender == nil } }
            if occupation { userOccupations = users.count { $0.occupation == nil } }
        }
    }

    /// A report with the given counts.
    public init(
        skippedRows: [String: Int] = [:], mergedDuplicates: Int = 0,
        missing: MissingValues = MissingValues(), unlistedItems: Int = 0, unlistedUsers: Int = 0
    ) {
        self.skippedRows = skippedRows
        self.mergedDuplicates = mergedDuplicates
        self.missing = missing
        self.unlistedItems = unlistedItems
        self.unlistedUsers = unlistedUsers
    }
}
