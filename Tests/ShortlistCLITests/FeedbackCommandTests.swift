import Foundation
import FoundationXML
import GRDB
import ShortlistCore
import ShortlistStore
import ShortlistTestSupport
import Testing

/// A project whose feedback store already logged one response of `items` items, placed by
/// arms `a` (even positions) and `b` (odd).
func projectWithServedRequest(items: Int = 3) throws -> (TemporaryDirectory, FeedbackStore) {
    let folder = try project()
    let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
    try store.record(
        ServedRequest(
            id: "r1", pipeline: "default", user: "u5",
            impressions: (0..<items).map {
                Impression(
                    item: "i\($0)", position: $0 + 1, arm: $0 % 2 == 0 ? "a" : "b",
                    propensity: 0.5)
            }))
    return (folder, store)
}

/// A project whose `ab.yaml` holds the planted data, the pipelines `before`, and a bandit
/// pipeline `name` of `n` items over the stages `popular` and `recent`.
func projectWithBandit(
    name: String = "ab", n: Int = 3, ranker: String = "{type: bandit, arms: [popular, recent]}",
    before: String = ""
) throws -> TemporaryDirectory {
    let folder = try project()
    try folder.write(
        "ab.yaml",
        try folder.writeDelimited(PlantedClusters().dataset) + """

            pipelines:
            \(before)  \(name):
                n: \(n)
                candidates:
                  - {name: popular, type: weighted-rating, limit: 20}
                  - {name: recent, type: weighted-rating, limit: 20, half-life-days: 1}
                ranker: \(ranker)
            """)
    return folder
}

