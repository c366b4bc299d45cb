import Foundation
import ShortlistServer
import ShortlistTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `shortlist serve` process on a loopback port of its own choosing.
final class Replica {
    let process = Process()
    let port: Int
    /// The file its output goes to.
    let log: String

    /// Starts `shortlist serve --config config --port 0` with `options` (which runs this
    /// package's shortlist-server) with its log in a file, waits until the log says where it
    /// listens, then until it is ready (`GET /readyz`). With `descriptorLimit`, it may open that
    /// many files at once (`ulimit -n`).
    init(
        config: String, in folder: String, options: [String] = [], descriptorLimit: Int? = nil
    ) async throws {
        let shortlist = try builtShortlist()
        let log = "\(folder)/replica-\(UInt32.random(in: 0...UInt32.max)).log"
        self.log = log
        try Data().write(to: URL(fileURLWithPath: log))
        let arguments = ["serve", "--config", config, "--port", "0"] + options
        if let descriptorLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "ulimit -n \(descriptorLimit) && exec \"$0\" \"$@\"", shortlist] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: shortlist)
            process.arguments = arguments
        }
        process.environment = ["PATH": built.path]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var found = 0
        var text = ""
        for _ in 0..<1200 where found == 0 && process.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let match = text.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/) {
                found = Int(match.output.1) ?? 0
            }
        }
        guard found != 0 else {
            process.terminate()
            throw ReplicaError(log: text)
        }
        port = found
        for _ in 0..<1200 where process.isRunning {
            if let (status, _) = try? await answer(found, "GET", "/readyz"), status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ReplicaError(log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    struct ReplicaError: Error { var log: String }

    /// What it has written so far.
    var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// Whether a line of its output contains `text` within `limit` (a bound that detects a
    /// hang).
    func says(_ text: String, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !output.contains(text), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return output.contains(text)
    }

    /// Ends the process: SIGTERM, then SIGKILL if it is still running half a minute later.
    deinit {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Whether the process ends within `limit` (a bound that detects a hang).
    func exits(within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return !process.isRunning
    }

    /// One request and its JSON answer.
    func call(_ method: String, _ path: String, _ body: String? = nil) async throws
        -> (status: Int, json: [String: Any])
    {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        // A request no answer comes to within a minute is a hang.
        request.timeoutInterval = 60
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))")
            return (status, [:])
        }
        return (status, json)
    }
}

/// The error message of an answer.
func message(_ answer: (status: Int, json: [String: Any])) -> String {
    (answer.json["error"] as? [String: Any])?["message"] as? String ?? ""
}

/// The status and error message (empty for none) of one request to a loopback port.
func answer(_ port: Int, _ method: String, _ path: String, _ body: String? = nil) async throws
    -> (status: Int, message: String)
{
    var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
    request.httpMethod = method
    if let body {
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    // A request no answer comes to within a minute is a hang.
    request.timeoutInterval = 60
    let (data, response) = try await URLSession.shared.data(for: request)
    let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, message((0, json)))
}

