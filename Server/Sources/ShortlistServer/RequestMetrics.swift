import Dispatch
import HTTPTypes
import Hummingbird
import Metrics

/// Counts and times every request by route, method and status
/// (`http_server_requests_total`, `http_server_request_duration_seconds`), counts those
/// answered with an error status (`http_server_request_errors_total`, no series for a
/// success), and keeps how many are being answered (`http_server_active_requests`).
struct RequestMetrics<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = request.method.rawValue
        let active = Meter(label: "http_server_active_requests", dimensions: [("method", method)])
        active.increment()
        defer { active.decrement() }
        func record(_ status: HTTPResponse.Status) {
            let dimensions = [
                ("route", context.endpointPath ?? "unmatched"), ("method", method),
                ("status", String(status.code)),
            ]
            Counter(label: "http_server_requests_total", dimensions: dimensions).increment()
            Timer(label: "http_server_request_duration_seconds", dimensions: dimensions)
                .recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            if status.code >= 400 {
                Counter(label: "http_server_request_errors_total", dimensions: dimensions)
                    .increment()
            }
        }
        do {
            let response = try await next(request, context)
            record(response.status)
            return response
        } catch {
            record((error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
    }
}
