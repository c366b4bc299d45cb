import Foundation
import ShortlistCore
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
func transcript(_ store: any FeedbackStorage) -> [String] {
    func step(_ body: () throws -> Any) -> String {
        do {
            return "\(try body())"
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
        step { try store.record(first) },
        step { try store.record(second) },
        step { try store.record(first) },
        step { try store.armStates(pipeline: "p", arms: ["a", "b", "c"]) },
        step { try store.recordFeedback(request: "r1", item: "i2", reward: 1) },
        step { try store.recordFeedback(request: "r1", item: "i2", reward: 1) },
        step { try store.recordFeedback(request: "r1", item: "i2", reward: 0) },
        step { try store.recordFeedback(request: "r1", item: "i3", reward: 0.5) },
        step { try store.recordFeedback(request: "r9", item: "i1", reward: 1) },
        step { try store.recordFeedback(request: "r1", item: "i7", reward: 1) },
        step { try store.recordFeedback(request: "r1", item: "i1", reward: 2) },
        step { try store.armStates(pipeline: "p", arms: ["a", "b"]) },
        step { try store.arms(pipeline: "p") },
        step { try store.pipelines() },
        step { try store.shown(request: "r1") as Any },
        step { try store.shown(request: "r9") as Any },
        step { try store.impressions(pipeline: "p") },
        step { try store.reset(pipeline: "q") },
        step { try store.pipelines() },
        step { try store.shown(request: "r2") as Any },
    ]
}

@Suite(.enabled(if: postgresURL != nil, "needs SHORTLIST_TEST_POSTGRES (.ci/run starts one)"))
struct PostgresStoreTests {
    @Test func thePostgresStoreAnswersAsTheSQLiteStoreDoes() throws {
        let folder = try TemporaryDirectory()
        let sqlite = transcript(try FeedbackStore(path: "\(folder.path)/feedback.sqlite"))
        let postgres = transcript(try postgresStore().0)
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
        for request in requests { try first.record(request) }
        let outcomes = try await withThrowingTaskGroup(of: FeedbackOutcome.self) { group in
            for request in requests {
                for store in [first, second] {
                    group.addTask {
                        try store.recordFeedback(request: request.id, item: "i", reward: 1)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .recorded }.count == 40)
        #expect(outcomes.filter { $0 == .repeated }.count == 40)
        #expect(
            try second.armStates(pipeline: "p", arms: ["a"]) == [ArmState(pulls: 40, rewards: 40)])
    }

    @Test func aBadURLOrAnUnreachableDatabaseIsOneMessage() throws {
        let cases: [(String, String)] = [
            ("postgres://127.0.0.1/db", "the PostgreSQL URL names no user"),
            ("postgres://u@127.0.0.1/", "the PostgreSQL URL names no database"),
            ("postgres://u@127.0.0.1/db?sslmode=maybe", "sslmode 'maybe' must be disable or"),
            ("postgres://u@127.0.0.1/db?schema=a-b", "schema 'a-b' must be letters"),
            ("postgres://u:secret@127.0.0.1:1/db", "cannot connect to the feedback store"),
        ]
        for (url, message) in cases {
            do {
                _ = try PostgresFeedbackStore(url: url)
                Issue.record("\(url) opened")
            } catch {
                #expect(error.message.contains(message), "\(url): \(error.message)")
                #expect(!error.message.contains("secret"), "the password stays out")
            }
        }
    }
}
