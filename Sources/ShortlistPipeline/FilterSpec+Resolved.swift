import ShortlistConfig
public import ShortlistCore
public import ShortlistData

extension FilterSpec {
    /// The filters a pipeline's `filters:` section declares, resolved against the dataset's
    /// ids: exclude-seen, the excluded items, and the items with too few interactions.
    public func resolved(for pipeline: String, in dataset: Dataset) throws(DataError)
        -> [any Filter]
    {
        var filters: [any Filter] = []
        if excludeSeen { filters.append(ExcludeSeen()) }
        if !excludedItems.isEmpty {
            var items = ItemSet(capacity: dataset.itemCount)
            for id in excludedItems {
                guard let item = dataset.item(id) else {
                    throw DataError(
                        .unknownID,
                        "the 'exclude' filter of pipeline '\(pipeline)' names item '\(id)', which "
                            + "the dataset does not have"
                    )
                }
                items.insert(item)
            }
            filters.append(ExcludeItems(name: "exclude", items: items))
        }
        if minInteractions > 0 {
            var items = ItemSet(capacity: dataset.itemCount)
            for item in 0..<dataset.itemCount
            where dataset.byItem.count(of: item) < minInteractions {
                items.insert(item)
            }
            filters.append(
                ExcludeItems(name: "min-interactions \(minInteractions)", items: items))
        }
        return filters
    }
}
