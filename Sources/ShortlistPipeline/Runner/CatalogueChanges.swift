public import ShortlistCore
public import ShortlistData

extension FittedPipeline {
    /// The pipeline serving the catalogue as the store has it: `entries` (one per item, each
    /// field as the item's latest entry that set it) add items and change features, and retire
    /// items, which no request is then served. Each stage's model is asked to serve the new
    /// catalogue (``CandidateModel/servingCatalogue(_:)``); one that cannot keeps to the items
    /// it was fitted on, and when a ranker cannot, new items stay out of the pools. `events`
    /// are the log's events for the new items, oldest first: a factor model folds an item in
    /// from those of users it was fitted on, counted as a refresh would count them.
    ///
    /// Apply it to the pipeline as fitted, never to one already serving a changed catalogue.
    ///
    /// - Complexity: O(items + entries + events), plus each model's update.
    public func servingCatalogue(
        _ entries: [CatalogueEntry], events: [Event] = [], policy: EventPolicy? = nil
    ) -> FittedPipeline {
        let (grown, changed) = dataset.cataloguing(entries)
        var retired = ItemSet(capacity: grown.itemCount)
        for entry in entries where entry.retired == true {
            if let item = grown.item(entry.id) { retired.insert(item) }
        }
        guard !changed.isEmpty || retired.count > 0 else { return self }
        var result = self
        result.dataset = grown
        result.itemFields = FeatureVocabulary(grown)
        if !changed.isEmpty {
            let update = CatalogueUpdate(
                dataset: grown, fittedItemCount: dataset.itemCount, changed: changed,
                interactions: itemInteractions(events, in: grown, policy: policy),
                minInteractions: policy?.itemFoldIn ?? EventPolicy.defaultItemFoldIn)
            for index in stages.indices {
                if let model = stages[index].model.servingCatalogue(update) {
                    result.stages[index].model = model
                } else {
                    result.stages[index].knownItems = dataset.itemCount
                }
            }
            var rankable = true
            // A bandit blends its arms' nominations by place and holds nothing per item.
            if bandit == nil {
                if let model = ranker.servingCatalogue(update) {
                    result.ranker = model
                } else {
                    rankable = false
                }
            }
            for (arm, model) in armRankers {
                if let updated = model.servingCatalogue(update) {
                    result.armRankers[arm] = updated
                } else {
                    rankable = false
                }
            }
            result.rankableItems = rankable ? nil : dataset.itemCount
        }
        if retired.count > 0 {
            result.filters.append(ExcludeItems(name: "retired", items: retired))
        }
        return result
    }

    /// Each new item's interactions by users of the fitted data among `events`: a weighted
    /// kind's event rated its weight times ``unratedRating``, a rating kind's its value; a
    /// user's latest event for an item decides, and a negative one leaves no interaction.
    private func itemInteractions(_ events: [Event], in grown: Dataset, policy: EventPolicy?)
        -> [ItemIndex: [(user: UserIndex, rating: Float)]]
    {
        guard let policy else { return [:] }
        var latest: [ItemIndex: [UserIndex: Float?]] = [:]
        for event in events {
            guard let item = grown.item(event.item), item >= dataset.itemCount,
                let user = dataset.user(event.user), let kind = policy.kind(event.kind)
            else { continue }
            let rating = kind.meaning.rating(value: event.value, strongest: unratedRating)
            // Kept as `.some(nil)` when negative: the latest event removes the interaction.
            latest[item, default: [:]][user] = .some(kind.meaning.isNegative ? nil : rating)
        }
        return latest.mapValues { users in
            users.compactMap { user, rating in rating.map { (user, $0) } }.sorted { $0.0 < $1.0 }
        }
    }
}
