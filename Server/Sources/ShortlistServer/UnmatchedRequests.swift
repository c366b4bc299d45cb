import HTTPTypes
import Hummingbird
import ShortlistCore

/// Answers a request no route takes with the same JSON errors as the routes: a path the
/// document does not have is a 404 that points at it, a method an endpoint does not take a 405
/// with the methods it takes.
struct UnmatchedRequests<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let endpoint = Contract.served.endpoint(at: request.uri.path) else {
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
