import Dispatch
import Foundation
import Metrics
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

extension API {
    /// `POST /v1/recommend`: one recommendation through the pipeline's request path, the
    /// same JSON as `shortlist recommend --format json`; a bandit's decision is logged before
    /// it is answered.
    func recommend(_ input: Operations.Recommend.Input) async throws
        -> Operations.Recommend.Output
    {
        guard case .json(let body) = input.body else { preconditionFailure("one content type") }
        if let name = body.pipeline { try checkID(name, "'pipeline'") }
        let served = try holder.served()
        let pipeline = try served.pipeline(body.pipeline)
        try checkID(body.user, "'user'")
        let events = await Self.storedEvents(of: body.user, served)
        let key = try Self.cacheKey(body, pipeline, served, events: events)
        if let key, let cached = served.responses.answer(for: key) {
            Counter(
                label: "shortlist_recommend_cache_hits_total",
                dimensions: [("pipeline", pipeline.name)]
            ).increment()
            return .ok(.init(body: .json(cached)))
        }
        let output = try await Self.recommend(body, pipeline, served, events: events?.events ?? [])
        let answer =
            body.explain ?? false
            ? try Components.Schemas.Recommendations.converting(output).value
            : try Components.Schemas.Recommendations(lean: output)
        if let key {
            served.responses.keep(answer, size: try JSONEncoder().encode(answer).count, for: key)
        }
        return .ok(.init(body: .json(answer)))
    }

    /// The key of a request whose answer only the request, the user's stored events and the
    /// loaded pipelines decide (a pipeline without a bandit, which draws and logs, that logs no
    /// exposures, and no fresh history), with the log position of the user's newest event;
    /// nil otherwise, and when the file has an event log that could not be read.
    static func cacheKey(
        _ body: Components.Schemas.RecommendRequest, _ pipeline: FittedPipeline,
        _ served: ServedPipelines, events: UserEvents?
    ) throws(APIError) -> String? {
        guard served.responses.capacity > 0, pipeline.bandit == nil, pipeline.exposures == 0,
            body.history?.isEmpty ?? true, served.events == nil || events != nil
        else { return nil }
        // Each part with its length, so that no two requests share a key.
        let parts =
            [
                pipeline.name, body.user,
                String(try count(body.n, default: pipeline.resultCount)),
                String(body.explain ?? false), String(events?.newest ?? 0),
                body.lambda.map { String($0) } ?? "",
            ] + (body.exclude ?? []) + ["filters"] + values(body.filters) + ["without"]
            + values(body.without)
        return parts.map { "\($0.utf8.count):\($0)" }.joined()
    }

    /// A request's field values as key parts: each field, its count, then its values.
    private static func values(_ fields: Components.Schemas.FieldValues?) -> [String] {
        [("genre", fields?.genre ?? []), ("decade", fields?.decade ?? [])].flatMap {
            [$0.0, String($0.1.count)] + $0.1
        }
    }

    /// A request's `filters` (keeping) or `without` (removing) as the pipeline's field filters;
    /// a value no item has is a 404 naming it (as an item the data lacks is).
    static func fieldFilters(
        _ fields: Components.Schemas.FieldValues?, keeps: Bool, _ pipeline: FittedPipeline
    ) throws(APIError) -> [FieldFilter] {
        let filters = [(ItemField.genre, fields?.genre), (.decade, fields?.decade)].compactMap {
            field, values in values.map { FieldFilter(field: field, values: $0, keeps: keeps) }
        }
        for filter in filters {
            try checked(
                filter, "\(keeps ? "filters" : "without").\(filter.field.rawValue)", pipeline)
        }
        return filters
    }

    /// Throws a 404 naming `key` when `filter` names a value no item has (as an item the data
    /// lacks is).
    static func checked(_ filter: FieldFilter, _ key: String, _ pipeline: FittedPipeline)
        throws(APIError)
    {
        do {
            try pipeline.check(filter)
        } catch {
            throw APIError(.notFound, "'\(key)': \(error.message)")
        }
    }

    /// The user's latest stored events, when the file has an event log; nil without one, and
    /// when the log cannot be read now: the request is then answered from the fitted models
    /// alone (counted in `shortlist_event_reads_failed_total`) rather than refused.
    static func storedEvents(of user: String, _ served: ServedPipelines) async -> UserEvents? {
        guard let policy = served.events, let store = served.store else { return nil }
        do {
            return try await store.events(user: user, limit: policy.foldIn)
        } catch {
            Counter(label: "shortlist_event_reads_failed_total").increment()
            return nil
        }
    }

