import Foundation
import Prometheus
import ShortlistCore

/// The operations of `Server/openapi.yaml` over the pipelines `holder` holds at the time of
/// each request. Each resource's handlers are in a file of their own (`API+Recommendations`,
/// …); none maps an error to a status: they throw the domain's errors, and
/// ``APIError/init(answering:)`` answers them all.
struct API: APIProtocol {
    let holder: PipelineHolder
    /// Where the process bootstrapped swift-metrics, rendered at `GET /metrics`.
    let registry: PrometheusCollectorRegistry

    /// The most items one request may ask for.
    static let maxResults = 1000

    /// A query's or body's `n`: `fallback` when absent, else an integer from 1 to
    /// ``maxResults``.
    static func count(_ n: Int?, default fallback: Int) throws(APIError) -> Int {
        guard let n else { return fallback }
        guard (1...maxResults).contains(n) else {
            throw APIError(
                .badRequest, "'n' must be an integer from 1 to \(maxResults), found \(n)")
        }
        return n
    }

    /// Refuses an empty `text`, named `name` in the message (the document's `minLength: 1`).
    static func nonEmpty(_ text: String, _ name: String) throws(APIError) {
        if text.isEmpty {
            throw APIError(.badRequest, "\(name) needs an id, found an empty one")
        }
    }
}

extension Decodable {
    /// `value` as this type, which has the same JSON: the shapes the CLI writes pass through
    /// the types generated from the document, whose decoders check them against it. Also
    /// returns the size of the JSON.
    static func converting(_ value: some Encodable) throws -> (value: Self, size: Int) {
        let encoded = try JSONEncoder().encode(value)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try decoder.decode(Self.self, from: encoded), encoded.count)
    }
}