@Suite(.enabled(if: postgresURL != nil, "needs SHORTLIST_TEST_POSTGRES (.ci/run starts one)"))
struct ReplicaTests {
    /// The database goes away (stopped: connections closed and refused; then deaf: nothing
    /// answered) under a replica with a bandit pipeline and one without. Each time, the bandit
    /// endpoints answer 503 naming the store, every other endpoint keeps answering meanwhile,
    /// and the replica serves the bandit again by itself once the database is back. SIGTERM
    /// ends it gracefully while a call waits on a deaf database. A pipeline that logs its
    /// responses answers them meanwhile, unlogged.
    @Test func aDatabaseThatGoesAwayTakesOnlyTheBanditEndpointsDownUntilItIsBack() async throws {
        let url = try #require(postgresURL)
        let database = try #require(URLComponents(string: url))
        let proxy = try await TCPProxy(
            to: try #require(database.host), port: database.port ?? 5432)
        var store = database
        store.port = proxy.port
        store.query = "schema=o\(UInt32.random(in: 0...UInt32.max))"
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "pipelines.yaml",
            "feedback-store: \(try #require(store.string))\n" + dataset + """

                pipelines:
                  plain:
                    n: 3
                    exposures: 1
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: weighted-average, weights: {popular: 1}}
                  ab:
                    n: 3
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: bandit, arms: [als, popular]}
                """)
        let replica = try await Replica(
            config: "pipelines.yaml", in: folder.path, options: ["--store-timeout", "2"])
        let bandit = #"{"user": "u5", "pipeline": "ab"}"#
        let served = try await replica.call("POST", "/v1/recommend", bandit)
        #expect(served.status == 200, "\(message(served))")
        let request = try #require(served.json["requestId"] as? String)
        let item = try #require(
            (served.json["recommendations"] as? [[String: Any]])?.first?["item"] as? String)
        let feedback = #"{"requestId": "\#(request)", "item": "\#(item)", "reward": 1}"#
        let logged = try await replica.call(
            "POST", "/v1/recommend", #"{"user": "u5", "pipeline": "plain"}"#)
        #expect(logged.json["requestId"] != nil, "the plain pipeline logs every response")

        let port = replica.port
        for outage in ["stopped", "deaf"] {
            if outage == "stopped" { await proxy.goDown() } else { try await proxy.becomeDeaf() }
            // Two bandit calls wait on the store at once, while the rest is asked for.
            let recommended = Task { try await answer(port, "POST", "/v1/recommend", bandit) }
            let rewarded = Task { try await answer(port, "POST", "/v1/feedback", feedback) }
            for path in ["/healthz", "/v1/pipelines", "/v1/items/i4/similar?pipeline=ab"] {
                #expect(try await answer(port, "GET", path).status == 200, "\(outage): \(path)")
            }
            let plain = try await replica.call(
                "POST", "/v1/recommend", #"{"user": "u5", "pipeline": "plain"}"#)
            #expect(plain.status == 200, "\(outage)")
            #expect(plain.json["requestId"] == nil, "\(outage): answered, not logged")
            for call in [recommended, rewarded] {
                let (status, message) = try await call.value
                #expect(status == 503, "\(outage)")
                #expect(message.contains("feedback store"), "\(outage): \(message)")
            }
            // Every bandit endpoint says so (at once, now that the store knows it is out of reach).
            for (method, path, body) in [
                ("POST", "/v1/recommend", bandit), ("POST", "/v1/feedback", feedback),
                ("GET", "/v1/ab/report?pipeline=ab", nil),
                ("GET", "/v1/explain?user=u5&item=\(item)&pipeline=ab", nil),
            ] {
                let answer = try await replica.call(method, path, body)
                #expect(answer.status == 503, "\(outage): \(path)")
                #expect(message(answer).contains("feedback store"), "\(outage): \(message(answer))")
            }
            #expect(
                try await replica.call("GET", "/v1/explain?user=u5&item=\(item)&pipeline=plain")
                    .status == 200)
            try await proxy.restore()
            var back = (status: 0, json: [String: Any]())
            for _ in 0..<300 where back.status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                back = try await replica.call("POST", "/v1/recommend", bandit)
            }
            #expect(back.status == 200, "\(outage): the replica serves the bandit again")
        }
        let late = try await replica.call("POST", "/v1/feedback", feedback)
        #expect(late.status == 202, "feedback for a response served before the outages")

