import BuiltInPlugins
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistStore

extension API {
    /// `GET /v1/items/{id}/similar`: the items most like one, per stage that can tell, as
    /// `shortlist similar --format json`.
    func similarItems(_ input: Operations.SimilarItems.Input) async throws
        -> Operations.SimilarItems.Output
    {
        let id = input.path.id
        let served = try holder.served()
        let pipeline = try served.pipeline(input.query.pipeline)
        let lists = try SimilarList.lists(
            pipeline, itemID: id, stage: input.query.stage,
            n: try Self.count(input.query.n, default: 10),
            capableTypes: builtInPlugins.generatorTypes(with: .similarItems))
        return .ok(.init(body: .json(try .converting(lists).value)))
    }

    /// `POST /v1/items`: catalogue entries, all or none, answered once they are stored and the
    /// served pipelines serve them.
    func recordItems(_ input: Operations.RecordItems.Input) async throws
        -> Operations.RecordItems.Output
    {
        guard case .json(let body) = input.body else { preconditionFailure("one content type") }
        let served = try holder.served()
        guard let store = served.store else {
            throw APIError(
                .notFound,
                "\(served.path) keeps no feedback store, where the catalogue lives: it declares no "
                    + "event log and no bandit, and its SQLite store does not exist yet; add an "
                    + "'events' section to take items")
        }
        guard !body.items.isEmpty else {
            throw APIError(.badRequest, "'items' is empty; a batch holds 1 to 1000 entries")
        }
        let entries = try body.items.enumerated().map { index, sent throws(APIError) in
            let entry = CatalogueEntry(
                id: sent.id, title: sent.title, year: sent.year, genres: sent.genres,
                retired: sent.retired)
            if let problem = entry.problem(field: "items[\(index)]") { throw APIError(problem) }
            return entry
        }
        let version = try await store.recordItems(entries)
        try await holder.syncCatalogue()
        return .ok(.init(body: .json(.init(recorded: entries.count, version: Int(version)))))
    }
}
