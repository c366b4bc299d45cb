/// One catalogue entry as sent after the fit (`POST /v1/items`, `shortlist items`): a new
/// item, or new values for an item's fields, or its retirement. A field left nil keeps what the
/// item had (a new item's title is its id).
public struct CatalogueEntry: Sendable, Equatable {
    /// The item's external id.
    public var id: String
    /// The title, when the entry sets it.
    public var title: String?
    /// The release year, when the entry sets it.
    public var year: Int?
    /// The genres, when the entry sets them.
    public var genres: [String]?
    /// Whether the item is retired (never recommended), when the entry says.
    public var retired: Bool?

    /// An entry with the given fields.
    public init(
        id: String, title: String? = nil, year: Int? = nil, genres: [String]? = nil,
        retired: Bool? = nil
    ) {
        self.id = id
        self.title = title
        self.year = year
        self.genres = genres
        self.retired = retired
    }

    /// `features` with the fields this entry sets.
    public func applied(to features: ItemFeatures) -> ItemFeatures {
        ItemFeatures(
            title: title ?? features.title, year: year ?? features.year,
            genres: genres ?? features.genres)
    }
}

/// What a fitted model is handed when the catalogue changed since its fit: the data it was
/// fitted on with the new items appended (their indexes follow the fitted ones) and the changed
/// items' new features, and the interactions the event log holds with the new items.
public struct CatalogueUpdate: Sendable {
    /// The fitted data with the catalogue's changes.
    public let dataset: Dataset
    /// How many items the model was fitted on: indexes from here on are new.
    public let fittedItemCount: Int
    /// The items added or whose features changed since the fit, ascending.
    public let changed: [ItemIndex]
    /// Each new item's interactions by users of the fitted data, from the event log (as a
    /// refresh would count them), by item.
    public let interactions: [ItemIndex: [(user: UserIndex, rating: Float)]]
    /// How many such interactions a model that learns an item from them (a factor model) needs
    /// before it serves the item.
    public let minInteractions: Int

    /// An update.
    public init(
        dataset: Dataset, fittedItemCount: Int, changed: [ItemIndex],
        interactions: [ItemIndex: [(user: UserIndex, rating: Float)]], minInteractions: Int
    ) {
        self.dataset = dataset
        self.fittedItemCount = fittedItemCount
        self.changed = changed
        self.interactions = interactions
        self.minInteractions = minInteractions
    }

    /// The items new since the fit.
    public var newItems: Range<ItemIndex> { fittedItemCount..<dataset.itemCount }
}

extension Dataset {
    /// The dataset with `entries` applied to its catalogue: items it lacks appended in the
    /// order given, the fields an entry sets replaced; the interactions are the same. Also the
    /// items added or changed, ascending.
    ///
    /// - Complexity: O(users + items + entries).
    public func cataloguing(_ entries: [CatalogueEntry]) -> (
        dataset: Dataset, changed: [ItemIndex]
    ) {
        var ids = itemIDs
        var features = items
        var changed = Set<ItemIndex>()
        var lookup: [String: ItemIndex] = [:]
        var hasher = FNV1a()
        hasher.combine(Int(truncatingIfNeeded: fingerprint))
        for entry in entries {
            let index: ItemIndex
            if let known = item(entry.id) ?? lookup[entry.id] {
                index = known
            } else {
                index = ids.count
                lookup[entry.id] = index
                ids.append(entry.id)
                features.append(ItemFeatures(title: entry.id))
                changed.insert(index)
            }
            let updated = entry.applied(to: features[index])
            if updated != features[index] {
                features[index] = updated
                changed.insert(index)
            }
        }
        guard !changed.isEmpty else { return (self, []) }
        for index in changed.sorted() {
            hasher.combine(ids[index])
            hasher.combine(features[index].title)
            hasher.combine(features[index].year ?? Int.min)
            for genre in features[index].genres { hasher.combine(genre) }
        }
        let added = ids.count - itemCount
        let byItemGrown =
            added == 0
            ? byItem
            : InteractionMatrix(
                storedOffsets: byItem.offsets
                    + [Int](repeating: byItem.entryCount, count: added),
                columns: byItem.columns, ratings: byItem.ratings, timestamps: byItem.timestamps)
        guard let byItemGrown,
            let dataset = Dataset(
                restoringUserIDs: userIDs, itemIDs: ids, byUser: byUser, byItem: byItemGrown,
                items: features, users: users, hasRatings: hasRatings,
                hasTimestamps: hasTimestamps, fingerprint: hasher.value)
        else { preconditionFailure("appending empty item rows keeps the matrices consistent") }
        return (dataset, changed.sorted())
    }
}
