import Foundation
import ShortlistTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A `shortlist serve` process on a loopback port of its own choosing.
final class Replica {
    let process = Process()
    let port: Int

    /// Starts `shortlist serve --config config --port 0` (which runs this package's
    /// shortlist-server) with its log in a file, and waits until the log says where it listens.
    init(config: String, in folder: String) async throws {
        let shortlist = try builtShortlist()
        let log = "\(folder)/replica-\(UInt32.random(in: 0...UInt32.max)).log"
        try Data().write(to: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: shortlist)
        process.arguments = ["serve", "--config", config, "--port", "0"]
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
    }

    struct ReplicaError: Error { var log: String }

    deinit {
        process.terminate()
        process.waitUntilExit()
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
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("\(method) \(path): \(status) \(String(decoding: data, as: UTF8.self))")
            return (status, [:])
        }
        return (status, json)
    }
}

@Suite(.enabled(if: postgresURL != nil, "needs SHORTLIST_TEST_POSTGRES (.ci/run starts one)"))
struct ReplicaTests {
    @Test func feedbackSentToOneReplicaIsSeenByTheOthersBanditAndReport() async throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        let store = "\(try #require(postgresURL))?schema=r\(UInt32.random(in: 0...UInt32.max))"
        try folder.write(
            "pipelines.yaml",
            "feedback-store: \(store)\n" + dataset + """

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
        let request = try #require(served.json["request_id"] as? String)
        let items = try #require(served.json["items"] as? [[String: Any]])
        let item = try #require(items.first?["item"] as? String)
        let arm = try #require(items.first?["arm"] as? String)
        let pulls = items.filter { $0["arm"] as? String == arm }.count
        let feedback = #"{"request_id": "\#(request)", "item": "\#(item)", "reward": 1}"#
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
        #expect(conflicting.status == 400)
        #expect(
            (conflicting.json["error"] as? [String: Any])?["message"] as? String
                == "item '\(item)' of request '\(request)' already has the reward 1; feedback is "
                + "recorded once")
    }
}
