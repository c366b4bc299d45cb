import Foundation
import OpenAPIRuntime

extension API {
    /// `GET /healthz`: the process answers (liveness), at once, prepared or not.
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    /// `GET /readyz`: whether every pipeline served is prepared (readiness).
    func readiness(_ input: Operations.Readiness.Input) async throws
        -> Operations.Readiness.Output
    {
        let (ready, of) = holder.readiness
        guard (try? holder.served()) != nil else {
            return .serviceUnavailable(
                .init(
                    headers: .init(retryAfter: 5),
                    body: .json(.init(status: .preparing, ready: ready, pipelines: of))))
        }
        return .ok(.init(body: .json(.init(status: .ready, ready: ready, pipelines: of))))
    }

    /// `GET /metrics`: Prometheus text.
    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        .ok(.init(body: .plainText(HTTPBody(registry.emitToBuffer()))))
    }

    /// `GET /openapi.json`: the document.
    func openAPIDocument(_ input: Operations.OpenAPIDocument.Input) async throws
        -> Operations.OpenAPIDocument.Output
    {
        .ok(
            .init(
                body: .json(
                    try JSONDecoder().decode(
                        OpenAPIValueContainer.self, from: Data(OpenAPIDocument.json.utf8)))))
    }

    /// `GET /`: the page to try the pipelines.
    func page(_ input: Operations.Page.Input) async throws -> Operations.Page.Output {
        .ok(.init(body: .html(HTTPBody(WebPage.html))))
    }
}
