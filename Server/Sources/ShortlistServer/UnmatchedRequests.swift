import HTTPTypes
import Hummingbird
import ShortlistCore

/// Answers a request no route takes with the same JSON errors as the routes: a path the server
/// does not serve is a 404 that points at the document of the endpoints, a method an endpoint
/// does not take a 405 with the methods it takes.
struct UnmatchedRequests<Context: RequestContext>: RouterMiddleware {
    /// Each endpoint's path (`*` for a path parameter) and methods.
    static var endpoints: [(path: [Substring], methods: [HTTPRequest.Method])] {
        [
            ("/", [.get]), ("/openapi.json", [.get]), ("/healthz", [.get]), ("/metrics", [.get]),
            ("/v1/pipelines", [.get]), ("/v1/recommend", [.post]), ("/v1/explain", [.get]),
            ("/v1/items/*/similar", [.get]), ("/v1/feedback", [.post]), ("/v1/ab/report", [.get]),
        ].map { (Self.components($0.0), $0.1) }
    }

    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }

    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let asked = Self.components(request.uri.path)
            let endpoint = Self.endpoints.first { endpoint in
                endpoint.path.count == asked.count
                    && zip(endpoint.path, asked).allSatisfy { $0 == "*" ? !$1.isEmpty : $0 == $1 }
            }
            guard let endpoint else {
                throw APIError(
                    .notFound,
                    "no endpoint at \(excerpt(request.uri.path)); GET /openapi.json lists them")
            }
            guard endpoint.methods.contains(request.method) else {
                let allowed = endpoint.methods.map(\.rawValue).joined(separator: ", ")
                throw APIError(
                    .methodNotAllowed,
                    "\(request.uri.path) takes \(allowed), not \(request.method.rawValue)",
                    headers: [.allow: allowed])
            }
            throw error
        }
    }
}
