import Foundation
import ShortlistCore
import ShortlistData
import ShortlistPostgres
import ShortlistStore
import ShortlistTestSupport
import Testing

/// The PostgreSQL database `.ci/run` starts on loopback, if any.
let postgresURL = ProcessInfo.processInfo.environment["SHORTLIST_TEST_POSTGRES"]

/// The test database with a schema of its own, so tests running at once do not meet.
func postgresStore(_ name: String = "s\(UInt32.random(in: 0...UInt32.max))") throws
    -> (PostgresFeedbackStore, url: String)
{
    let url = "\(try #require(postgresURL))?schema=\(name)"
    return (try PostgresFeedbackStore(url: url), url)
}

/// Everything a store answers to one script of calls, errors as their messages (with the
/// store's name as STORE).
func transcript(_ store: any AsyncFeedbackStorage) async -> [String] {
    func step(_ body: () async throws -> Any) async -> String {
        do {
            return "\(try await body())"
        } catch {
            return "error: \(error)".replacingOccurrences(of: store.location, with: "STORE")
        }
    }
    let first = ServedRequest(
        id: "r1", pipeline: "p", user: "u1",
        impressions: [
            Impression(item: "i1", position: 1, arm: "a", propensity: 0.5),
            Impression(item: "i2", position: 2, arm: "b", propensity: 0.25),
            Impression(item: "i3", position: 3, arm: "a", propensity: 0.5),
        ], armStates: [ArmState(pulls: 4, rewards: 1.25), ArmState()])
    let second = ServedRequest(
        id: "r2", pipeline: "q", user: "u2",
        impressions: [Impression(item: "i9", position: 1, arm: "b", propensity: 1)])
    return [
        await step { try await store.record(first) },
        await step { try await store.record(second) },
        await step { try await store.record(first) },
        await step { try await store.armStates(pipeline: "p", arms: ["a", "b", "c"]) },
        await step { try await store.recordFeedback(request: "r1", item: "i2", reward: 1) },
        await step { try await store.recordFeedback(request: "r1", item: "i2", reward: 1) },
        await step { try await store.recordFeedback(request: "r1", item: "i2", reward: 0) },
        await step { try await store.recordFeedback(request: "r1", item: "i3", reward: 0.5) },
        await step { try await store.recordFeedback(request: "r9", item: "i1", reward: 1) },
        await step { try await store.recordFeedback(request: "r1", item: "i7", reward: 1) },
        await step { try await store.recordFeedback(request: "r1", item: "i1", reward: 2) },
        await step { try await store.armStates(pipeline: "p", arms: ["a", "b"]) },
        await step { try await store.arms(pipeline: "p") },
        await step { try await store.pipelines() },
        await step { try await store.shown(request: "r1") as Any },
        await step { try await store.shown(request: "r9") as Any },
        await step { try await store.impressions(pipeline: "p") },
        await step { try await store.reset(pipeline: "q") },
        await step { try await store.pipelines() },
        await step { try await store.shown(request: "r2") as Any },
    ] + (await events(store, step))
}

