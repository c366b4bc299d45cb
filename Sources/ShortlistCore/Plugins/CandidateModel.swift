/// A fitted, immutable candidate generator, safe to share between threads and to store.
public protocol CandidateModel: Sendable, ArtifactCodable {
    /// Up to `limit` items, best first, none of them in `query.excluded`.
    func candidates(for query: Query, limit: Int) -> [Candidate]
    /// The candidates of each of `queries`, as ``candidates(for:limit:)`` gives them one by
    /// one (the default, spread over the cores); a model that scores many queries at once
    /// faster than one by one (reading its item table once for a group) gives them here.
    func candidates(forEach queries: [Query], limit: Int) -> [[Candidate]]
    /// Why `item` scores as it does for this query, from the same numbers that score it: terms
    /// that add up to its score (checked by `checkCandidateGenerator`), or ``Explanation/none``
    /// when the model does not score the item for the query.
    func explain(item: ItemIndex, for query: Query) -> Explanation
    /// Each of `items` explained as ``explain(item:for:)`` would, for one query: a model whose
    /// explanations share per-query work (a user's system to solve) does it once here.
    func explain(items: [ItemIndex], for query: Query) -> [Explanation]
    /// Why this model offers nothing for the query (e.g. it needs a history), or nil if it can
    /// offer something before filters.
    func unavailability(for query: Query) -> Unavailability?
    /// The items most like `item` regardless of any user, best first, without `item` itself;
    /// nil unless the generator declares ``GeneratorCapabilities/similarItems``.
    func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]?
    /// The predicted rating of `item` by the query's user, or nil when the model cannot say
    /// (always nil unless the generator declares ``GeneratorCapabilities/ratingPrediction``).
    func predictRating(of item: ItemIndex, for query: Query) -> Double?
    /// Its item embeddings, one row per item it scores, for a re-rank step that compares items
    /// by cosine; nil when it has none.
    var itemEmbeddings: ItemEmbeddings? { get }
    /// The model serving the catalogue as `update` has it — items added since the fit, items
    /// whose features changed — or nil when it serves only the items it was fitted on (the
    /// pipeline then keeps the others away from it). Asked off the request path, whenever the
    /// catalogue changes; the model returned is not stored.
    func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)?
}

extension CandidateModel {
    public func candidates(forEach queries: [Query], limit: Int) -> [[Candidate]] {
        concurrentMap(queries.count, chunk: 8) { candidates(for: queries[$0], limit: limit) }
    }

    public func explain(items: [ItemIndex], for query: Query) -> [Explanation] {
        items.map { explain(item: $0, for: query) }
    }

    public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]? { nil }
    public func predictRating(of item: ItemIndex, for query: Query) -> Double? { nil }
    public var itemEmbeddings: ItemEmbeddings? { nil }
    public func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)? { nil }
}
