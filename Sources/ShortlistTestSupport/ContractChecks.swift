public import ShortlistCore
public import ShortlistPipeline

/// Checks the guarantees every candidate generator makes; returns what it broke (empty when none).
///
/// It fits two generators from `make` and compares them (the same seed gives the same output),
/// stores and reloads the model, and for a sample of users — plus an unknown id — checks that
/// each list is within `limit`, best first, free of duplicates and of excluded items; that
/// `explain` accounts for every nominated item with terms that add up to its score, the same
/// after reloading and the same for a whole list as item by item; and that the model answers
/// exactly the capabilities the generator declares.
public func checkCandidateGenerator<G: CandidateGenerator>(
    _ make: () throws -> G, on dataset: Dataset, limit: Int = 20
) throws -> [String] {
    var problems: [String] = []
    let capabilities = try make().capabilities
    let first = try make().fit(TrainingData(dataset: dataset), progress: .silent)
    let second = try make().fit(TrainingData(dataset: dataset), progress: .silent)
    var writer = ArtifactWriter()
    first.write(to: &writer)
    var reader = ArtifactReader(bytes: writer.bytes)
    let reloaded = try G.Model(reading: &reader)
    if !reader.isAtEnd { problems.append("reading the artifact back leaves bytes unread") }

    var random = SeededGenerator(seed: 99)
    var queries: [Query] = []
    for user in stride(from: 0, to: dataset.userCount, by: max(1, dataset.userCount / 40)) {
        var excluded = ItemSet(capacity: dataset.itemCount)
        for item in dataset.byUser.columns[dataset.byUser.range(of: user)] {
            excluded.insert(Int(item))
        }
        for _ in 0..<3 {
            excluded.insert(Int.random(in: 0..<max(1, dataset.itemCount), using: &random))
        }
        queries.append(dataset.query(for: user, excluded: excluded))
    }
    queries.append(dataset.query(forUserID: "no-such-user"))

    for query in queries {
        let who = "user \(query.userID)"
        let list = first.candidates(for: query, limit: limit)
        if list.count > limit {
            problems.append("\(who): \(list.count) candidates for limit \(limit)")
        }
        if Set(list.map(\.item)).count != list.count {
            problems.append("\(who): duplicate candidates")
        }
        if let bad = list.first(where: { query.excluded.contains($0.item) }) {
            problems.append("\(who): excluded item \(bad.item) nominated")
        }
        if let bad = list.first(where: { !(0..<dataset.itemCount).contains($0.item) }) {
            problems.append("\(who): item \(bad.item) outside the catalogue")
        }
        if list.contains(where: { !$0.score.isFinite }) {
            problems.append("\(who): a score is not finite")
        }
        if zip(list, list.dropFirst()).contains(where: { $0.score < $1.score }) {
            problems.append("\(who): candidates not best first")
        }
        if second.candidates(for: query, limit: limit) != list {
            problems.append("\(who): two fits with one seed disagree")
        }
        if reloaded.candidates(for: query, limit: limit) != list {
            problems.append("\(who): the reloaded artifact disagrees")
        }
        if first.candidates(for: query, limit: 0).count != 0 {
            problems.append("\(who): limit 0 gives candidates")
        }
        for candidate in list {
            let terms = first.explain(item: candidate.item, for: query).terms
            let total = terms.reduce(0) { $0 + $1.value }
            if terms.isEmpty {
                problems.append("\(who): item \(candidate.item) is nominated and not explained")
                break
            }
            if abs(total - candidate.score) > 1e-4 * max(1, abs(candidate.score)) {
                problems.append(
                    "\(who): item \(candidate.item)'s terms add up to \(total), its score is "
                        + "\(candidate.score)")
                break
            }
        }
        if let top = list.first,
            first.explain(item: top.item, for: query)
                != reloaded.explain(item: top.item, for: query)
        {
            problems.append("\(who): explanations differ after reloading")
        }
        let listed = list.map(\.item) + [dataset.itemCount / 3]
        if first.explain(items: listed, for: query)
            != listed.map({ first.explain(item: $0, for: query) })
        {
            problems.append("\(who): explaining a list differs from explaining each item")
        }
        if list.isEmpty, first.unavailability(for: query) == nil,
            query.excluded.count < dataset.itemCount
        {
            problems.append("\(who): no candidates and no reason given")
        }
    }
    let item = dataset.itemCount / 2
    let similar = first.similarItems(to: item, limit: 5)
    if capabilities.contains(.similarItems) {
        if similar == nil { problems.append("declares similar items but answers nil") }
        if similar?.contains(where: { $0.item == item }) == true {
            problems.append("an item is listed as similar to itself")
        }
        if let similar, similar.count > 5 {
            problems.append("\(similar.count) similar items for limit 5")
        }
    } else if similar != nil {
        problems.append("answers similar items without declaring the capability")
    }
    let predicts = queries.contains { first.predictRating(of: item, for: $0) != nil }
    if predicts != capabilities.contains(.ratingPrediction) {
        problems.append(
            predicts
                ? "predicts ratings without declaring the capability"
                : "declares rating prediction but predicts nothing")
    }
    return problems + checkCatalogueChanges(first, on: dataset, limit: limit)
}

