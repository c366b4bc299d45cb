import ShortlistCore
import ShortlistOutput
import ShortlistPipeline

extension API {
    /// `GET /v1/explain`: why an item was recommended to a user, or why not; a dry run, the
    /// same JSON as `shortlist explain --format json`.
    func explain(_ input: Operations.Explain.Input) async throws -> Operations.Explain.Output {
        let query = input.query
        try Self.nonEmpty(query.user, "'user'")
        try Self.nonEmpty(query.item, "'item'")
        let served = try holder.served()
        let pipeline = try served.pipeline(query.pipeline)
        let n = try Self.count(query.n, default: pipeline.resultCount)
        let history = try pipeline.history(parsing: query.history ?? "", option: "'history'")
        let context = try await Self.rankingContext(for: pipeline, served)
        let events = await Self.storedEvents(of: query.user, served)?.events ?? []
        let stored =
            served.events.map { pipeline.folding(events, policy: $0) } ?? (history: [], exclude: [])
        var fields: [FieldFilter] = []
        for (name, text, keeps) in [("only", query.only, true), ("without", query.without, false)] {
            guard let text else { continue }
            let filter: FieldFilter
            do {
                filter = try FieldFilter(parsing: text, keeps: keeps)
            } catch {
                throw APIError(.badRequest, "'\(name)': \(error.message)")
            }
            try Self.checked(filter, name, pipeline)
            fields.append(filter)
        }
        if let lambda = query.lambda, !(0...1).contains(lambda) {
            throw APIError(.badRequest, "'lambda' is a trade-off from 0 to 1, found \(lambda)")
        }
        let explanation = try pipeline.explain(
            userID: query.user, itemID: query.item, n: n, history: stored.history + history,
            exclude: stored.exclude, fields: fields, lambda: query.lambda, context: context)
        return .ok(
            .init(
                body: .json(
                    try .converting(
                        ItemExplanationOutput(explanation, pipeline: pipeline, user: query.user)
                    ).value)))
    }
}
