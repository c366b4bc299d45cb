import Foundation
import OpenAPIRuntime

extension API {
    /// `GET /healthz`.
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(.init(status: .ok, pipelines: holder.current.pipelines.count))))
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
