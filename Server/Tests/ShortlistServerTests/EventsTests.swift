import Foundation
import HummingbirdTesting
import NIOConcurrencyHelpers
import ShortlistStore
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// Planted data with an event log and a hand-weighted pipeline, prepared for serving with a
/// response cache, and its folder.
func servedWithEvents(store: String? = nil) throws -> (PipelineHolder, TemporaryDirectory) {
    let folder = try TemporaryDirectory()
    let dataset = try folder.writeDelimited(PlantedClusters().dataset)
    try folder.write("pipelines.yaml", try eventPipelines(dataset: dataset, store: store))
    return (
        try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", cacheBytes: 1 << 20, logger: silentLogger),
        folder
    )
}

/// A pipelines file over `dataset` with an event log, in the feedback store `store` when given,
/// refreshed as `refresh` says when given.
func eventPipelines(dataset: String, store: String? = nil, refresh: String? = nil) throws
    -> String
{
    (store.map { "feedback-store: \($0)\n" } ?? "") + dataset + """

        events:
          kinds:
            click: {weight: 1}
            dislike: {weight: -1}
        \(refresh.map { "  refresh: \($0)" } ?? "")
        pipelines:
          default:
            n: 5
            candidates:
              - {name: als, type: matrix-factorization, limit: 20, factors: 8, cg-steps: 20}
              - {name: popular, type: weighted-rating, limit: 20}
            ranker: {type: weighted-average, weights: {popular: 0.1}}
        """
}

/// A batch of clicks on the items of planted cluster 2 by `user`, each with an id.
func clusterTwoClicks(_ user: String) -> String {
    let events = [2, 6, 10, 14, 18, 22].map {
        #"{"id": "\#(user)-\#($0)", "user": "\#(user)", "item": "i\#($0)", "kind": "click"}"#
    }
    return #"{"events": [\#(events.joined(separator: ", "))]}"#
}

/// How many of an answer's items are in planted cluster 2 (items i2, i6, i10, …).
func inClusterTwo(_ answer: [String: Any]) -> Int {
    let items = (answer["recommendations"] as? [[String: Any]]) ?? []
    return items.compactMap { ($0["item"] as? String).flatMap { Int($0.dropFirst()) } }
        .filter { $0 % 4 == 2 }.count
}

