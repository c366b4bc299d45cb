public import ShortlistCore
public import ShortlistData

extension FittedPipeline {
    /// What a user's stored events add to a request (the caller reads them from the event log
    /// and puts them in ``Request/history`` and ``Request/exclude``): each event of a kind
    /// with a weight counts as that share of ``unratedRating``, each of a rating kind as its
    /// value. The latest event for an item decides about negative feedback: when it is of a
    /// negative kind, the item is excluded and the user's earlier events for it do not count.
    /// Events for items the data does not have, or of kinds the policy no longer declares, are
    /// skipped.
    ///
    /// - Parameter events: the user's events, oldest first.
    public func folding(_ events: [Event], policy: EventPolicy) -> (
        history: [FreshInteraction], exclude: [ItemIndex]
    ) {
        var known: [(item: ItemIndex, meaning: EventPolicy.Meaning, event: Event)] = []
        known.reserveCapacity(events.count)
        for event in events {
            guard let item = dataset.item(event.item), let kind = policy.kind(event.kind) else {
                continue
            }
            known.append((item, kind.meaning, event))
        }
        var last: [ItemIndex: Int] = [:]
        for (position, entry) in known.enumerated() { last[entry.item] = position }
        var disliked: [ItemIndex: Int] = [:]
        for (position, entry) in known.enumerated() where entry.meaning.isNegative {
            disliked[entry.item] = position
        }
        var history: [FreshInteraction] = []
        for (position, entry) in known.enumerated() where !entry.meaning.isNegative {
            if let dislike = disliked[entry.item], dislike > position { continue }
            history.append(
                FreshInteraction(
                    item: entry.item,
                    rating: entry.meaning.rating(value: entry.event.value, strongest: unratedRating)
                        ?? 0,
                    timestamp: entry.event.time.flatMap { Int64(exactly: $0.rounded(.down)) }))
        }
        let exclude = last.filter { known[$0.value].meaning.isNegative }.keys.sorted()
        return (history, exclude)
    }
}

extension Dataset {
    /// The dataset with `events` (in the order they were recorded) as interactions: a refresh
    /// folds the event log into the data its stages are fitted on. Each event of a kind with a
    /// weight is an interaction rated that share of the data's highest rating, each of a
    /// rating kind one rated its value (in data without ratings, an interaction of each
    /// positive event); a user's latest interaction with an item wins, and when a user's
    /// latest event for an item is negative, the user has no interaction with it. New users
    /// join; events for items the data does not have, or of kinds the policy no longer
    /// declares, are left out.
    ///
    /// - Complexity: O(interactions + events), then the build's sort.
    public func adding(_ events: [Event], policy: EventPolicy) -> Dataset {
        let strongest = hasRatings ? byUser.ratings.max() ?? 1 : 1
        var latest: [String: [ItemIndex: Bool]] = [:]
        var known: [(event: Event, item: ItemIndex, rating: Float?)] = []
        for event in events {
            guard let item = item(event.item), let kind = policy.kind(event.kind) else { continue }
            latest[event.user, default: [:]][item] = kind.meaning.isNegative
            guard !kind.meaning.isNegative else { continue }
            known.append(
                (event, item, kind.meaning.rating(value: event.value, strongest: strongest)))
        }
        func removed(_ user: String, _ item: ItemIndex) -> Bool {
            latest[user]?[item] == true
        }
        var builder = DatasetBuilder()
        for (index, id) in itemIDs.enumerated() { builder.addItem(id, features: items[index]) }
        for (index, id) in userIDs.enumerated() { builder.addUser(id, features: users[index]) }
        for (user, id) in userIDs.enumerated() {
            for entry in byUser.range(of: user)
            where !removed(id, Int(byUser.columns[entry])) {
                builder.addInteraction(
                    user: id, item: itemIDs[Int(byUser.columns[entry])],
                    rating: hasRatings ? byUser.ratings[entry] : nil,
                    timestamp: hasTimestamps ? byUser.timestamps[entry] : nil)
            }
        }
        for (event, item, rating) in known where !removed(event.user, item) {
            builder.addInteraction(
                user: event.user, item: itemIDs[item], rating: hasRatings ? rating : nil,
                timestamp: hasTimestamps
                    ? event.time.flatMap { Int64(exactly: $0.rounded(.down)) } : nil)
        }
        _ = builder.mergeDuplicateInteractions()
        return builder.build()
    }
}