@Suite struct FeedbackCommandTests {
    @Test func feedbackIsRecordedOnceAndBadFeedbackFailsWithItsReason() throws {
        let (folder, store) = try projectWithServedRequest()
        let first = try shortlist(
            ["feedback", "--request", "r1", "--item", "i1", "--reward", "1"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "recorded reward 1 for item i1 of request r1\n")
        let again = try shortlist(
            ["feedback", "--request", "r1", "--item", "i1", "--reward", "1"], in: folder.path)
        #expect(
            again.stdout == "already recorded: reward 1 for item i1 of request r1 counts once\n")
        #expect(try store.armStates(pipeline: "default", arms: ["b"]).first?.rewards == 1)
        let unknown = try shortlist(
            ["feedback", "--request", "r9", "--item", "i1", "--reward", "1"], in: folder.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: no response has the request id 'r9'\n")
        let notShown = try shortlist(
            ["feedback", "--request", "r1", "--item", "i8", "--reward", "0"], in: folder.path)
        #expect(notShown.status == 1)
        #expect(notShown.stderr.contains("item 'i8' was not in the response to request 'r1'"))
        let outOfRange = try shortlist(
            ["feedback", "--request", "r1", "--item", "i0", "--reward", "2"], in: folder.path)
        #expect(outOfRange.status == 1)
        #expect(outOfRange.stderr.contains("a reward must be a number from 0 to 1"))
        let negative = try shortlist(
            ["feedback", "--request", "r1", "--item", "i0", "--reward", "-0.5"], in: folder.path)
        #expect(negative.status == 1)
        #expect(
            negative.stderr
                == "error: a reward must be a number from 0 to 1 (a click is 1, a skip 0), found "
                + "-0.5\n")
        try folder.write("batch.tsv", "r1\ti0\t1\nr1 i2 0\nr1\ti2\tlots\n")
        let batch = try shortlist(["feedback", "--batch", "batch.tsv"], in: folder.path)
        #expect(batch.status == 1)
        #expect(batch.stdout == "recorded r1 i0\nrecorded r1 i2\n")
        #expect(
            batch.stderr == "error: batch.tsv:3: the reward 'lots' is not a decimal number\n")
    }

    /// Each line written to `feedback --batch -` is acknowledged before the next is sent, and
    /// a repeated one as already recorded.
    @Test func aBatchFromAPipeIsAcknowledgedLineByLine() throws {
        let (folder, store) = try projectWithServedRequest()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shortlistBinary())
        process.arguments = ["feedback", "--batch", "-"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate() }
        /// The next line of the child's output, or nil after 20 seconds without one.
        var pending = Data()
        func nextLine() -> String? {
            let descriptor = output.fileHandleForReading.fileDescriptor
            while !pending.contains(UInt8(ascii: "\n")) {
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 20_000) == 1 else { return nil }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                pending += chunk
            }
            let end = pending.firstIndex(of: UInt8(ascii: "\n"))!
            defer { pending = Data(pending[(end + 1)...]) }
            return String(decoding: pending[..<end], as: UTF8.self)
        }
        for (line, acknowledgement) in [
            ("r1 i0 1", "recorded r1 i0"), ("r1\ti2\t0", "recorded r1 i2"),
            ("r1 i0 1", "already recorded r1 i0"),
        ] {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            #expect(nextLine() == acknowledgement)
        }
        #expect(try store.armStates(pipeline: "default", arms: ["a"]).first?.rewards == 1)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A child records feedback as fast as it can and is killed mid-stream: everything it
    /// acknowledged is in the store.
    @Test func everyAcknowledgedFeedbackSurvivesSIGKILL() throws {
        let count = 4000
        let (folder, _) = try projectWithServedRequest(items: count)
        try folder.write(
            "batch.tsv", (0..<count).map { "r1\ti\($0)\t1" }.joined(separator: "\n") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shortlistBinary())
        process.arguments = ["feedback", "--batch", "batch.tsv"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var received = Data()
        while String(decoding: received, as: UTF8.self).split(separator: "\n").count < 300 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            received += chunk
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        received += out.fileHandleForReading.readDataToEndOfFile()
        #expect(process.terminationReason == .uncaughtSignal)
        let acknowledged = String(decoding: received, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("recorded ") && $0.split(separator: " ").count == 3 }
            .map { String($0.split(separator: " ")[2]) }
        #expect(acknowledged.count >= 300 && acknowledged.count < count)
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        let rewarded = Set(
            try store.impressions(pipeline: "default").enumerated().filter {
                $0.element.reward == 1
            }
            .map { "i\($0.offset)" })
        #expect(Set(acknowledged).isSubset(of: rewarded))
        let total = try store.armStates(pipeline: "default", arms: ["a", "b"]).reduce(0) {
            $0 + $1.rewards
        }
        #expect(Int(total) == rewarded.count)
    }

    @Test func aBanditPipelineLogsWhatItServesAndLearnsFromFeedback() throws {
        let folder = try projectWithBandit(
            n: 4, ranker: "{type: bandit, arms: [popular, recent], mode: per-slot}")
        let run = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5", "--format", "json"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let response = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let request = try #require(response["requestId"] as? String)
        let items = try #require(response["recommendations"] as? [[String: Any]])
        let first = try #require(items.first)
        let placement = try #require(first["placement"] as? [String: Any])
        let arm = try #require(placement["arm"] as? String)
        let item = try #require(first["item"] as? String)
        let feedback = try shortlist(
            [
                "feedback", "--config", "ab.yaml", "--request", request, "--item", item, "--reward",
                "1",
            ],
            in: folder.path)
        #expect(feedback.status == 0, "\(feedback.stderr)")
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        let states = try store.armStates(pipeline: "ab", arms: ["popular", "recent"])
        #expect(states.reduce(0) { $0 + $1.pulls } == 4)
        #expect(states[arm == "popular" ? 0 : 1].rewards == 1)
        // explain is a dry run: it reads the arms' states, shows them, and logs nothing.
        let explain = try shortlist(
            ["explain", "--config", "ab.yaml", "--user", "u5", "--item", item], in: folder.path)
        #expect(explain.status == 0, "\(explain.stderr)")
        let rewarded = arm == "popular" ? 0 : 1
        let expected =
            "\(arm): pulls \(states[rewarded].pulls), successes 1, failures "
            + "\(states[rewarded].pulls - 1), posterior mean "
        #expect(
            explain.stdout.split(separator: "\n").contains {
                $0.hasPrefix("bandit (thompson) at decision time: ") && $0.contains(expected)
            }, "\(explain.stdout)")
        #expect(try store.armStates(pipeline: "ab", arms: ["popular", "recent"]) == states)
        let table = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5"], in: folder.path)
        #expect(table.stdout.contains("arm (propensity)"))
        // A bandit's score is a place: each row reads as the arm that placed it and where.
        let rows = table.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(rows.contains { $0.contains(" placed ") })
        #expect(rows.contains { $0.contains(" popular #1 ") || $0.contains(" recent #1 ") })
        #expect(table.stdout.contains("reward an item with shortlist feedback --request "))
    }

    /// The store is read before each batch of 2,048 users; when it breaks after the first
    /// batch (its arm table dropped while the first batch's lines wait in the pipe), the
    /// command ends with the store's error instead of serving the rest from the priors.
    @Test func aStoreThatBreaksMidBatchEndsRecommendWithOneError() throws {
        let folder = try projectWithBandit()
        let users = (0..<5000).map { "listed-user-\($0)-" + String(repeating: "x", count: 80) }
        try folder.write("users.txt", users.joined(separator: "\n") + "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shortlistBinary())
        process.arguments = ["recommend", "--config", "ab.yaml", "--users", "users.txt"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { process.terminate() }
        // The header, then the first user's first row: the first batch read the store and is
        // being written; three items for each of 2,048 long ids fill the pipe many times over.
        var received = Data()
        let reader = output.fileHandleForReading
        while received.count(where: { $0 == UInt8(ascii: "\n") }) < 2 {
            let chunk = reader.availableData
            try #require(!chunk.isEmpty, "the command ended before its first batch")
            received += chunk
        }
        let database = try DatabaseQueue(path: "\(folder.path)/.shortlist/feedback.sqlite")
        try database.write { try $0.execute(sql: "DROP TABLE arm") }
        received += reader.readDataToEndOfFile()
        let stderr = String(
            decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let errorLines = stderr.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(errorLines.count == 1, "\(stderr)")
        #expect(errorLines.first?.contains("no such table: arm") == true, "\(stderr)")
        let served = Set(
            String(decoding: received, as: UTF8.self).split(separator: "\n").dropFirst().map {
                String($0.prefix { $0 != "\t" })
            })
        // Exactly the first batch's users, none after it.
        #expect(served.count == 2048)
        #expect(served.subtracting(users.prefix(2048)).isEmpty)
    }

    @Test func tsvAndJSONLinesOfABanditResponseCarryItsRequestIDAndArms() throws {
        let folder = try projectWithBandit()
        let tsv = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5", "--format", "tsv"],
            in: folder.path)
        #expect(tsv.status == 0, "\(tsv.stderr)")
        let rows = tsv.stdout.split(separator: "\n").map {
            $0.split(separator: "\t").map(String.init)
        }
        #expect(rows.first == ["user", "item", "rank", "score", "request", "arm", "propensity"])
        let request = try #require(rows.dropFirst().first?[4])
        #expect(
            rows.count == 4 && rows.dropFirst().allSatisfy { $0.count == 7 && $0[4] == request })
        #expect(rows.dropFirst().allSatisfy { ["popular", "recent"].contains($0[5]) })
        let jsonl = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5", "--format", "jsonl"],
            in: folder.path)
        let line = try #require(
            try JSONSerialization.jsonObject(with: Data(jsonl.stdout.utf8)) as? [String: Any])
        let other = try #require(line["requestId"] as? String)
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        let first = try #require(rows.dropFirst().first)
        #expect(try store.recordFeedback(request: request, item: first[1], reward: 1) == .recorded)
        #expect(other != request)
        #expect(
            (line["recommendations"] as? [[String: Any]])?.allSatisfy {
                ($0["placement"] as? [String: Any])?["arm"] is String
            } == true)
    }

    @Test func explainWithARequestIDSaysWhatThatResponseShowed() throws {
        let folder = try projectWithBandit()
        let tsv = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5", "--format", "tsv"],
            in: folder.path)
        let row = try #require(
            tsv.stdout.split(separator: "\n").dropFirst().first?.split(separator: "\t").map(
                String.init))
        let explain = try shortlist(
            [
                "explain", "--config", "ab.yaml", "--user", "u5", "--item", row[1], "--request",
                row[4],
            ],
            in: folder.path)
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(
            explain.stdout.contains(
                "request \(row[4]) (served to user u5) showed it at position 1, placed by arm "
                    + "\(row[5]) chosen with probability "),
            "\(explain.stdout)")
        let unknown = try shortlist(
            [
                "explain", "--config", "ab.yaml", "--user", "u5", "--item", row[1], "--request",
                "r9",
            ],
            in: folder.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasSuffix("error: no response has the request id 'r9'\n"))
    }

    @Test func simulatePlotIsWellFormedSVGForANameWithMarkup() throws {
        let folder = try projectWithBandit(name: "\"r&d <x>\"")
        let run = try shortlist(
            [
                "simulate", "--config", "ab.yaml", "--pipeline", "r&d <x>", "--rounds", "40",
                "--plot", "sim.svg",
            ],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let svg = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/sim.svg"))
        #expect(XMLParser(data: svg).parse())
        #expect(String(decoding: svg, as: UTF8.self).contains("pipeline r&amp;d &lt;x&gt;"))
    }

    /// Three processes write feedback to one store at once, each for its own items and a
    /// share of the same ones: every feedback is stored, and the shared ones once.
    @Test func concurrentProcessesWritingFeedbackLoseNothing() throws {
        let count = 600
        let (folder, store) = try projectWithServedRequest(items: count)
        for worker in 0..<3 {
            let own = stride(from: worker, to: count, by: 3).map { "r1\ti\($0)\t1" }
            let shared = (0..<30).map { "r1\ti\($0)\t1" }
            try folder.write("batch\(worker).tsv", (own + shared).joined(separator: "\n") + "\n")
        }
        let processes = try (0..<3).map { worker -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try shortlistBinary())
            process.arguments = ["feedback", "--batch", "batch\(worker).tsv"]
            process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(try store.impressions(pipeline: "default").allSatisfy { $0.reward == 1 })
        let total = try store.armStates(pipeline: "default", arms: ["a", "b"]).reduce(0) {
            $0 + $1.rewards
        }
        #expect(total == Double(count))
    }

    @Test func abReportListsEveryDeclaredArmAtItsPriorBeforeAnythingIsServed() throws {
        let folder = try projectWithBandit(
            ranker: "{type: bandit, arms: [recent, popular]}",
            before: """
                  plain:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average}

                """)
        let run = try shortlist(["ab", "report", "--config", "ab.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("Arms of pipeline 'ab'") == true)
        #expect(
            lines.dropFirst(2).map { $0.split(separator: " ").first } == [
                "recent", "popular", "(no",
            ])
        #expect(try #require(lines.dropFirst(2).first).contains(" 0.0250–0.9750 "))
        let plain = try shortlist(
            ["ab", "report", "--config", "ab.yaml", "--pipeline", "plain"], in: folder.path)
        #expect(plain.status == 1)
        #expect(
            plain.stderr
                == "error: pipeline 'plain' has no bandit ranker (its ranker is weighted-average), "
                + "so it has no arms\n")
    }

    @Test func abReportAndReset() throws {
        let (folder, store) = try projectWithServedRequest(items: 4)
        _ = try store.recordFeedback(request: "r1", item: "i0", reward: 1)
        let table = try shortlist(["ab", "report"], in: folder.path)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Arms of pipeline 'default'") == true)
        #expect(
            lines.contains { $0.hasPrefix("a ") && $0.contains(" 2 ") && $0.contains("0.5000") })
        let json = try shortlist(
            ["ab", "report", "--format", "json", "--chart", "arms.svg"], in: folder.path)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let arms = try #require(object["arms"] as? [[String: Any]])
        #expect(arms.map { $0["arm"] as? String } == ["a", "b"])
        #expect(arms.map { $0["pulls"] as? Int } == [2, 2])
        let best = arms.compactMap { $0["probabilityBest"] as? Double }
        #expect(abs(best.reduce(0, +) - 1) < 1e-9 && best[0] > best[1])
        let chart = try String(contentsOfFile: "\(folder.path)/arms.svg", encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains(">a</text>") && chart.contains("IPS"))
        let refused = try shortlist(["ab", "reset", "--pipeline", "default"], in: folder.path)
        #expect(refused.status != 0 && refused.stderr.contains("add --yes"))
        let reset = try shortlist(
            ["ab", "reset", "--pipeline", "default", "--yes"], in: folder.path)
        #expect(reset.status == 0)
        #expect(try store.arms(pipeline: "default").isEmpty)
        let unknown = try shortlist(["ab", "report", "--pipeline", "defualt"], in: folder.path)
        #expect(unknown.status == 1 && unknown.stderr.contains("Did you mean 'default'?"))
    }
}