@Suite struct EventsTests {
    @Test func eventsChangeTheNextRecommendationAndCountOnceUnderTheirIds() async throws {
        let (served, folder) = try servedWithEvents()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(served) { client in
            let newbie = #"{"user": "newbie"}"#
            let before = try object(try await post(client, "/v1/recommend", newbie))
            #expect(inClusterTwo(before) <= 3)
            let recorded = try await post(client, "/v1/events", clusterTwoClicks("newbie"))
            #expect(recorded.status == .accepted)
            #expect(try object(recorded)["recorded"] as? Int == 6)
            // The answer kept for the same request before the events is not served again.
            let after = try object(try await post(client, "/v1/recommend", newbie))
            #expect(inClusterTwo(after) >= 4, "\(after)")
            let again = try await post(client, "/v1/events", clusterTwoClicks("newbie"))
            #expect(again.status == .accepted)
            #expect(try object(again)["recorded"] as? Int == 0)
            #expect(try object(again)["repeated"] as? Int == 6)
            // A dislike takes the first item out of the list.
            let top = try #require(
                (after["recommendations"] as? [[String: Any]])?.first?["item"] as? String)
            let dislike = try await post(
                client, "/v1/events",
                #"{"events": [{"user": "newbie", "item": "\#(top)", "kind": "dislike"}]}"#)
            #expect(dislike.status == .accepted)
            let items = try #require(
                try object(try await post(client, "/v1/recommend", newbie))["recommendations"]
                    as? [[String: Any]])
            #expect(!items.contains { $0["item"] as? String == top })
            #expect(items.count == 5)
            let explained = try await client.execute(
                uri: "/v1/explain?user=newbie&item=\(top)", method: .get)
            #expect(explained.status == .ok)
            #expect(try object(explained)["filteredBy"] as? [String] == ["request exclude"])
        }
    }

    @Test func aRefusedEventRefusesItsBatchWithItsReason() async throws {
        let (holder, folder) = try servedWithEvents()
        defer { withExtendedLifetime(folder) {} }
        try await withServer(holder) { client in
            let cases: [(String, Int, String)] = [
                (
                    #"{"events": [{"user": "u1", "item": "i1", "kind": "click"}, {"user": "u1", "item": "i1", "kind": "clik"}]}"#,
                    404,
                    "events[1].kind 'clik' is not a declared kind of event. Did you mean 'click'?"
                ),
                (
                    #"{"events": [{"user": "u1", "item": "nope", "kind": "click"}]}"#, 404,
                    "events[0].item 'nope' is not in the catalogue"
                ),
                (
                    #"{"events": [{"user": "u1", "item": "i1", "kind": "click", "value": 3}]}"#,
                    409, "events[0] is a 'click', which has a declared weight and takes no value"
                ),
                (
                    #"{"events": [{"user": "u1", "item": "i1", "kind": "click", "time": 1e12}]}"#,
                    400, "events[0].time must be seconds since 1970"
                ),
                (#"{"events": []}"#, 400, "'events' is empty"),
                (
                    #"{"events": [{"id": "x", "user": "u1", "item": "i1", "kind": "click"}, {"id": "x", "user": "u1", "item": "i2", "kind": "click"}]}"#,
                    409, "the event id 'x' was recorded before for another event"
                ),
            ]
            for (body, status, message) in cases {
                let response = try await post(client, "/v1/events", body)
                #expect(Int(response.status.code) == status, "\(body)")
                let error = try object(response)["error"] as? [String: Any]
                #expect(
                    (error?["message"] as? String)?.contains(message) == true, "\(error ?? [:])")
            }
            // Nothing of a refused batch was stored: the first event of the last one included.
            let stored = try await post(
                client, "/v1/events",
                #"{"events": [{"id": "x", "user": "u1", "item": "i2", "kind": "click"}]}"#)
            #expect(try object(stored)["recorded"] as? Int == 1)
        }
        let (plain, _) = try served()
        try await withServer(plain) { client in
            let response = try await post(client, "/v1/events", clusterTwoClicks("u1"))
            #expect(response.status == .notFound)
        }
    }
}

extension EventsTests {
    /// With `refresh: {after-events: 6}`, six events make the server fold the log into the
    /// data and swap the pipelines prepared on it by itself, while requests keep being answered.
    @Test func enoughNewEventsRefreshTheServedPipelinesWithoutAFailedRequest() async throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "pipelines.yaml",
            try eventPipelines(dataset: dataset, refresh: "{after-events: 6}"))
        let holder = try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", logger: silentLogger)
        let refresher = Task {
            try await RefreshService(
                holder: holder, interval: .milliseconds(100), logger: silentLogger
            ).run()
        }
        defer { refresher.cancel() }
        try await withServer(holder) { client in
            func refreshedThrough() async throws -> Int? {
                let list = try await client.execute(uri: "/v1/pipelines", method: .get)
                return try object(list)["refreshedThrough"] as? Int
            }
            #expect(try await refreshedThrough() == 0)
            // Requests all along, fifty a second, the swap among them.
            let asking = Task {
                var statuses: [Int] = []
                while !Task.isCancelled {
                    let answer = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
                    statuses.append(Int(answer.status.code))
                    try? await Task.sleep(for: .milliseconds(20))
                }
                return statuses
            }
            let sent = try await post(client, "/v1/events", clusterTwoClicks("newbie"))
            #expect(sent.status == .accepted)
            var through = 0
            for _ in 0..<1200 where through != 6 {
                try await Task.sleep(for: .milliseconds(100))
                through = try await refreshedThrough() ?? 0
            }
            #expect(through == 6, "refreshed by itself")
            try await Task.sleep(for: .milliseconds(200))
            asking.cancel()
            let statuses = try await asking.value
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            // newbie is a user of the served data now, and still gets their cluster.
            #expect(try holder.served().pipelines[0].dataset.user("newbie") != nil)
            let after = try object(
                try await post(client, "/v1/recommend", #"{"user": "newbie"}"#))
            #expect(inClusterTwo(after) >= 4, "\(after)")
        }
        withExtendedLifetime(folder) {}
    }
}