/// Checks a fitted model against a catalogue grown since its fit: a copy of the first item
/// (its features, and its raters as the new item's interactions) and an item whose genres
/// changed. A model that serves the new catalogue must nominate within it, explain what it
/// nominates with terms that add up, and answer an unchanged catalogue as before.
func checkCatalogueChanges(_ model: some CandidateModel, on dataset: Dataset, limit: Int)
    -> [String]
{
    guard dataset.itemCount > 1 else { return [] }
    var problems: [String] = []
    let unchanged = CatalogueUpdate(
        dataset: dataset, fittedItemCount: dataset.itemCount, changed: [], interactions: [:],
        minInteractions: 1)
    let copied = dataset.items[0]
    let (grown, changed) = dataset.cataloguing([
        CatalogueEntry(
            id: "contract-new", title: copied.title, year: copied.year, genres: copied.genres),
        CatalogueEntry(id: dataset.itemIDs[1], genres: ["contract-genre"]),
    ])
    let raters = dataset.byItem.range(of: 0).map {
        (user: Int(dataset.byItem.columns[$0]), rating: dataset.byItem.ratings[$0])
    }
    let update = CatalogueUpdate(
        dataset: grown, fittedItemCount: dataset.itemCount, changed: changed,
        interactions: [dataset.itemCount: raters], minInteractions: 1)
    let same = model.servingCatalogue(unchanged)
    guard let served = model.servingCatalogue(update) else {
        if same != nil { problems.append("serves an unchanged catalogue but not a grown one") }
        return problems
    }
    for user in stride(from: 0, to: dataset.userCount, by: max(1, dataset.userCount / 20)) {
        let who = "user \(dataset.userIDs[user]) after the catalogue grew"
        let before = dataset.query(for: user, excluded: ItemSet(capacity: dataset.itemCount))
        if let same,
            same.candidates(for: before, limit: limit)
                != model.candidates(for: before, limit: limit)
        {
            problems.append(
                "user \(dataset.userIDs[user]): an unchanged catalogue changes the list")
        }
        let query = grown.query(for: user, excluded: ItemSet(capacity: grown.itemCount))
        let list = served.candidates(for: query, limit: limit)
        if let bad = list.first(where: { !(0..<grown.itemCount).contains($0.item) }) {
            problems.append("\(who): item \(bad.item) outside the catalogue")
        }
        for candidate in list + [Candidate(item: dataset.itemCount, score: .nan)] {
            let terms = served.explain(item: candidate.item, for: query).terms
            let total = terms.reduce(0) { $0 + $1.value }
            if candidate.score.isFinite, abs(total - candidate.score) > 1e-4 * max(1, abs(total)) {
                problems.append(
                    "\(who): item \(candidate.item)'s terms add up to \(total), its score is "
                        + "\(candidate.score)")
                break
            }
        }
        if let similar = served.similarItems(to: dataset.itemCount, limit: 5),
            similar.contains(where: { $0.item == dataset.itemCount || $0.item >= grown.itemCount })
        {
            problems.append("\(who): the new item's similar items hold itself or unknown items")
        }
    }
    return problems
}

/// Checks a filter against itself on every query: `excludes(item, for:)` must hold exactly for
/// the items `addExclusions(to:for:)` adds; returns what it broke.
public func checkFilter(_ filter: some Filter, queries: [Query], itemCount: Int) -> [String] {
    var problems: [String] = []
    for query in queries {
        var added = ItemSet(capacity: itemCount)
        filter.addExclusions(to: &added, for: query)
        for item in 0..<itemCount where added.contains(item) != filter.excludes(item, for: query) {
            problems.append(
                "user \(query.userID), item \(item): addExclusions says "
                    + "\(added.contains(item)), excludes says \(filter.excludes(item, for: query))"
            )
        }
    }
    return problems
}

/// Checks the guarantees every ranker makes on the given pools; returns what it broke.
///
/// Each output must be a permutation of its pool, best first, with contributions that add up
/// to each score (in ``RankerModel/rank(_:for:)`` and in full detail), the same on a second
/// call and after storing and reloading the model.
public func checkRanker<M: RankerModel>(_ model: M, pools: [(CandidatePool, Query)]) throws
    -> [String]
{
    var problems: [String] = []
    var writer = ArtifactWriter()
    model.write(to: &writer)
    var reader = ArtifactReader(bytes: writer.bytes)
    let reloaded = try M(reading: &reader)
    for (index, (pool, query)) in pools.enumerated() {
        let ranked = model.rank(pool, for: query)
        let which = "pool \(index)"
        if ranked.map(\.item).sorted() != pool.entries.map(\.item).sorted() {
            problems.append("\(which): output is not a permutation of the pool")
        }
        if zip(ranked, ranked.dropFirst()).contains(where: { $0.score < $1.score }) {
            problems.append("\(which): not best first")
        }
        let detailed = model.detailed(ranked, in: pool, for: query)
        if detailed.map(\.item) != ranked.map(\.item)
            || detailed.map(\.score) != ranked.map(\.score)
        {
            problems.append("\(which): the detailed explanation changes the order or a score")
        }
        for (kind, list) in [("", ranked), (" in detail", detailed)] {
            for item in list {
                let sum = item.contributions.reduce(0) { $0 + $1.value }
                if abs(sum - item.score) > 1e-9 * max(1, abs(item.score)) {
                    problems.append(
                        "\(which): contributions of item \(item.item)\(kind) add to \(sum), "
                            + "score is \(item.score)"
                    )
                }
            }
        }
        if model.rank(pool, for: query) != ranked {
            problems.append("\(which): two calls disagree")
        }
        if reloaded.rank(pool, for: query) != ranked {
            problems.append("\(which): the reloaded artifact disagrees")
        }
    }
    return problems
}
