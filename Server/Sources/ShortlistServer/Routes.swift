import BuiltInPlugins
import Dispatch
import Foundation
public import Hummingbird
import Metrics
import NIOCore
import NIOPosix
public import Prometheus
import ShortlistAPI
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// The server's routes over prepared pipelines: every answer comes from the same request path
/// and the same JSON shapes as the CLI's.
public enum Routes {
    /// The largest request body accepted, in bytes.
    public static let bodyLimit = 1 << 20
    /// The most items one request may ask for.
    public static let maxResults = 1000

    /// A router serving the pipelines `holder` holds at the time of each request, with
    /// `GET /metrics` rendering `registry` (where the process bootstrapped swift-metrics).
    public static func router(
        _ holder: PipelineHolder, metrics registry: PrometheusCollectorRegistry
    )
        -> Router<BasicRequestContext>
    {
        let router = Router()
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: UnmatchedRequests())
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/") { _, _ in
            text(WebPage.html, type: "text/html; charset=utf-8")
        }
        router.get("openapi.json") { _, _ in
            text(OpenAPIDocument.json, type: "application/json; charset=utf-8")
        }
        router.get("healthz") { _, _ in
            try json(Health(status: "ok", pipelines: holder.current.pipelines.count))
        }
        router.get("v1/pipelines") { _, _ in
            try json(PipelineList(holder.current, lastReloadError: holder.lastReloadError))
        }
        router.post("v1/recommend") { request, context in
            var request = request
            let body = try await decode(RecommendBody.self, from: &request)
            let served = holder.current
            let key = try cacheKey(body, served)
            if let key, let cached = served.responses.answer(for: key) {
                Counter(
                    label: "shortlist_recommend_cache_hits_total",
                    dimensions: [("pipeline", body.pipeline ?? served.pipelines[0].name)]
                ).increment()
                context.logger.info(
                    "recommended",
                    metadata: [
                        "pipeline": "\(body.pipeline ?? served.pipelines[0].name)",
                        "user": "\(excerpt(body.user))", "cached": "true",
                    ])
                return json(cached)
            }
            let answer: RecommendationOutput
            do {
                answer = try await recommend(body, served)
            } catch {
                Counter(
                    label: "shortlist_recommend_errors_total",
                    dimensions: [("pipeline", body.pipeline ?? served.pipelines[0].name)]
                ).increment()
                throw error
            }
            context.logger.info(
                "recommended",
                metadata: [
                    "pipeline": "\(answer.pipeline)", "user": "\(excerpt(body.user))",
                    "items": "\(answer.recommendations.count)",
                    "bandit_request_id": "\(answer.requestID ?? "-")",
                ])
            let encoded = try encode(answer)
            if let key { served.responses.keep(encoded, for: key) }
            return json(encoded)
        }
        router.get("v1/explain") { request, _ in
            let served = holder.current
            let parameters = try query(request, ["user", "item", "pipeline", "n", "history"])
            guard let user = parameters["user"], !user.isEmpty else {
                throw APIError(.badRequest, "explain needs a user: ?user=ID&item=ID")
            }
            guard let item = parameters["item"], !item.isEmpty else {
                throw APIError(.badRequest, "explain needs an item: ?user=ID&item=ID")
            }
            let pipeline = try served.pipeline(parameters["pipeline"])
            let n = try count(parameters["n"], default: pipeline.resultCount)
            let history: [FreshInteraction]
            let explanation: ItemExplanation
            do throws(RequestError) {
                history = try pipeline.history(
                    parsing: parameters["history"] ?? "", option: "'history'")
            } catch {
                throw APIError(error)
            }
            let context = try await context(for: pipeline, served)
            do throws(DataError) {
                explanation = try pipeline.explain(
                    userID: user, itemID: item, n: n, history: history, context: context)
            } catch {
                throw APIError(error)
            }
            return try json(ItemExplanationOutput(explanation, pipeline: pipeline, user: user))
        }
        router.get("v1/items/:id/similar") { request, context in
            let served = holder.current
            let parameters = try query(request, ["n", "stage", "pipeline"])
            let id = try pathParameter("id", context)
            let pipeline = try served.pipeline(parameters["pipeline"])
            let n = try count(parameters["n"], default: 10)
            let lists: [SimilarList]
            do throws(RequestError) {
                lists = try SimilarList.lists(
                    pipeline, itemID: id, stage: parameters["stage"], n: n,
                    capableTypes: builtInPlugins.generatorTypes(with: .similarItems))
            } catch {
                throw APIError(error)
            }
            return try json(lists)
        }
        router.post("v1/feedback") { request, context in
            var request = request
            let body = try await decode(FeedbackBody.self, from: &request)
            let served = holder.current
            guard let store = served.store else {
                throw APIError(
                    .notFound, "no pipeline of \(served.path) has a bandit ranker to reward")
            }
            let outcome: FeedbackOutcome
            do {
                outcome = try await waitingOnStore {
                    try store.recordFeedback(
                        request: body.requestID, item: body.item, reward: body.reward)
                }
            } catch {
                throw APIError(storeFailure: error)
            }
            context.logger.info(
                "feedback",
                metadata: [
                    "bandit_request_id": "\(excerpt(body.requestID))",
                    "item": "\(excerpt(body.item))",
                    "reward": "\(body.reward)", "recorded": "\(outcome == .recorded)",
                ])
            var response = try json(FeedbackAnswer(recorded: outcome == .recorded))
            response.status = .accepted
            return response
        }
        router.get("v1/ab/report") { request, _ in
            let served = holder.current
            guard let store = served.store else {
                throw APIError(
                    .notFound, "no pipeline of \(served.path) has a bandit ranker to report on")
            }
            let name = try query(request, ["pipeline"])["pipeline"]
            let pipeline =
                try name.map { try served.pipeline($0) }
                ?? served.pipelines.first { $0.bandit != nil }
            guard let pipeline, let bandit = pipeline.bandit else {
                throw APIError(
                    .badRequest,
                    "pipeline '\(pipeline?.name ?? "")' has no bandit ranker (its ranker is "
                        + "\(pipeline?.rankerType ?? "")), so it has no arms")
            }
            let (reported, arms) = (pipeline.name, bandit.arms)
            let report: [ArmReport]
            do {
                report = try await waitingOnStore {
                    try ArmReport.report(reported, declared: arms, store: store)
                }
            } catch {
                throw APIError(storeFailure: error)
            }
            return try json(
                ArmReportAnswer(pipeline: reported, store: store.location, arms: report))
        }
        return router
    }

    /// The query string's parameters, refusing one not in `allowed` (with the nearest allowed
    /// name) or given twice.
    static func query(_ request: Request, _ allowed: [String]) throws(APIError) -> [String: String]
    {
        var found: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw APIError(
                    .badRequest,
                    suggesting(
                        "unknown parameter '\(excerpt(name))'", for: name, in: allowed,
                        otherwise: "; the parameters are \(allowed.joined(separator: ", "))"))
            }
            guard found.updateValue(String(value), forKey: name) == nil else {
                throw APIError(.badRequest, "the parameter '\(name)' is given twice")
            }
            try checkID(String(value), "the parameter '\(name)'")
        }
        return found
    }

    /// The path segment that the route's `:name` matched, percent-decoded (`%2F` is a `/` in
    /// an id, `%C3%A9` an `é`); a segment that is not valid percent-encoding of UTF-8 is a 400
    /// that names it.
    static func pathParameter(_ name: String, _ context: some RequestContext) throws -> String {
        let segment = try context.parameters.require(name)
        guard let decoded = segment.removingPercentEncoding else {
            throw APIError(
                .badRequest,
                "the path segment '\(excerpt(segment))' is not valid percent-encoding: each '%' "
                    + "must start a '%XX' of two hexadecimal digits, and the bytes must be UTF-8")
        }
        try checkID(decoded, "the path segment '\(excerpt(segment))'")
        return decoded
    }

    /// A query's `n`: `fallback` when absent, else an integer from 1 to ``maxResults``.
    static func count(_ text: String?, default fallback: Int) throws(APIError) -> Int {
        guard let text else { return fallback }
        guard let n = Int(text), (1...maxResults).contains(n) else {
            throw APIError(
                .badRequest,
                "'n' must be an integer from 1 to \(maxResults), found '\(excerpt(text))'")
        }
        return n
    }

    /// The key of a request whose answer only the request and the loaded pipelines decide (a
    /// pipeline without a bandit, which draws and logs, and no fresh history); nil otherwise.
    static func cacheKey(_ body: RecommendBody, _ served: ServedPipelines) throws(APIError)
        -> String?
    {
        let pipeline = try served.pipeline(body.pipeline)
        guard served.responses.capacity > 0, pipeline.bandit == nil,
            body.history?.isEmpty ?? true
        else { return nil }
        // Each part with its length, so that no two requests share a key.
        let parts =
            [
                pipeline.name, body.user, String(body.n ?? pipeline.resultCount),
                String(body.explain ?? false),
            ] + (body.exclude ?? [])
        return parts.map { "\($0.utf8.count):\($0)" }.joined()
    }

    /// One recommendation through the pipeline's request path.
    static func recommend(_ body: RecommendBody, _ served: ServedPipelines) async throws
        -> RecommendationOutput
    {
        let pipeline = try served.pipeline(body.pipeline)
        guard !body.user.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError(.badRequest, "'user' needs a user id, found an empty one")
        }
        func item(_ id: String, _ field: String) throws -> ItemIndex {
            guard let item = pipeline.dataset.item(id) else {
                throw APIError(
                    .badRequest,
                    "'\(field)' names item '\(excerpt(id))', which the dataset does not have")
            }
            return item
        }
        let history = try (body.history ?? []).map { entry in
            if let rating = entry.rating, !InteractionLimits.isRating(rating) {
                throw APIError(.badRequest, "'history' gives item '\(entry.item)' a bad rating")
            }
            return FreshInteraction(
                item: try item(entry.item, "history"), rating: entry.rating.map(Float.init),
                timestamp: entry.timestamp)
        }
        let exclude = try (body.exclude ?? []).map { try item($0, "exclude") }
        let explained = body.explain ?? false
        let start = DispatchTime.now().uptimeNanoseconds
        let (response, traced) = pipeline.recommendWithTrace(
            ShortlistPipeline.Request(
                userID: body.user, n: body.n, history: history, exclude: exclude),
            context: try await context(for: pipeline, served),
            detail: explained ? body.n ?? pipeline.resultCount : 0)
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
        if let decision = response.decision, let store = served.store {
            do {
                try await waitingOnStore { try store.record(decision.served) }
            } catch {
                throw APIError(storeFailure: error)
            }
            trace.bandit?.logged = true
        }
        return RecommendationOutput(
            pipeline: pipeline, user: body.user, items: response.items, trace: trace,
            explain: explained)
    }

    /// What a request of `pipeline` decides from: a bandit's arms' states, read from the
    /// store off the threads other requests need (a store that fails or is out of reach is a
    /// 503); ``RankingContext/priors`` for any other ranker.
    static func context(for pipeline: FittedPipeline, _ served: ServedPipelines) async throws
        -> RankingContext
    {
        guard pipeline.bandit != nil, let store = served.store else { return .priors }
        do {
            return try await waitingOnStore { try pipeline.rankingContext(from: store) }
        } catch {
            throw APIError(storeFailure: error)
        }
    }

    /// Runs `body`, which waits on the feedback store, on a thread for blocking work: a slow
    /// or unreachable store then holds none of the threads that every other request runs on,
    /// and the server still answers them and its signals.
    static func waitingOnStore<Value: Sendable>(
        _ body: @escaping @Sendable () throws -> Value
    ) async throws -> Value {
        try await NIOThreadPool.singleton.runIfActive(body)
    }

    /// Decodes a JSON body of at most ``bodyLimit`` bytes; what is wrong with it is a 400 (or
    /// a 413 for its size) that says where.
    static func decode<Body: Decodable>(_: Body.Type, from request: inout Request) async throws
        -> Body
    {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: bodyLimit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "the request body is over \(bodyLimit) bytes")
        }
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError(.badRequest, describe(error))
        }
        if let (key, place) = RepeatedKeys.first(in: Array(buffer.readableBytesView)) {
            throw APIError(.badRequest, "the key '\(excerpt(key))' is given twice in \(place)")
        }
        return body
    }

    /// A decoding error in our words: what was expected where.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(words(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(words(type)), found null"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(path(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "the body is not valid JSON"
                : "\(path(context.codingPath)) is not valid: \(context.debugDescription)"
        @unknown default:
            return "the body could not be read"
        }
    }

    private static func words(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// A response of fixed text.
    static func text(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON response with sorted keys.
    static func json(_ value: some Encodable) throws -> Response {
        json(try encode(value))
    }

    /// A response of encoded JSON.
    static func json(_ encoded: ByteBuffer) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: encoded))
    }

    /// JSON with sorted keys.
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return ByteBuffer(bytes: try encoder.encode(value))
    }
}
