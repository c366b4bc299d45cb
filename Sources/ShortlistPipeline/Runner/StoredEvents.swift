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
            let rating: Float
            switch entry.meaning {
            case .rating: rating = Float(entry.event.value ?? 0)
            case .weight(let weight): rating = Float(weight) * unratedRating
            }
            history.append(
                FreshInteraction(
                    item: entry.item, rating: rating,
                    timestamp: entry.event.time.flatMap { Int64(exactly: $0.rounded(.down)) }))
        }
        let exclude = last.filter { known[$0.value].meaning.isNegative }.keys.sorted()
        return (history, exclude)
    }
}
