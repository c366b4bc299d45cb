import Foundation
import ShortlistData
import ShortlistStore
import ShortlistTestSupport
import Testing

/// A project over planted data whose pipelines file declares an event log.
func projectWithEvents() throws -> TemporaryDirectory {
    try project(
        """
        events:
          kinds:
            click: {weight: 1}
            dislike: {weight: -1}
        pipelines:
          default:
            n: 5
            candidates:
              - {name: als, type: matrix-factorization, limit: 20, factors: 8, cg-steps: 20}
              - {name: popular, type: weighted-rating, limit: 20}
            ranker: {type: weighted-average}
        """)
}

@Suite struct EventsCommandTests {
    @Test func importedEventsReachTheNextRecommendationAndABadFileStoresNothing() throws {
        let folder = try projectWithEvents()
        let planted = PlantedClusters()
        func items(_ user: String) throws -> [String] {
            let run = try shortlist(
                ["recommend", "--user", user, "--format", "tsv"], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout.split(separator: "\n").dropFirst().map {
                String($0.split(separator: "\t")[1])
            }
        }
        try folder.write(
            "events.csv",
            "user,item,kind,time\n"
                + [2, 6, 10, 14, 18, 22].map { "newbie,i\($0),click,100\n" }
                .joined() + "newbie,i9999,click,100\n")
        let refused = try shortlist(["events", "import", "events.csv"], in: folder.path)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasSuffix(
                "events.csv:8: item 'i9999' is not in the catalogue; events for unknown items are "
                    + "refused ('unknown-items: refuse' in 'events')\n"), "\(refused.stderr)")
        let before = try items("newbie")
        #expect(
            try shortlist(["events", "list", "--user", "newbie"], in: folder.path).stdout
                == "user newbie has no events in .shortlist/feedback.sqlite\n")
        try folder.write(
            "events.csv",
            "user,item,kind,time\n"
                + [2, 6, 10, 14, 18, 22].map { "newbie,i\($0),click,100\n" }
                .joined())
        let imported = try shortlist(["events", "import", "events.csv"], in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported 6 events from events.csv in "))
        let after = try items("newbie")
        let inCluster = after.filter { id in
            planted.dataset.item(id).map { planted.itemCluster[$0] == 2 } ?? false
        }
        #expect(inCluster.count >= 4, "\(after) after the events, \(before) before")
        // The explanation says what the user just did.
        let explained = try shortlist(
            ["recommend", "--user", "newbie", "--explain"], in: folder.path)
        #expect(explained.stdout.contains("because you just liked "), "\(explained.stdout)")
        let fitted = try shortlist(["recommend", "--user", "u1", "--explain"], in: folder.path)
        #expect(fitted.stdout.contains("because you liked "))
        #expect(!fitted.stdout.contains(" just "), "u1 has no events")
        // A dislike, added once with its id and again: the item leaves the list.
        let top = try #require(after.first)
        for _ in 0..<2 {
            let added = try shortlist(
                [
                    "events", "add", "--user", "newbie", "--item", top, "--kind", "dislike", "--id",
                    "d1",
                ],
                in: folder.path)
            #expect(added.status == 0, "\(added.stderr)")
        }
        let remaining = try items("newbie")
        #expect(!remaining.contains(top))
        // A batch folds in each user's events as a single request does.
        try folder.write("users.txt", "u1\nnewbie\n")
        let batch = try shortlist(
            ["recommend", "--users", "users.txt", "--format", "tsv"], in: folder.path)
        #expect(batch.status == 0, "\(batch.stderr)")
        let rows = batch.stdout.split(separator: "\n").dropFirst().map {
            $0.split(separator: "\t").map(String.init)
        }
        #expect(rows.filter { $0[0] == "newbie" }.map { $0[1] } == remaining)
        #expect(rows.filter { $0[0] == "u1" }.map { $0[1] } == (try items("u1")))
        let listed = try shortlist(["events", "list", "--user", "newbie"], in: folder.path)
        #expect(listed.stdout.split(separator: "\n").count == 8, "\(listed.stdout)")
        let unknown = try shortlist(
            ["events", "add", "--user", "newbie", "--item", "i1", "--kind", "clicks"],
            in: folder.path)
        #expect(
            unknown.stderr
                == "error: kind 'clicks' is not a declared kind of event. Did you mean 'click'?\n")
    }

    @Test func aRefreshFoldsTheLogIntoTheDataThatLaterRunsRead() throws {
        let folder = try projectWithEvents()
        try folder.write(
            "events.csv",
            "user,item,kind,time\n"
                + [2, 6, 10, 14, 18, 22].map { "newbie,i\($0),click,100\n" }
                .joined())
        #expect(try shortlist(["events", "import", "events.csv"], in: folder.path).status == 0)
        let before = try shortlist(["recommend", "--user", "newbie"], in: folder.path)
        #expect(before.stdout.contains("(unknown user with 6 interactions"), "\(before.stdout)")
        let refreshed = try shortlist(["refresh"], in: folder.path)
        #expect(refreshed.status == 0, "\(refreshed.stderr)")
        #expect(
            refreshed.stdout.hasPrefix(
                "refreshed with 6 events (6 since the last refresh; the log through position 6) "
                    + "and 0 catalogue entries: 121 users, 80 items, "))
        #expect(refreshed.stderr.contains("stage 'als' (matrix-factorization): fitted"))
        // Every later run reads the refreshed data from the cache and reuses what the refresh
        // fitted: newbie is a user of the data now.
        let after = try shortlist(["recommend", "--user", "newbie"], in: folder.path)
        #expect(after.stdout.contains("(known user with 6 interactions"), "\(after.stdout)")
        #expect(!after.stderr.contains("fitted"), "\(after.stderr)")
        let again = try shortlist(["refresh"], in: folder.path)
        #expect(again.stdout.hasPrefix("refreshed with 6 events (0 since the last refresh"))
        let plain = try project()
        let refused = try shortlist(["refresh"], in: plain.path)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: pipelines.yaml declares no event log ('events'): there is nothing to "
                + "refresh with\n")
    }

    /// An import killed halfway leaves the log as it was before it: events acknowledged
    /// before are there, and nothing of the import.
    @Test func anImportKilledHalfwayLosesNothingAcknowledgedAndStoresNothingOfItself() throws {
        let folder = try projectWithEvents()
        let added = try shortlist(
            ["events", "add", "--user", "u1", "--item", "i1", "--kind", "click", "--id", "a1"],
            in: folder.path)
        #expect(added.status == 0, "\(added.stderr)")
        let count = 400_000
        try folder.write(
            "big.tsv",
            "user\titem\tkind\n" + (0..<count).map { "u\($0 % 97)\ti\($0 % 40)\tclick\n" }.joined())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shortlistBinary())
        process.arguments = ["events", "import", "big.tsv"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.environment = ["SHORTLIST_PROGRESS_SECONDS": "0"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        var received = ""
        // Killed once it says it has recorded some of the file.
        while !received.contains("events") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(received)")
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        #expect(try store.events(user: "u1", limit: 10_000).events.map(\.id) == ["a1"])
        #expect(try store.events(user: "u2", limit: 10_000).events.isEmpty)
        let again = try shortlist(["events", "import", "big.tsv"], in: folder.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try store.events(user: "u2", limit: 10_000).events.count == count / 97 + 1)
    }
}