/// The event log's part of ``transcript(_:)``.
private func events(
    _ store: any AsyncFeedbackStorage, _ step: (() async throws -> Any) async -> String
) async -> [String] {
    func click(_ item: String, at time: Double?, id: String? = nil, user: String = "u1")
        -> Event
    {
        Event(id: id, user: user, item: item, kind: "click", time: time)
    }
    let rating = Event(id: "e3", user: "u1", item: "i3", kind: "rating", value: 4, time: 30)
    func answering(_ request: String) -> Event {
        Event(id: "e8", user: "u3", item: "i8", kind: "click", time: 80, request: request)
    }
    return [
        await step { try await store.newestEventPosition() },
        await step {
            try await store.recordEvents([click("i1", at: 10, id: "e1"), click("i2", at: 20)])
        },
        await step {
            try await store.recordEvents([
                click("i1", at: nil, id: "e1"), rating, rating, click("i4", at: 5, user: "u2"),
            ])
        },
        await step {
            try await store.recordEvents([
                click("i5", at: 50, id: "e5"), click("i9", at: 9, id: "e1"),
            ])
        },
        await step {
            try await store.recordEvents([
                click("i6", at: 60, id: "e6"), click("i7", at: 60, id: "e6"),
            ])
        },
        await step { try await store.events(user: "u1", limit: 2) },
        await step { try await store.events(user: "u1", limit: 10).events.map(\.item) },
        await step { try await store.events(user: "nobody", limit: 10) },
        await step { try await store.events(after: 1, through: 4).map(\.item) },
        await step { try await store.newestEventPosition() },
        // An event that answers a logged response keeps its request; under its id with
        // another request it is another event. (Positions are left out: a batch PostgreSQL
        // refuses takes sequence values, so its log positions have gaps where SQLite's have
        // none.)
        await step { try await store.recordEvents([answering("r1")]) },
        await step { try await store.recordEvents([answering("r2")]) },
        await step { try await store.events(user: "u3", limit: 5).events },
        // The catalogue: entries merge field by field, in the order items were first added;
        // events are found by item.
        await step { try await store.catalogueVersion() },
        await step {
            try await store.recordItems([
                CatalogueEntry(id: "n2", title: "Two", year: 2001, genres: ["a", "b"]),
                CatalogueEntry(id: "n1", genres: []),
            ])
        },
        await step {
            try await store.recordItems([
                CatalogueEntry(id: "n1", title: "One", retired: true),
                CatalogueEntry(id: "n2", genres: ["c"]),
            ])
        },
        await step { try await store.catalogue() },
        await step { try await store.events(items: ["i1", "i4", "nothing"]).map(\.user) },
        await step { try await store.events(items: []) },
    ]
}

@Suite(.enabled(if: postgresURL != nil, "needs SHORTLIST_TEST_POSTGRES (.ci/run starts one)"))
struct PostgresStoreTests {
    @Test func thePostgresStoreAnswersAsTheSQLiteStoreDoes() async throws {
        let folder = try TemporaryDirectory()
        let sqlite = await transcript(
            try FeedbackStore(path: "\(folder.path)/feedback.sqlite").awaited)
        let postgres = await transcript(try postgresStore().0)
        for (line, (expected, found)) in zip(sqlite, postgres).enumerated() {
            #expect(found == expected, "step \(line + 1)")
        }
        #expect(sqlite.count == postgres.count)
        #expect(sqlite[2].hasPrefix("error: "), "a request id is logged once")
    }

    @Test func feedbackTwoReplicasRecordAtOnceCountsOnce() async throws {
        let (first, url) = try postgresStore()
        let second = try PostgresFeedbackStore(url: url)
        let requests = (0..<40).map { index in
            ServedRequest(
                id: "r\(index)", pipeline: "p", user: "u",
                impressions: [Impression(item: "i", position: 1, arm: "a", propensity: 1)])
        }
        for request in requests { try await first.record(request) }
        let outcomes = try await withThrowingTaskGroup(of: FeedbackOutcome.self) { group in
            for request in requests {
                for store in [first, second] {
                    group.addTask {
                        try await store.recordFeedback(request: request.id, item: "i", reward: 1)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .recorded }.count == 40)
        #expect(outcomes.filter { $0 == .repeated }.count == 40)
        #expect(
            try await second.armStates(pipeline: "p", arms: ["a"])
                == [ArmState(pulls: 40, rewards: 40)])
    }

    @Test func aBadURLOrAnUnreachableDatabaseIsOneMessage() async throws {
        let cases: [(String, String)] = [
            ("postgres://127.0.0.1/db", "the PostgreSQL URL names no user"),
            ("postgres://u@127.0.0.1/", "the PostgreSQL URL names no database"),
            ("postgres://u@127.0.0.1/db?sslmode=maybe", "sslmode 'maybe' must be disable or"),
            ("postgres://u@127.0.0.1/db?schema=a-b", "schema 'a-b' must be letters"),
        ]
        for (url, message) in cases {
            do {
                _ = try PostgresFeedbackStore(url: url)
                Issue.record("\(url) opened")
            } catch {
                #expect(error.message.contains(message), "\(url): \(error.message)")
            }
        }
        // A database out of reach is found by the first call, not when the store is opened.
        let unreachable = try PostgresFeedbackStore(
            url: "postgres://u:secret@127.0.0.1:1/db", timeout: .seconds(2))
        do {
            _ = try await unreachable.arms(pipeline: "p")
            Issue.record("an unreachable database answered")
        } catch {
            #expect(
                error.message.hasPrefix("the feedback store postgres://u:***@127.0.0.1:1/db: "),
                "\(error.message)")
            #expect(!error.message.contains("secret"), "the password stays out")
        }
    }
}
