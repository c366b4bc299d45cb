import Foundation
public import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime
public import Prometheus

/// The server's router: the operations of the document (``API``) behind the checks the
/// generated decoders do not make (``StrictRequests``), with every error answered in one shape
/// (``ErrorAnswers``) and what no operation takes answered as the document says
/// (``UnmatchedRequests``).
public enum Routes {
    /// The largest request body accepted, in bytes.
    public static let bodyLimit = 1 << 20

    /// A router serving the pipelines `holder` holds at the time of each request, with
    /// `GET /metrics` rendering `registry` (where the process bootstrapped swift-metrics).
    public static func router(
        _ holder: PipelineHolder, metrics registry: PrometheusCollectorRegistry
    ) throws -> Router<BasicRequestContext> {
        // HEAD of every GET endpoint: the GET's status and headers, without the body.
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestMetrics())
        router.add(middleware: UnmatchedRequests())
        router.add(middleware: ErrorAnswers())
        try API(holder: holder, registry: registry).registerHandlers(
            on: router, configuration: Configuration(jsonEncodingOptions: [.sortedKeys]),
            middlewares: [CountedRefusals(), StrictRequests(contract: .served)])
        return router
    }
}
