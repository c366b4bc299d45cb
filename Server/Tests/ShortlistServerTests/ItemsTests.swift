import Foundation
import HummingbirdTesting
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// `POST /v1/items`: the catalogue changes without a refit or a restart.
@Suite struct ItemsTests {
    /// Planted data with an event log and content, factor and popularity stages.
    func servedWithCatalogue() throws -> (PipelineHolder, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "pipelines.yaml",
            dataset + """

                events:
                  kinds: {click: {weight: 1}}
                  item-fold-in: 3
                pipelines:
                  default:
                    n: 5
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 10, factors: 8, cg-steps: 20}
                      - {name: content, type: tfidf, limit: 30, fields: [genres]}
                      - {name: popular, type: weighted-rating, limit: 10}
                    filters: {exclude-seen: true}
                    ranker: {type: weighted-average}
                """)
        return (
            try PipelineHolder(
                path: "\(folder.path)/pipelines.yaml", cacheBytes: 1 << 20, logger: silentLogger),
            folder
        )
    }

    /// A stage's rank of `item` for `user` in `GET /v1/explain`, or nil when it has none.
    func rank(
        _ client: any TestClientProtocol, stage: String, user: String, item: String
    ) async throws -> Int? {
        let explained = try await client.execute(
            uri: "/v1/explain?user=\(user)&item=\(item)", method: .get)
        #expect(explained.status == .ok)
        let stages = try object(explained)["stages"] as? [[String: Any]] ?? []
        return stages.first { $0["stage"] as? String == stage }?["rank"] as? Int
    }

    @Test func aNewItemIsServedByContentAtOnceAndByALSOnceItsEventsFoldItIn() async throws {
        let (holder, folder) = try servedWithCatalogue()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(holder) { client in
            let click = #"{"events": [{"user": "u6", "item": "new", "kind": "click"}]}"#
            let early = try await post(client, "/v1/events", click)
            #expect(early.status == .notFound, "not in the catalogue yet")
            let added = try await post(
                client, "/v1/items",
                #"{"items": [{"id": "new", "title": "New", "year": 1992, "genres": ["g2"]}]}"#)
            #expect(added.status == .ok)
            #expect(try object(added)["recorded"] as? Int == 1)
            #expect(try await rank(client, stage: "content", user: "u2", item: "new") != nil)
            #expect(try await rank(client, stage: "als", user: "u22", item: "new") == nil)
            for user in ["u6", "u10", "u14"] {
                let sent = try await post(
                    client, "/v1/events",
                    #"{"events": [{"user": "\#(user)", "item": "new", "kind": "click"}]}"#)
                #expect(sent.status == .accepted)
            }
            // The next look at the store (the refresh service's, every five seconds).
            #expect(try await holder.syncCatalogue())
            #expect(try await rank(client, stage: "als", user: "u22", item: "new") != nil)
            #expect(try await !holder.syncCatalogue(), "nothing new since")
        }
    }

    @Test func aRetiredItemLeavesEveryListAtOnce() async throws {
        let (holder, folder) = try servedWithCatalogue()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(holder) { client in
            let body = #"{"user": "u5"}"#
            let before = try object(try await post(client, "/v1/recommend", body))
            let top = try #require(
                (before["recommendations"] as? [[String: Any]])?.first?["item"] as? String)
            let retired = try await post(
                client, "/v1/items", #"{"items": [{"id": "\#(top)", "retired": true}]}"#)
            #expect(retired.status == .ok)
            // The answer kept for the same request before is not served again.
            let after = try object(try await post(client, "/v1/recommend", body))
            let items = (after["recommendations"] as? [[String: Any]] ?? []).compactMap {
                $0["item"] as? String
            }
            #expect(items.count == 5)
            #expect(!items.contains(top))
            let explained = try await client.execute(
                uri: "/v1/explain?user=u5&item=\(top)", method: .get)
            #expect(try object(explained)["filteredBy"] as? [String] == ["retired"])
        }
    }

    @Test func aRefusedEntryRefusesItsBatchWithItsReason() async throws {
        let (holder, folder) = try servedWithCatalogue()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(holder) { client in
            let cases: [(String, String)] = [
                (#"{"items": [{"id": "a"}, {"id": "b", "year": 12000}]}"#, "year"),
                (#"{"items": [{"id": "a", "genres": [""]}]}"#, "genres"),
                (#"{"items": []}"#, "items"),
                (#"{"items": [{"id": "a", "colour": "red"}]}"#, "colour"),
            ]
            for (body, word) in cases {
                let response = try await post(client, "/v1/items", body)
                #expect(response.status == .badRequest, "\(body)")
                let message = (try object(response)["error"] as? [String: Any])?["message"]
                #expect((message as? String)?.contains(word) == true, "\(message ?? "")")
            }
            let served = try holder.served()
            #expect(served.pipelines[0].dataset.item("a") == nil, "nothing of a refused batch")
            #expect(try await #require(served.store).catalogue().entries.isEmpty)
        }
    }
}
