import Foundation
import Hummingbird
import HummingbirdTesting
import ShortlistStore
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// Planted data (four clusters, genre g0 … g3) with mmr after the ranker, served with a
/// response cache so that requests differing only in their filters or λ must not share one.
private func servedWithSteps() throws -> (PipelineHolder, TemporaryDirectory) {
    try served(
        cacheBytes: 1 << 20,
        pipelines: """
            pipelines:
              default:
                n: 4
                candidates:
                  - {name: als, type: matrix-factorization, limit: 40, factors: 8}
                  - {name: popular, type: weighted-rating, limit: 40}
                ranker: {type: weighted-average, weights: {popular: 0.1}}
                rerank: {window: 20, steps: [{type: mmr, lambda: 1}]}
            """)
}

@Suite struct RerankServerTests {
    /// The genre of each listed item (the planted items' ids are `i<n>`, of genre g<n % 4>).
    func genres(_ response: TestResponse) throws -> [String] {
        let items = try #require(try object(response)["recommendations"] as? [[String: Any]])
        return try items.map {
            let id = try #require($0["item"] as? String)
            return "g\(try #require(Int(id.dropFirst())) % 4)"
        }
    }

    @Test func recommendTakesFieldFiltersAndLambdaAndShowsEachStepsMove() async throws {
        let (served, folder) = try servedWithSteps()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(served) { client in
            let plain = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
            #expect(plain.status == .ok)
            let only = try await post(
                client, "/v1/recommend", #"{"user": "u5", "filters": {"genre": ["g2", "g3"]}}"#)
            let kept = try genres(only)
            #expect(kept.allSatisfy { ["g2", "g3"].contains($0) } && kept.count == 4)
            let without = try await post(
                client, "/v1/recommend", #"{"user": "u5", "without": {"genre": ["g1"]}}"#)
            let left = try genres(without)
            #expect(!left.contains("g1"))
            // λ 1 keeps the ranker's order; 0 shows a genre at most once while others remain.
            let varied = try await post(
                client, "/v1/recommend", #"{"user": "u5", "lambda": 0, "explain": true}"#)
            let shown = try genres(varied)
            #expect(Set(shown).count == 4, "\(shown)")
            #expect(try genres(plain) != shown)
            // Differing from the plain request only in λ, it is not answered from the cache.
            let cached = try await post(client, "/v1/recommend", #"{"user": "u5", "lambda": 0}"#)
            #expect(try genres(cached) == shown)
            let items = try #require(try object(varied)["recommendations"] as? [[String: Any]])
            for item in items {
                let moves = try #require(item["moves"] as? [[String: Any]])
                #expect(moves.first?["step"] as? String == "mmr")
                #expect((moves.first?["text"] as? String)?.contains("relevance") == true)
            }
            let cases: [(String, HTTPResponse.Status, String)] = [
                (
                    #"{"user": "u5", "filters": {"genre": ["g9"]}}"#, .notFound,
                    "'filters.genre': no item has the genre 'g9'. Did you mean 'g0'?"
                ),
                (
                    #"{"user": "u5", "without": {"colour": ["red"]}}"#, .badRequest,
                    "unknown key 'colour' in 'without'"
                ),
            ]
            for (body, status, message) in cases {
                let response = try await post(client, "/v1/recommend", body)
                #expect(response.status == status, "\(body)")
                let error = try #require(try object(response)["error"] as? [String: Any])
                #expect((error["message"] as? String)?.hasPrefix(message) == true, "\(error)")
            }
            let tooFar = try await post(client, "/v1/recommend", #"{"user": "u5", "lambda": 2}"#)
            #expect(tooFar.status == .badRequest)
            // The explain endpoint takes the same filters and λ.
            let first =
                try #require(
                    try object(plain)["recommendations"] as? [[String: Any]]
                ).first?["item"] as? String
            let filtered = try object(
                try await client.execute(
                    uri: "/v1/explain?user=u5&item=\(try #require(first))&only=genre=g0",
                    method: .get))
            #expect(filtered["verdict"] as? String == "filtered")
            #expect(filtered["filteredBy"] as? [String] == ["only genre=g0"])
            let unknown = try await client.execute(
                uri: "/v1/explain?user=u5&item=i1&without=genre=g9", method: .get)
            #expect(unknown.status == .notFound)
            let malformed = try await client.execute(
                uri: "/v1/explain?user=u5&item=i1&only=colour", method: .get)
            #expect(malformed.status == .badRequest)
        }
    }

    @Test func theExposureLogKeepsEachExplorationPlacesPropensity() async throws {
        let (served, folder) = try served(
            pipelines: """
                pipelines:
                  default:
                    n: 4
                    exposures: 1
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 40, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 40}
                    ranker: {type: weighted-average, weights: {popular: 0.1}}
                    rerank: {window: 20, steps: [{type: explore, stage: popular, places: [2]}]}
                """)
        let body = try await withServer(served) { client in
            Data(
                try await post(client, "/v1/recommend", #"{"user": "u5", "explain": true}"#).body
                    .readableBytesView)
        }
        let shown = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let items = try #require(shown["recommendations"] as? [[String: Any]])
        let moves = try #require(items[1]["moves"] as? [[String: Any]])
        let propensity = try #require(moves.first?["propensity"] as? Double)
        #expect(moves.first?["step"] as? String == "explore" && moves.first?["to"] as? Int == 2)
        #expect(propensity > 0 && propensity <= 1)
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        let logged = try #require(
            try store.exposures(pipeline: "default", eventReward: { _ in nil }).first)
        #expect(logged.shown.map(\.propensity) == [1, propensity, 1, 1])
        #expect(logged.shown[1].item == items[1]["item"] as? String)
    }
}