extension FeedbackCommandTests {
    /// `feedback --batch -` reading endless bytes without a line end stops at the first 1 MiB
    /// with one error (it once grew until the system killed it); a device is refused at once.
    @Test(.timeLimit(.minutes(2)))
    func endlessInputWithoutLineEndsIsOneErrorInBoundedMemory() throws {
        let (folder, _) = try projectWithServedRequest()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try shortlistBinary())
        process.arguments = ["feedback", "--batch", "-"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/dev/zero"))
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(
            decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stderr == "error: standard input:1: the line is longer than 1 MiB\n")
        let device = try shortlist(["feedback", "--batch", "/dev/zero"], in: folder.path)
        #expect(device.status == 1)
        #expect(device.stderr == "error: /dev/zero: the file is not a regular file\n")
    }
}

/// `shortlist ab preview`: another pipeline's value estimated on a bandit's logged responses.
@Suite struct ABPreviewTests {
    /// A project with the bandit pipeline `ab` and the pipeline `top`, whose store logged
    /// `count` responses of `ab`, three items each shown with `propensity`, the first rewarded.
    func logged(_ count: Int, propensity: Double) throws -> TemporaryDirectory {
        let folder = try projectWithBandit(
            before: """
                  top:
                    n: 3
                    candidates: [{name: popular, type: weighted-rating, limit: 20}]
                    ranker: {type: weighted-average}

                """)
        let store = try FeedbackStore(path: "\(folder.path)/.shortlist/feedback.sqlite")
        for request in 0..<count {
            let items = (0..<3).map { "i\((request + 7 * $0) % 40)" }
            try store.record(
                ServedRequest(
                    id: "r\(request)", pipeline: "ab", user: "u\(request % 30)",
                    impressions: items.enumerated().map {
                        Impression(
                            item: $1, position: $0 + 1, arm: "popular", propensity: propensity)
                    }))
            _ = try store.recordFeedback(request: "r\(request)", item: items[0], reward: 1)
        }
        return folder
    }

