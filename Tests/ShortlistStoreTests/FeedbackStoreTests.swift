import Dispatch
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistStore
import ShortlistTestSupport
import Testing

/// A response of three items, two placed by arm `a` and one by arm `b`.
func served(_ id: String, pipeline: String = "p") -> ServedRequest {
    ServedRequest(
        id: id, pipeline: pipeline, user: "u1",
        impressions: [
            Impression(item: "i1", position: 1, arm: "a", propensity: 0.5),
            Impression(item: "i2", position: 2, arm: "b", propensity: 0.25),
            Impression(item: "i3", position: 3, arm: "a", propensity: 0.5),
        ])
}

@Suite struct FeedbackStoreTests {
    @Test func feedbackCountsOnceInTheArmThatPlacedTheItem() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/state/feedback.sqlite")
        try store.record(served("r1"))
        #expect(
            try store.armStates(pipeline: "p", arms: ["a", "b", "c"]) == [
                ArmState(pulls: 2), ArmState(pulls: 1), ArmState(),
            ])
        #expect(try store.recordFeedback(request: "r1", item: "i2", reward: 1) == .recorded)
        #expect(try store.recordFeedback(request: "r1", item: "i2", reward: 1) == .repeated)
        #expect(try store.recordFeedback(request: "r1", item: "i3", reward: 0.5) == .recorded)
        #expect(
            try store.armStates(pipeline: "p", arms: ["a", "b"]) == [
                ArmState(pulls: 2, rewards: 0.5), ArmState(pulls: 1, rewards: 1),
            ])
        #expect(try store.impressions(pipeline: "p").map(\.reward) == [0, 1, 0.5])
        let reopened = try FeedbackStore(path: "\(folder.path)/state/feedback.sqlite")
        #expect(
            try reopened.armStates(pipeline: "p", arms: ["b"]) == [ArmState(pulls: 1, rewards: 1)])
    }

    @Test func aResponseIsLoggedWithTheArmStatesItWasDecidedFrom() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/feedback.sqlite")
        var response = served("r1")
        response.armStates = [ArmState(pulls: 7, rewards: 2.5), ArmState()]
        try store.record(response)
        try store.record(served("r2"))
        #expect(try store.shown(request: "r1") == response)
        #expect(try store.shown(request: "r2")?.armStates == [])
    }

    @Test func badFeedbackIsRefusedWithItsReason() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/feedback.sqlite")
        try store.record(served("r1"))
        #expect(throws: StoreError.self) {
            try store.recordFeedback(request: "r9", item: "i1", reward: 1)
        }
        func message(_ body: () throws -> FeedbackOutcome) -> String? {
            do {
                _ = try body()
                return nil
            } catch let error as StoreError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(
            message { try store.recordFeedback(request: "r9", item: "i1", reward: 1) }
                == "no response has the request id 'r9'")
        #expect(
            message { try store.recordFeedback(request: "r1", item: "i7", reward: 1) }
                == "item 'i7' was not in the response to request 'r1', which showed i1, i2, i3")
        #expect(
            message { try store.recordFeedback(request: "r1", item: "i1", reward: 1.5) }
                == "a reward must be a number from 0 to 1 (a click is 1, a skip 0), found 1.5")
        #expect(
            message { try store.recordFeedback(request: "r1", item: "i1", reward: .nan) } != nil)
        _ = try store.recordFeedback(request: "r1", item: "i1", reward: 1)
        #expect(
            message { try store.recordFeedback(request: "r1", item: "i1", reward: 0) }
                == "item 'i1' of request 'r1' already has the reward 1; feedback is recorded once")
        #expect(throws: StoreError.self) { try store.record(served("r1")) }
        #expect(
            try store.armStates(pipeline: "p", arms: ["a", "b"]) == [
                ArmState(pulls: 2, rewards: 1), ArmState(pulls: 1),
            ])
    }

    @Test func resetClearsOnePipelineOnly() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/feedback.sqlite")
        try store.record(served("r1"))
        try store.record(served("r2", pipeline: "q"))
        _ = try store.recordFeedback(request: "r1", item: "i1", reward: 1)
        #expect(try store.reset(pipeline: "p") == 1)
        #expect(try store.armStates(pipeline: "p", arms: ["a"]) == [ArmState()])
        #expect(try store.impressions(pipeline: "p").isEmpty)
        #expect(try store.armStates(pipeline: "q", arms: ["a"]) == [ArmState(pulls: 2)])
        #expect(throws: StoreError.self) {
            try store.recordFeedback(request: "r1", item: "i1", reward: 1)
        }
    }

    /// Two stores on one file (as two processes would open it), each written from four threads.
    @Test func concurrentWritersLoseNothing() throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/feedback.sqlite"
        let stores = [try FeedbackStore(path: path), try FeedbackStore(path: path)]
        let requests = 200
        for index in 0..<requests { try stores[0].record(served("r\(index)")) }
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            let store = stores[worker % 2]
            for index in stride(from: worker, to: requests, by: 8) {
                for item in ["i1", "i2", "i3"] {
                    _ = try? store.recordFeedback(request: "r\(index)", item: item, reward: 1)
                    _ = try? store.recordFeedback(request: "r\(index)", item: item, reward: 1)
                }
            }
        }
        #expect(
            try stores[1].armStates(pipeline: "p", arms: ["a", "b"]) == [
                ArmState(pulls: 2 * requests, rewards: Double(2 * requests)),
                ArmState(pulls: requests, rewards: Double(requests)),
            ])
    }

    @Test func anUnopenableStoreIsOneMessage() throws {
        let folder = try TemporaryDirectory()
        try folder.write("not-a-database.sqlite", "this is text, not SQLite")
        #expect(throws: StoreError.self) {
            try FeedbackStore(path: "\(folder.path)/not-a-database.sqlite")
        }
        let inside = "\(folder.path)/not-a-database.sqlite/feedback.sqlite"
        #expect(
            throws: StoreError(
                "cannot create the folder \(folder.path)/not-a-database.sqlite for the feedback "
                    + "store \(inside)")
        ) {
            try FeedbackStore(path: inside)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aStoreThatIsAFIFOAFolderOrALinkLoopSaysSo() throws {
        let folder = try TemporaryDirectory()
        let fifo = "\(folder.path)/feedback.sqlite"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(
            throws: StoreError(
                "cannot open the feedback store \(fifo): it is not a regular file")
        ) { try FeedbackStore(path: fifo) }
        #expect(
            throws: StoreError("cannot open the feedback store \(folder.path): it is a folder")
        ) { try FeedbackStore(path: folder.path) }
        let loop = "\(folder.path)/loop.sqlite"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: "loop.sqlite")
        #expect(
            throws: StoreError(
                "cannot open the feedback store \(loop): its symbolic links form a loop")
        ) { try FeedbackStore(path: loop) }
    }
}