/// A pipeline's `exposures` share: the responses it samples are logged with their shown items,
/// answered with a request id that feedback and events take, and read back by `ab preview`'s
/// query.
@Suite struct ExposureLogTests {
    @Test func theSampledShareOfResponsesIsLoggedAndTakesFeedback() async throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        let pipeline = { (name: String, share: String) in
            """
              \(name):
                n: 3
                exposures: \(share)
                candidates: [{name: popular, type: weighted-rating, limit: 10}]
                ranker: {type: weighted-average}

            """
        }
        try folder.write(
            "pipelines.yaml",
            dataset + "\nevents: {kinds: {click: {weight: 1}, view: {weight: 0.3}}}\n"
                + "pipelines:\n" + pipeline("all", "1") + pipeline("half", "0.5")
                + pipeline("none", "0"))
        let holder = try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", cacheBytes: 1 << 20, logger: silentLogger)
        let logged = NIOLockedValueBox(0)
        try await withServer(holder) { client in
            let answer = try object(
                try await post(client, "/v1/recommend", #"{"user": "u1", "pipeline": "all"}"#))
            let items = try #require(answer["recommendations"] as? [[String: Any]])
            let feedback: [String: Any] = [
                "requestId": try #require(answer["requestId"]),
                "item": try #require(items.first?["item"]), "reward": 1,
            ]
            let body = String(
                decoding: try JSONSerialization.data(withJSONObject: feedback), as: UTF8.self)
            #expect(try await post(client, "/v1/feedback", body).status == .accepted)
            // Events that name the response's request id join the exposure log.
            let shown = items.compactMap { $0["item"] as? String }
            let request = try #require(answer["requestId"] as? String)
            let events = [("click", 0), ("view", 1), ("view", 2), ("click", 2)].map {
                #"{"user": "u1", "item": "\#(shown[$1])", "kind": "\#($0)", "request": "\#(request)"}"#
            }
            let recorded = try await post(
                client, "/v1/events", #"{"events": [\#(events.joined(separator: ", "))]}"#)
            #expect(recorded.status == .accepted, "\(String(buffer: recorded.body))")
            for user in 0..<200 {
                let half = try object(
                    try await post(
                        client, "/v1/recommend", #"{"user": "u\#(user % 40)", "pipeline": "half"}"#)
                )
                if half["requestId"] != nil { logged.withLockedValue { $0 += 1 } }
            }
            let none = try object(
                try await post(client, "/v1/recommend", #"{"user": "u1", "pipeline": "none"}"#))
            #expect(none["requestId"] == nil)
        }
        let sampled = logged.withLockedValue { $0 }
        #expect((70...130).contains(sampled), "\(sampled) of 200 logged")
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        let rewards: @Sendable (String) -> Double? = { ["click": 1, "view": 0.3][$0] }
        let all = try store.exposures(pipeline: "all", eventReward: rewards)
        #expect(all.count == 1)
        #expect(all.first?.shown.map(\.propensity) == [1, 1, 1])
        // Feedback first, else the best of the item's events, else nothing.
        #expect(all.first?.shown.map(\.reward) == [1, 0.3, 1])
        #expect(try store.exposures(pipeline: "half", eventReward: rewards).count == sampled)
        #expect(try store.exposures(pipeline: "none", eventReward: rewards).isEmpty)
    }
}