    /// One recommendation through the pipeline's request path, the user's stored `events`
    /// folded in: the store is read before it and written after it, never inside.
    static func recommend(
        _ body: Components.Schemas.RecommendRequest, _ pipeline: FittedPipeline,
        _ served: ServedPipelines, events: [Event]
    ) async throws -> RecommendationOutput {
        try nonEmpty(body.user, "'user'")
        try checkID(body.user, "'user'")
        let n = try count(body.n, default: pipeline.resultCount)
        func item(_ id: String, _ field: String) throws(APIError) -> ItemIndex {
            try checkID(id, "'\(field)'")
            guard let item = pipeline.dataset.item(id) else {
                throw APIError(
                    .notFound,
                    "'\(field)' names item '\(excerpt(id))', which the dataset does not have")
            }
            return item
        }
        let history = try (body.history ?? []).enumerated().map { index, entry in
            let place = "history[\(index)]"
            if let rating = entry.rating, !InteractionLimits.isRating(rating) {
                throw APIError(.badRequest, "'\(place).rating' is not a rating: \(rating)")
            }
            if let timestamp = entry.timestamp,
                !InteractionLimits.seconds.contains(Double(timestamp))
            {
                throw APIError(
                    .badRequest,
                    "'\(place).timestamp' must be seconds since 1970 from "
                        + "\(plainNumber(InteractionLimits.seconds.lowerBound)) to "
                        + "\(plainNumber(InteractionLimits.seconds.upperBound)), found \(timestamp)"
                )
            }
            return FreshInteraction(
                item: try item(entry.item, "\(place).item"), rating: entry.rating.map(Float.init),
                timestamp: entry.timestamp.map(Int64.init))
        }
        let exclude = try (body.exclude ?? []).enumerated().map { index, id in
            try item(id, "exclude[\(index)]")
        }
        let fields =
            try fieldFilters(body.filters, keeps: true, pipeline)
            + fieldFilters(body.without, keeps: false, pipeline)
        if let lambda = body.lambda, !(0...1).contains(lambda) {
            throw APIError(.badRequest, "'lambda' is a trade-off from 0 to 1, found \(lambda)")
        }
        let stored =
            served.events.map { pipeline.folding(events, policy: $0) } ?? (history: [], exclude: [])
        let explained = body.explain ?? false
        let start = DispatchTime.now().uptimeNanoseconds
        let (response, traced) = pipeline.recommendWithTrace(
            ShortlistPipeline.Request(
                userID: body.user, n: n, history: stored.history + history,
                exclude: stored.exclude + exclude, fields: fields, lambda: body.lambda),
            context: try await rankingContext(for: pipeline, served),
            detail: explained ? n : 0)
        var trace = traced
        Timer(label: "shortlist_recommend_seconds", dimensions: [("pipeline", pipeline.name)])
            .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
        for step in trace.generators {
            Timer(
                label: "shortlist_stage_seconds",
                dimensions: [("pipeline", pipeline.name), ("stage", step.name)]
            ).recordSeconds(step.seconds)
        }
        Timer(
            label: "shortlist_stage_seconds",
            dimensions: [("pipeline", pipeline.name), ("stage", "ranker")]
        ).recordSeconds(trace.rankerSeconds)
        if let rerank = trace.rerank {
            Timer(
                label: "shortlist_stage_seconds",
                dimensions: [("pipeline", pipeline.name), ("stage", "rerank")]
            ).recordSeconds(rerank.seconds)
        }
        if let decision = response.decision, let store = served.store {
            try await store.record(decision.served)
            trace.bandit?.logged = true
        }
        var output = RecommendationOutput(
            pipeline: pipeline, user: body.user, items: response.items, trace: trace,
            explain: explained, lean: true)
        // A sampled exposure that cannot be logged leaves the answer without its request id
        // (counted), not unanswered: the log is a sample, the answer is what was asked for.
        if response.decision == nil, let store = served.store,
            let exposure = exposure(of: response.items, pipeline, user: body.user, trace: trace)
        {
            do {
                try await store.record(exposure)
                output.requestID = exposure.id
            } catch {
                Counter(label: "shortlist_exposure_writes_failed_total").increment()
            }
        }
        return output
    }

    /// The response of a pipeline without a bandit as its exposure log keeps it, when the
    /// pipeline's `exposures` share samples it (by its new request id): each shown item with
    /// its position, the first stage that nominated it, and propensity 1 (the pipeline decides
    /// its list) — except an item an `explore` re-rank step drew into its place, logged under
    /// the stage it was drawn from with the probability of that draw. Nil when it is not
    /// sampled.
    static func exposure(
        of items: [Ranked], _ pipeline: FittedPipeline, user: String, trace: Trace
    ) -> ServedRequest? {
        guard pipeline.exposures > 0 else { return nil }
        let id = "x-" + UUID().uuidString.lowercased()
        var hash = FNV1a()
        hash.combine(id)
        guard Double(hash.value >> 11) / Double(1 << 53) < pipeline.exposures else { return nil }
        return ServedRequest(
            id: id, pipeline: pipeline.name, user: user,
            impressions: items.enumerated().map { position, ranked in
                let source = trace.pool.entry(for: ranked.item)?.nominations.first?.source
                let explored = ranked.moves.lazy.compactMap { move -> (String, Double)? in
                    guard case .explored(let stage, let propensity) = move.reason else {
                        return nil
                    }
                    return (stage, propensity)
                }.last
                return Impression(
                    item: pipeline.dataset.itemIDs[ranked.item], position: position + 1,
                    arm: explored?.0 ?? source.map { trace.pool.sources[$0] } ?? "",
                    propensity: explored?.1 ?? 1)
            })
    }

    /// What a request of `pipeline` decides from: a bandit's arms' states, read from the
    /// store; ``RankingContext/priors`` for any other ranker.
    static func rankingContext(for pipeline: FittedPipeline, _ served: ServedPipelines)
        async throws(StoreError) -> RankingContext
    {
        guard let bandit = pipeline.bandit, let store = served.store else { return .priors }
        return RankingContext(
            armStates: try await store.armStates(pipeline: pipeline.name, arms: bandit.arms))
    }
}