@Suite struct FeedbackStorageTests {
    @Test func thisBinaryOpensAPostgresStoreWithAMessageThatNamesTheServer() throws {
        let url = "postgres://app:secret@db:5432/shortlist"
        let location = FeedbackStoreLocation.postgres(try PostgresLocation(url: url), url: url)
        do {
            _ = try openFeedbackStore(location)
            Issue.record("a postgres:// store opened here")
        } catch {
            #expect(
                error.message.hasPrefix("the feedback store is PostgreSQL (postgres://app:***@db"))
            #expect(error.message.contains("shortlist-server"))
            #expect(!error.message.contains("secret"))
        }
        let folder = try TemporaryDirectory()
        #expect(
            try openFeedbackStore(.sqlite(path: "\(folder.path)/f.sqlite")).location
                == "\(folder.path)/f.sqlite")
    }
}

@Suite struct StoreRefusalTests {
    /// Feedback for a request or an item the store does not have is not found, a second,
    /// different reward a conflict, a reward out of range invalid; a store that cannot do what
    /// it is asked is unavailable.
    @Test func whatTheStoreRefusesIsARefusalAndWhatItCannotDoIsNot() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/feedback.sqlite")
        try store.record(served("r1"))
        _ = try store.recordFeedback(request: "r1", item: "i1", reward: 1)
        for (request, item, reward, kind) in [
            ("r9", "i1", 1.0, ErrorKind.notFound), ("r1", "i7", 1.0, .notFound),
            ("r1", "i1", 0.0, .conflict), ("r1", "i2", 1.5, .invalid),
        ] {
            #expect(throws: StoreError.self) {
                try store.recordFeedback(request: request, item: item, reward: reward)
            }
            do {
                _ = try store.recordFeedback(request: request, item: item, reward: reward)
            } catch {
                #expect(error.kind == kind, "\(request) \(item) \(reward)")
            }
        }
        do {
            try store.record(served("r1"))
            Issue.record("a request id was logged twice")
        } catch {
            #expect(error.kind == .unavailable, "a store that cannot do what it is asked fails")
        }
    }
}

@Suite struct FeedbackLineTests {
    @Test func aLineIsThreeFieldsWithADecimalRewardAndNoControlCharacter() throws {
        #expect(
            try FeedbackLine(parsing: "r1\ti2 0.5")
                == FeedbackLine(request: "r1", item: "i2", reward: 0.5))
        #expect(try FeedbackLine(parsing: " \t ") == nil)
        #expect(throws: StoreError.refusal("expected 'REQUEST ITEM REWARD', found 'r1 i2'")) {
            try FeedbackLine(parsing: "r1 i2")
        }
        #expect(throws: StoreError.refusal("the reward '0x1' is not a decimal number")) {
            try FeedbackLine(parsing: "r1 i2 0x1")
        }
        #expect(
            throws: StoreError.refusal(
                "the reward '1e400' is out of range; a reward is a number from 0 to 1")
        ) { try FeedbackLine(parsing: "r1 i2 1e400") }
        #expect(
            throws: StoreError.refusal(
                "the line holds a control character (U+0000); an id is text without tabs or line "
                    + "ends")
        ) { try FeedbackLine(parsing: "r1 i2\u{0} 1") }
    }
}