        try await proxy.becomeDeaf()
        let waiting = Task { try? await answer(port, "POST", "/v1/recommend", bandit) }
        try await Task.sleep(for: .milliseconds(300))
        replica.process.terminate()
        #expect(try await replica.exits(within: .seconds(60)), "SIGTERM ends the replica")
        #expect(replica.process.terminationStatus == 0, "gracefully")
        _ = await waiting.value
        await proxy.goDown()
    }

    /// Feedback and events sent to one replica reach the other through the database.
    @Test func feedbackEventsAndItemsSentToOneReplicaAreSeenByTheOther() async throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        let store = "\(try #require(postgresURL))?schema=r\(UInt32.random(in: 0...UInt32.max))"
        try folder.write(
            "pipelines.yaml",
            "feedback-store: \(store)\n" + dataset + """

                events:
                  kinds: {click: {weight: 1}, dislike: {weight: -1}}
                pipelines:
                  ab:
                    n: 4
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: bandit, arms: [als, popular]}
                """)
        // The second starts once the first has fitted: it loads the same artifacts.
        let first = try await Replica(config: "pipelines.yaml", in: folder.path)
        let second = try await Replica(config: "pipelines.yaml", in: folder.path)

        let served = try await first.call("POST", "/v1/recommend", #"{"user": "u5"}"#)
        #expect(served.status == 200)
        let request = try #require(served.json["requestId"] as? String)
        let items = try #require(served.json["recommendations"] as? [[String: Any]])
        let item = try #require(items.first?["item"] as? String)
        let placed = items.map { ($0["placement"] as? [String: Any])?["arm"] as? String }
        let arm = try #require(placed.first ?? nil)
        let pulls = placed.filter { $0 == arm }.count
        let feedback = #"{"requestId": "\#(request)", "item": "\#(item)", "reward": 1}"#
        let recorded = try await first.call("POST", "/v1/feedback", feedback)
        #expect(recorded.status == 202 && recorded.json["recorded"] as? Bool == true)

        // The other replica's report and bandit state include it; its own feedback for the
        // same item is the same feedback, counted once.
        let report = try await second.call("GET", "/v1/ab/report?pipeline=ab")
        #expect(report.status == 200)
        let arms = try #require(report.json["arms"] as? [[String: Any]])
        let reported = try #require(arms.first { $0["arm"] as? String == arm })
        #expect(reported["rewards"] as? Double == 1)
        #expect(reported["pulls"] as? Int == pulls)
        let explained = try await second.call(
            "GET", "/v1/explain?user=u5&item=\(item)&pipeline=ab")
        let bandit = try #require(explained.json["bandit"] as? [String: Any])
        let state = try #require(
            (bandit["arms"] as? [[String: Any]])?.first { $0["arm"] as? String == arm })
        #expect(state["successes"] as? Double == 1)
        #expect(state["pulls"] as? Int == pulls)
        let again = try await second.call("POST", "/v1/feedback", feedback)
        #expect(again.status == 202 && again.json["recorded"] as? Bool == false)
        let conflicting = try await second.call(
            "POST", "/v1/feedback", feedback.replacingOccurrences(of: "1}", with: "0}"))
        #expect(conflicting.status == 409)
        #expect(
            (conflicting.json["error"] as? [String: Any])?["message"] as? String
                == "item '\(item)' of request '\(request)' already has the reward 1; feedback is "
                + "recorded once")

        // A dislike sent to one replica takes the item out of what the other serves.
        let dislike = try await first.call(
            "POST", "/v1/events",
            #"{"events": [{"id": "d1", "user": "u5", "item": "\#(item)", "kind": "dislike"}]}"#)
        #expect(dislike.status == 202)
        let excluded = try await second.call(
            "GET", "/v1/explain?user=u5&item=\(item)&pipeline=ab")
        #expect(excluded.json["filteredBy"] as? [String] == ["request exclude"], "\(excluded.json)")
        let repeated = try await second.call(
            "POST", "/v1/events",
            #"{"events": [{"id": "d1", "user": "u5", "item": "\#(item)", "kind": "dislike"}]}"#)
        #expect(repeated.json["repeated"] as? Int == 1)

        // An item added through one replica is served by the other at its next look at the
        // store (every five seconds), and so is its retirement.
        let added = try await first.call(
            "POST", "/v1/items", #"{"items": [{"id": "new-1", "genres": ["g2"]}]}"#)
        #expect(added.status == 200, "\(added.json)")
        #expect(try await first.call("GET", "/v1/explain?user=u5&item=new-1").status == 200)
        var seen = try await second.call("GET", "/v1/explain?user=u5&item=new-1")
        for _ in 0..<150 where seen.status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            seen = try await second.call("GET", "/v1/explain?user=u5&item=new-1")
        }
        #expect(seen.status == 200, "\(seen.json)")
        let retired = try await second.call(
            "POST", "/v1/items", #"{"items": [{"id": "\#(item)", "retired": true}]}"#)
        #expect(retired.status == 200)
        var filtered = try await first.call("GET", "/v1/explain?user=u6&item=\(item)")
        func retiredFilter() -> Bool {
            (filtered.json["filteredBy"] as? [String])?.contains("retired") == true
        }
        for _ in 0..<150 where !retiredFilter() {
            try await Task.sleep(for: .milliseconds(100))
            filtered = try await first.call("GET", "/v1/explain?user=u6&item=\(item)")
        }
        #expect(retiredFilter(), "\(filtered.json)")
    }

    /// The server awaits the store, holding no thread while it answers: 64 bandit requests at
    /// once against a database that takes 50 ms more to answer each statement (a slow proxy)
    /// take a few delays longer than against the same database without the delay (each
    /// request reads the arms' states, then logs what it showed: two statements in turn), not
    /// the 64 × 2 delays / 2 threads (3.2 s) longer that requests waiting on the store in turn
    /// on the machine's threads would take. The same burst without the delay is the baseline,
    /// so that the time the requests compute, which a busy machine stretches, cancels out.
    @Test func sixtyFourBanditRequestsOnASlowStoreTakeAFewDelaysNotSixtyFour() async throws {
        let url = try #require(postgresURL)
        let database = try #require(URLComponents(string: url))
        let proxy = try await TCPProxy(
            to: try #require(database.host), port: database.port ?? 5432)
        var store = database
        store.port = proxy.port
        store.query = "schema=w\(UInt32.random(in: 0...UInt32.max))"
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "pipelines.yaml",
            "feedback-store: \(try #require(store.string))\n" + dataset + """

                pipelines:
                  ab:
                    n: 3
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: bandit, arms: [als, popular]}
                """)
        let holder = try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", logger: silentLogger)
        try await withServer(holder) { client in
            func burst() async throws -> (seconds: Double, statuses: [Int]) {
                let start = ContinuousClock.now
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for user in 0..<64 {
                        group.addTask {
                            let response = try await post(
                                client, "/v1/recommend", #"{"user": "u\#(user % 20)"}"#)
                            return Int(response.status.code)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let elapsed = ContinuousClock.now - start
                return (
                    Double(elapsed.components.seconds)
                        + Double(elapsed.components.attoseconds) / 1e18, statuses
                )
            }
            // The first burst creates the tables and opens the pool's connections.
            let first = try await burst()
            #expect(first.statuses.allSatisfy { $0 == 200 }, "\(first)")
            var (fast, slow) = (Double.infinity, Double.infinity)
            for _ in 0..<2 {
                proxy.slow(by: .zero)
                let baseline = try await burst()
                proxy.slow(by: .milliseconds(50))
                let delayed = try await burst()
                #expect((baseline.statuses + delayed.statuses).allSatisfy { $0 == 200 })
                (fast, slow) = (min(fast, baseline.seconds), min(slow, delayed.seconds))
            }
            #expect(
                slow - fast < 0.8,
                "64 requests took \(slow) s on the slow store, \(fast) s without the delay")
        }
    }
}