    @Test func aPreviewEstimatesTheCandidateOnTheLoggedResponsesWithIntervals() throws {
        let folder = try logged(40, propensity: 0.25)
        let arguments = [
            "ab", "preview", "--config", "ab.yaml", "--pipeline", "top", "--logged", "ab",
        ]
        let table = try shortlist(arguments, in: folder.path)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first?.hasPrefix(
                "Preview of pipeline 'top' on the 40 responses pipeline 'ab' logged") == true)
        #expect(
            lines.contains { $0.hasPrefix("'ab' as logged") && $0.contains("1.0000") }, "\(lines)")
        for name in ["IPS", "self-normalised IPS", "doubly robust"] {
            #expect(lines.contains { $0.hasPrefix("'top': \(name) ") }, "\(name): \(lines)")
        }
        #expect(!table.stdout.contains("deterministic"))
        let json = try shortlist(arguments + ["--format", "json"], in: folder.path)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let estimates = try #require(report["estimates"] as? [String: Any])
        #expect(estimates["requests"] as? Int == 40)
        let ips = try #require(estimates["ips"] as? [String: Double])
        let (low, value, high) = (
            try #require(ips["low"]), try #require(ips["value"]), try #require(ips["high"])
        )
        #expect(low <= value && value <= high)
    }

    @Test func aDeterministicLoggerIsNamedAndNoLogsOrAnUnknownCandidateIsAnError() throws {
        let folder = try logged(10, propensity: 1)
        let run = try shortlist(
            ["ab", "preview", "--config", "ab.yaml", "--pipeline", "top", "--logged", "ab"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("the logging policy is deterministic (every propensity is 1)"))
        let none = try shortlist(
            ["ab", "preview", "--config", "ab.yaml", "--pipeline", "ab", "--logged", "top"],
            in: folder.path)
        #expect(none.status == 1)
        #expect(
            none.stderr.hasPrefix("error: pipeline 'top' has logged no response in "),
            "\(none.stderr)")
        let typo = try shortlist(
            ["ab", "preview", "--config", "ab.yaml", "--pipeline", "tops", "--logged", "ab"],
            in: folder.path)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("Did you mean 'top'?"), "\(typo.stderr)")
    }
}
