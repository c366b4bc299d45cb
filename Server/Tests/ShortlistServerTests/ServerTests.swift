import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import Prometheus
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// Planted data with `pipelines` (by default a hand-weighted pipeline and a bandit pipeline),
/// prepared for serving.
func served(cacheBytes: Int = 0, pipelines: String = servedPipelines) throws -> (
    PipelineHolder, TemporaryDirectory
) {
    let folder = try TemporaryDirectory()
    let dataset = try folder.writeDelimited(PlantedClusters().dataset)
    try folder.write("pipelines.yaml", dataset + "\n" + pipelines)
    return (
        try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", cacheBytes: cacheBytes, logger: silentLogger),
        folder
    )
}

/// The pipelines `served` serves unless told otherwise.
let servedPipelines = """
    pipelines:
      default:
        n: 5
        candidates:
          - {name: als, type: matrix-factorization, limit: 20, factors: 8}
          - {name: popular, type: weighted-rating, limit: 20}
        ranker: {type: weighted-average, weights: {popular: 0.1}}
      ab:
        n: 3
        candidates:
          - {name: als, type: matrix-factorization, limit: 20, factors: 8}
          - {name: popular, type: weighted-rating, limit: 20}
        ranker: {type: bandit, arms: [als, popular]}
    """

/// The registry swift-metrics reports to, bootstrapped once for the test process.
let metrics: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(DescribedMetricsFactory(registry: registry))
    return registry
}()

/// Runs `body` against the server's router: in process, or `.live` on a loopback port.
func withServer<Value: Sendable>(
    _ served: PipelineHolder, _ setup: TestingSetup = .router,
    _ body: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let app = Application(
        router: try Routes.router(served, metrics: metrics),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    return try await app.test(setup) { client in try await body(client) }
}

/// A response body as JSON.
func object(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(response.body.readableBytesView)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

func post(_ client: any TestClientProtocol, _ uri: String, _ json: String) async throws
    -> TestResponse
{
    try await client.execute(
        uri: uri, method: .post, headers: [.contentType: "application/json"],
        body: ByteBuffer(string: json))
}

@Suite struct ServerTests {
    @Test func healthAndPipelines() async throws {
        let (served, _) = try served()
        try await withServer(served) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(try object(health)["status"] as? String == "ok")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(try object(ready)["pipelines"] as? Int == 2)
            let list = try await client.execute(uri: "/v1/pipelines", method: .get)
            let pipelines = try #require(try object(list)["pipelines"] as? [[String: Any]])
            #expect(pipelines.map { $0["name"] as? String } == ["default", "ab"])
            let stages = try #require(pipelines[0]["stages"] as? [[String: Any]])
            #expect(stages.map { $0["name"] as? String } == ["als", "popular"])
            #expect((stages[0]["artifact"] as? String)?.hasPrefix("matrix-factorization-") == true)
        }
    }

    @Test func recommendationsAreTheRequestPathsOwn() async throws {
        let (served, _) = try served()
        let pipeline = try served.served().pipelines[0]
        let expected = pipeline.recommend(userID: "u5")
        try await withServer(served) { client in
            let response = try await post(
                client, "/v1/recommend", #"{"user": "u5", "explain": true}"#)
            #expect(response.status == .ok)
            let answer = try object(response)
            #expect(answer["pipeline"] as? String == "default")
            #expect(answer["requestId"] == nil)
            let items = try #require(answer["recommendations"] as? [[String: Any]])
            #expect(
                items.map { $0["item"] as? String }
                    == expected.map { pipeline.dataset.itemIDs[$0.item] })
            // JSON carries the shortest text of each score; reading it back may differ in the
            // last bit.
            for (item, ranked) in zip(items, expected) {
                #expect(abs((item["score"] as? Double ?? .nan) - ranked.score) < 1e-12)
            }
            #expect(items.map { $0["rank"] as? Int } == [1, 2, 3, 4, 5])
            #expect((items[0]["summary"] as? String)?.hasPrefix("Mostly because ") == true)
            let stages = try #require(items[0]["stages"] as? [[String: Any]])
            #expect(stages.count == 2 && stages.allSatisfy { $0["explanation"] != nil })
            let cold = try await post(client, "/v1/recommend", #"{"user": "someone new", "n": 2}"#)
            #expect(cold.status == .ok)
            #expect((try object(cold)["recommendations"] as? [Any])?.count == 2)
        }
    }

    @Test func aNewUsersHistoryIsFoldedIn() async throws {
        let (served, _) = try served()
        try await withServer(served) { client in
            let response = try await post(
                client, "/v1/recommend",
                #"{"user": "newbie", "n": 5, "history": [{"item": "i2", "rating": 5}, {"item": "i6"}, {"item": "i10", "timestamp": 5}, {"item": "i14", "rating": 4}]}"#
            )
            #expect(response.status == .ok)
            let items = try #require(try object(response)["recommendations"] as? [[String: Any]])
            let indices = items.compactMap {
                ($0["item"] as? String).flatMap { Int($0.dropFirst()) }
            }
            #expect(indices.filter { $0 % 4 == 2 }.count >= 4, "\(indices)")
            #expect(indices.allSatisfy { ![2, 6, 10, 14].contains($0) })
        }
    }

    @Test func badRequestsGetAStatusAndAMessageThatNamesTheProblem() async throws {
        let (served, _) = try served()
        let cases: [(String, HTTPResponse.Status, String)] = [
            (
                #"{"user": "u5""#, .badRequest,
                "the body is not valid JSON: a ',' or '}' should follow at byte 13"
            ),
            (
                #"{"user": "u5", "n": "five"}"#, .badRequest,
                "'n' must be an integer from 1 to 1000, found 'five'"
            ),
            (#"{"user": 5}"#, .badRequest, "'user' must be a string"),
            (#"{"n": 3}"#, .badRequest, "missing key 'user' in the body"),
            (
                #"{"user": "u5", "explian": true}"#, .badRequest,
                "unknown key 'explian' in the body. Did you mean 'explain'?"
            ),
            (
                #"{"user": "u5", "pipeline": "defualt"}"#, .notFound,
                "no pipeline named 'defualt'. Did you mean 'default'?"
            ),
            (
                #"{"user": "u5", "n": 0}"#, .badRequest,
                "'n' must be an integer from 1 to 1000, found 0"
            ),
            (
                #"{"user": "u5", "exclude": ["nope"]}"#, .notFound,
                "'exclude[0]' names item 'nope', which the dataset does not have"
            ),
            (
                #"{"user": "u5", "user": "u6"}"#, .badRequest,
                "the key 'user' is given twice in the body"
            ),
            (
                #"{"user": "u5", "history": [{"item": "i1"}, {"item": "i2", "\u0069tem": "i3"}]}"#,
                .badRequest, "the key 'item' is given twice in 'history[1]'"
            ),
            (
                #"{"user": "u5", "history": [{"item": "i1", "rating": "high"}]}"#, .badRequest,
                "'history[0].rating' must be a number"
            ),
            // Numbers are decimal only.
            (
                #"{"user": "u5", "n": 0x10}"#, .badRequest,
                "the body is not valid JSON: a ',' or '}' should follow at byte 21"
            ),
            (
                #"{"user": "u5", "history": [{"item": "i1", "rating": 0x4}]}"#, .badRequest,
                "the body is not valid JSON: a ',' or '}' should follow at byte 53"
            ),
            // Strict JSON: no trailing comma, no null for a key left out.
            (
                #"{"user": "u5",}"#, .badRequest,
                "the body is not valid JSON: a key should follow the comma at byte 14"
            ),
            (
                #"{"user": "u5", "pipeline": null}"#, .badRequest,
                "'pipeline' is null; leave an optional key out instead"
            ),
            (
                #"{"user": "u5", "exclude": ["i1",]}"#, .badRequest,
                "the body is not valid JSON: a value should follow the comma at byte 32"
            ),
        ]
        try await withServer(served) { client in
            for (body, status, message) in cases {
                let response = try await post(client, "/v1/recommend", body)
                #expect(response.status == status, "\(body)")
                let error = try #require(try object(response)["error"] as? [String: Any], "\(body)")
                #expect(error["message"] as? String == message, "\(body)")
                #expect(error["status"] as? Int == Int(status.code))
            }
            let huge = try await post(
                client, "/v1/recommend",
                #"{"user": ""# + String(repeating: "x", count: Routes.bodyLimit) + #""}"#)
            #expect(huge.status == .contentTooLarge)
            #expect(
                (try object(huge)["error"] as? [String: Any])?["message"] as? String
                    == "the request body is over \(Routes.bodyLimit) bytes")
            let explain = try await client.execute(uri: "/v1/explain?user=u5", method: .get)
            #expect(explain.status == .badRequest)
            let queries: [(String, HTTPRequest.Method, HTTPResponse.Status, String)] = [
                (
                    "/v1/explain?user=u5&item=i1&histroy=i2", .get, .badRequest,
                    "unknown parameter 'histroy'. Did you mean 'history'?"
                ),
                (
                    "/v1/ab/report?pipeline=ab&pipeline=ab", .get, .badRequest,
                    "the parameter 'pipeline' is given twice"
                ),
                (
                    "/v1/explain?user=u5&item=i1&history=:", .get, .badRequest,
                    "'history' is not valid: Interactions seen after the last fit, as "
                        + "ITEM[:RATING],… (a rating is a decimal number within ±1000000); an "
                        + "item the data lacks is a 404."
                ),
                (
                    "/v1/nope", .get, .notFound,
                    "no endpoint at /v1/nope; GET /openapi.json lists them"
                ),
                ("/v1/recommend", .get, .methodNotAllowed, "/v1/recommend takes POST, not GET"),
                (
                    "/v1/items/i4/similar", .delete, .methodNotAllowed,
                    "/v1/items/i4/similar takes GET, HEAD, not DELETE"
                ),
            ]
            for (uri, method, status, message) in queries {
                let answer = try await client.execute(uri: uri, method: method)
                #expect(answer.status == status, "\(uri)")
                let error = try #require(try object(answer)["error"] as? [String: Any], "\(uri)")
                #expect(error["message"] as? String == message, "\(uri)")
            }
            // curl's -d without a type sends a form: the answer says how to send JSON.
            let form = try await client.execute(
                uri: "/v1/recommend", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: #"{"user": "u5"}"#))
            #expect(form.status == .unsupportedMediaType)
            #expect(
                (try object(form)["error"] as? [String: Any])?["message"] as? String
                    == "the body must be JSON sent with Content-Type: application/json, found "
                    + "'application/x-www-form-urlencoded' (curl sends a form unless told: -H "
                    + "'Content-Type: application/json')")
            let float = try await post(client, "/v1/recommend", #"{"user": "u5", "n": 2.5}"#)
            let floatMessage =
                (try object(float)["error"] as? [String: Any])?["message"] as? String
            #expect(floatMessage == "'n' must be an integer from 1 to 1000, found 2.5")
            let stillFine = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
            #expect(stillFine.status == .ok)
        }
    }

    @Test func anIdHoldingAControlCharacterIsABadRequestWhereverItComes() async throws {
        let (served, _) = try served()
        let rest = "holds a control character (U+000A); an id is text without tabs or line ends"
        let bodies: [(String, String, String)] = [
            ("/v1/recommend", #"{"user": "zz\nerror: forged"}"#, "'user' \(rest)"),
            (
                "/v1/recommend", #"{"user": "u5", "exclude": ["i1", "i2\n"]}"#,
                "'exclude[1]' \(rest)"
            ),
            (
                "/v1/recommend", #"{"user": "u5", "history": [{"item": "i1\n"}]}"#,
                "'history[0].item' \(rest)"
            ),
            ("/v1/recommend", #"{"user": "u5", "pipeline": "a\nb"}"#, "'pipeline' \(rest)"),
            (
                "/v1/feedback", #"{"requestId": "r\n", "item": "i1", "reward": 1}"#,
                "'requestId' \(rest)"
            ),
            (
                "/v1/feedback", #"{"requestId": "r", "item": "i1\n", "reward": 1}"#,
                "'item' \(rest)"
            ),
        ]
        try await withServer(served) { client in
            for (uri, body, message) in bodies {
                let response = try await post(client, uri, body)
                #expect(response.status == .badRequest, "\(body)")
                let error = try #require(try object(response)["error"] as? [String: Any], "\(body)")
                #expect(error["message"] as? String == message, "\(body)")
            }
            for (uri, message) in [
                ("/v1/explain?user=u%0A5&item=i1", "'user' \(rest)"),
                ("/v1/items/i%0A4/similar", "the path segment 'i%0A4' \(rest)"),
            ] {
                let answer = try await client.execute(uri: uri, method: .get)
                #expect(answer.status == .badRequest, "\(uri)")
                let error = try #require(try object(answer)["error"] as? [String: Any], "\(uri)")
                #expect(error["message"] as? String == message, "\(uri)")
            }
        }
    }

    @Test func explainGivesTheCLIsJSON() async throws {
        let (served, _) = try served()
        let pipeline = try served.served().pipelines[0]
        let item = pipeline.dataset.itemIDs[
            try #require(pipeline.recommend(userID: "u5").first).item]
        let expected = try json(
            ItemExplanationOutput(
                try pipeline.explain(userID: "u5", itemID: item), pipeline: pipeline, user: "u5"),
            pretty: false)
        try await withServer(served) { client in
            let response = try await client.execute(
                uri: "/v1/explain?user=u5&item=\(item)", method: .get)
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body == expected)
            let unknown = try await client.execute(
                uri: "/v1/explain?user=u5&item=zzz", method: .get)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func similarItemsPerStageAndWhyNot() async throws {
        let (served, _) = try served()
        try await withServer(served) { client in
            let response = try await client.execute(uri: "/v1/items/i4/similar?n=3", method: .get)
            #expect(response.status == .ok)
            let lists = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                    as? [[String: Any]])
            #expect(lists.map { $0["stage"] as? String } == ["als"])
            #expect((lists.first?["similar"] as? [Any])?.count == 3)
            let cases: [(String, HTTPResponse.Status, String)] = [
                (
                    "/v1/items/i4/similar?stage=popular", .notFound,
                    "stage 'popular' (weighted-rating) of pipeline 'default' cannot list similar "
                        + "items; its stages that can: als (matrix-factorization)"
                ),
                (
                    "/v1/items/zzz/similar", .notFound,
                    "unknown item 'zzz': the dataset has no such item"
                ),
                (
                    "/v1/items/i4/similar?n=abc", .badRequest,
                    "'n' must be an integer from 1 to 1000, found 'abc'"
                ),
            ]
            for (uri, status, message) in cases {
                let answer = try await client.execute(uri: uri, method: .get)
                #expect(answer.status == status, "\(uri)")
                let said = (try object(answer)["error"] as? [String: Any])?["message"] as? String
                #expect(said == message)
            }
        }
    }

    /// An item id with a space, a slash, a percent sign and a non-ASCII letter is reached
    /// through its percent-encoding, as is any id spelt with escapes; an escape that is not
    /// valid is a 400 naming the segment.
    @Test func pathSegmentsArePercentDecoded() async throws {
        let (holder, folder) = try served()
        let odd = "a b/c%dé"
        for file in ["data/interactions.tsv", "data/items.tsv"] {
            let path = "\(folder.path)/\(file)"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try folder.write(
                file,
                text.replacingOccurrences(of: "\ti4\t", with: "\t\(odd)\t")
                    .replacingOccurrences(of: "\ni4\t", with: "\n\(odd)\t"))
        }
        #expect(holder.reloadIfChanged(force: true))
        let pipeline = try holder.served().pipelines[0]
        #expect(pipeline.dataset.item(odd) != nil)
        try await withServer(holder) { client in
            let similar = try await client.execute(
                uri: "/v1/items/a%20b%2Fc%25d%C3%A9/similar?n=3", method: .get)
            #expect(similar.status == .ok, "\(String(buffer: similar.body))")
            let lists = try #require(
                try JSONSerialization.jsonObject(with: Data(similar.body.readableBytesView))
                    as? [[String: Any]])
            #expect((lists.first?["similar"] as? [Any])?.count == 3)
            let escaped = try await client.execute(uri: "/v1/items/%69%35/similar", method: .get)
            let plain = try await client.execute(uri: "/v1/items/i5/similar", method: .get)
            #expect(escaped.status == .ok && escaped.body == plain.body)
            for segment in ["%zz", "%FF", "i%5"] {
                let answer = try await client.execute(
                    uri: "/v1/items/\(segment)/similar", method: .get)
                #expect(answer.status == .badRequest, "\(segment)")
                #expect(
                    (try object(answer)["error"] as? [String: Any])?["message"] as? String
                        == "the path segment '\(segment)' is not valid percent-encoding: each '%' "
                        + "must start a '%XX' of two hexadecimal digits, and the bytes must be "
                        + "UTF-8")
            }
        }
    }

    @Test func aValidEditIsServedAndAnInvalidOneKeepsTheOldPipelines() async throws {
        let (holder, folder) = try served()
        let path = "\(folder.path)/pipelines.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!holder.reloadIfChanged(), "nothing changed")
        try folder.write(
            "pipelines.yaml", text.replacingOccurrences(of: "    n: 5\n", with: "    n: 2\n"))
        #expect(holder.reloadIfChanged())
        try folder.write(
            "pipelines.yaml",
            text.replacingOccurrences(of: "    n: 5\n", with: "    n: 5\n    nn: 3\n"))
        #expect(!holder.reloadIfChanged())
        try await withServer(holder) { client in
            let response = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
            #expect(
                (try object(response)["recommendations"] as? [Any])?.count == 2,
                "the valid edit serves")
            let list = try object(try await client.execute(uri: "/v1/pipelines", method: .get))
            let error = try #require(list["lastReloadError"] as? String)
            #expect(error.hasPrefix("\(path):"), "\(error)")
            #expect(
                error.contains(": error: unknown key 'nn' in pipeline 'default'. Did you mean 'n'?")
            )
        }
        // The watcher notices a change by itself, and a valid file clears the error.
        let watcher = Task {
            try await ReloadService(holder: holder, interval: .milliseconds(20)).run()
        }
        defer { watcher.cancel() }
        try folder.write("pipelines.yaml", text)
        for _ in 0..<250 where (try? holder.served().pipelines[0].resultCount) != 5 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try holder.served().pipelines[0].resultCount == 5)
        #expect(holder.lastReloadError == nil)
    }

    /// Starting, the server says which pipeline of the file it is preparing, and when each is
    /// ready, in the file's order.
    @Test func startingSaysWhichPipelineItIsPreparing() throws {
        let (_, folder) = try served()
        let lines = NIOLockedValueBox<[String]>([])
        _ = try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml",
            logger: Logger(label: "test") { _ in CapturingLogHandler(lines: lines) })
        let said = lines.withLockedValue { $0 }.filter {
            $0.hasPrefix("preparing pipeline ") || $0.hasPrefix("pipeline ")
        }
        #expect(said.count == 4, "\(said)")
        #expect(said.first == "preparing pipeline 'default' (1 of 2)")
        #expect(
            said.dropFirst().first?.hasPrefix("pipeline 'default' is ready (prepared in ") == true)
        #expect(said.dropFirst(2).first == "preparing pipeline 'ab' (2 of 2)")
        #expect(said.last?.hasPrefix("pipeline 'ab' is ready (prepared in ") == true)
    }

    /// A pipelines file that cannot be read is not reloaded: the watcher logs the system's
    /// reason once per reason and keeps serving, and once the same bytes are back it does not
    /// reload for nothing.
    @Test func anUnreadableFileIsNotReloadedAndTheSystemsReasonIsLoggedOnce() throws {
        let (_, folder) = try served()
        let lines = NIOLockedValueBox<[String]>([])
        let path = "\(folder.path)/pipelines.yaml"
        let holder = try PipelineHolder(
            path: path,
            logger: Logger(label: "test") { _ in CapturingLogHandler(lines: lines) })
        let text = try String(contentsOfFile: path, encoding: .utf8)
        lines.withLockedValue { $0 = [] }
        let loaded = try holder.served().loaded
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(!holder.reloadIfChanged())
        #expect(!holder.reloadIfChanged(force: true))
        try FileManager.default.removeItem(atPath: path)
        #expect(!holder.reloadIfChanged())
        #expect(!holder.reloadIfChanged())
        // A FIFO is refused at once (opening it for reading would wait for a writer).
        #expect(mkfifo(path, 0o600) == 0)
        #expect(!holder.reloadIfChanged())
        try FileManager.default.removeItem(atPath: path)
        try folder.write("pipelines.yaml", text)
        #expect(!holder.reloadIfChanged())
        let expected: [String] = [
            "it is a folder, not a file", "No such file or directory", "it is not a regular file",
        ].map {
            "cannot read \(path) to look for changes (\($0)); still serving the pipelines loaded "
                + "before"
        }
        #expect(lines.withLockedValue { $0 } == expected)
        #expect(holder.lastReloadError == nil)
        #expect(try holder.served().loaded == loaded)
        // The watcher goes on: an edit is reloaded.
        try folder.write("pipelines.yaml", text + "\n# edited\n")
        #expect(holder.reloadIfChanged())
    }

    @Test(.timeLimit(.minutes(1)))
    func aServerStartedOnAFIFOSaysSoAtOnce() throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/pipelines.yaml"
        #expect(mkfifo(path, 0o600) == 0)
        #expect {
            try PipelineHolder(path: path, logger: silentLogger)
        } throws: { error in
            "\(error)".contains("the pipelines file is not a regular file")
        }
    }

    @Test func metricsCountRequestsErrorsAndTimePerPipelineAndStage() async throws {
        let (served, _) = try served()
        let text = try await withServer(served) { client in
            _ = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
            _ = try await post(client, "/v1/recommend", #"{"user": "u5", "exclude": ["nope"]}"#)
            _ = try await post(client, "/v1/recommend", #"{"user": "u5",}"#)
            _ = try await post(client, "/v1/recommend", #"{"user": "u5", "pipeline": "nope"}"#)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            return String(buffer: response.body)
        }
        let lines = text.split(separator: "\n")
        #expect(
            lines.contains {
                $0.hasPrefix(#"shortlist_recommend_seconds_count{pipeline="default"}"#)
            })
        for stage in ["als", "popular", "ranker"] {
            #expect(
                lines.contains {
                    $0.hasPrefix(
                        #"shortlist_stage_seconds_count{pipeline="default",stage="\#(stage)"}"#)
                }, "\(stage)")
        }
        // Every refusal counts: a malformed body (400), an unknown item or pipeline (404). (The
        // registry is the test process's, which other tests' requests count in too.)
        #expect(
            lines.contains { $0.hasPrefix(#"shortlist_recommend_errors_total{status="400"} "#) })
        #expect(
            lines.contains { $0.hasPrefix(#"shortlist_recommend_errors_total{status="404"} "#) })
        // Every endpoint's requests, errors (none for a success) and latency.
        #expect(
            lines.contains {
                $0.hasPrefix("http_server_requests_total{") && $0.contains(#"status="200""#)
            })
        #expect(
            lines.contains {
                $0.hasPrefix("http_server_request_errors_total{") && $0.contains(#"status="404""#)
            })
        #expect(
            !lines.contains {
                $0.hasPrefix("http_server_request_errors_total{") && $0.contains(#"status="200""#)
            })
        #expect(lines.contains { $0.hasPrefix("http_server_request_duration_seconds_count{") })
        // Each metric says what it is.
        let types = lines.filter { $0.hasPrefix("# TYPE ") }.map {
            String($0.split(separator: " ")[2])
        }
        let described = lines.filter { $0.hasPrefix("# HELP ") }.map {
            String($0.split(separator: " ")[2])
        }
        #expect(!types.isEmpty)
        #expect(Set(types).subtracting(described).isEmpty, "\(types)")
    }

    @Test func aRepeatedRequestIsAnsweredFromTheCacheButABanditsOrAHistorysNever() async throws {
        let (served, _) = try served(cacheBytes: 1 << 20)
        @Sendable func hits(_ client: any TestClientProtocol) async throws -> Int {
            let text = String(
                buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let line = text.split(separator: "\n").first {
                $0.hasPrefix(#"shortlist_recommend_cache_hits_total{pipeline="default"}"#)
            }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }
        try await withServer(served) { client in
            let before = try await hits(client)
            let body = #"{"user": "u5", "n": 3, "explain": true}"#
            let first = try await post(client, "/v1/recommend", body)
            let second = try await post(client, "/v1/recommend", body)
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.body == second.body)
            #expect(try await hits(client) == before + 1)
            let other = try await post(client, "/v1/recommend", #"{"user": "u5", "n": 4}"#)
            #expect((try object(other)["recommendations"] as? [Any])?.count == 4, "n is in the key")
            let history = #"{"user": "u5", "history": [{"item": "i2"}]}"#
            _ = try await post(client, "/v1/recommend", history)
            _ = try await post(client, "/v1/recommend", history)
            #expect(try await hits(client) == before + 1, "a history is never cached")
            let bandit = #"{"user": "u5", "pipeline": "ab"}"#
            let ids = try await [
                post(client, "/v1/recommend", bandit), post(client, "/v1/recommend", bandit),
            ].map { try object($0)["requestId"] as? String }
            #expect(ids[0] != nil && ids[0] != ids[1], "each bandit response is its own")
        }
    }

    /// With ALS rewarded far above popularity, a new user (for whom ALS has nothing) gets the
    /// popular arm's items, each with its arm and propensity, all logged under the request id,
    /// so feedback on any of them is accepted: for twenty new users, one arm per response.
    @Test func feedbackOnAnyItemANewUsersBanditResponseShowedIsAccepted() async throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "pipelines.yaml",
            dataset + """

                pipelines:
                  ab:
                    n: 10
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: bandit, arms: [als, popular], mode: per-request}
                """)
        let holder = try PipelineHolder(
            path: "\(folder.path)/pipelines.yaml", logger: silentLogger)
        let store = try #require(try holder.served().store)
        for request in 0..<50 {
            try await store.record(
                ServedRequest(
                    id: "earlier-\(request)", pipeline: "ab", user: "u\(request % 20)",
                    impressions: [Impression(item: "i1", position: 1, arm: "als", propensity: 1)]))
            _ = try await store.recordFeedback(
                request: "earlier-\(request)", item: "i1", reward: 1)
        }
        try await withServer(holder) { client in
            for user in 0..<20 {
                let response = try await post(
                    client, "/v1/recommend",
                    #"{"user": "newcold-\#(user)", "pipeline": "ab", "n": 10}"#)
                #expect(response.status == .ok)
                let answer = try object(response)
                let request = try #require(answer["requestId"] as? String)
                let items = try #require(answer["recommendations"] as? [[String: Any]])
                #expect(items.count == 10)
                let placements = items.map { $0["placement"] as? [String: Any] }
                #expect(placements.allSatisfy { $0?["arm"] as? String == "popular" })
                #expect(placements.allSatisfy { $0?["propensity"] as? Double == 1 })
                for item in [items[0], items[9]] {
                    let id = try #require(item["item"] as? String)
                    let feedback = try await post(
                        client, "/v1/feedback",
                        #"{"requestId": "\#(request)", "item": "\#(id)", "reward": 1}"#)
                    #expect(feedback.status == .accepted, "\(String(buffer: feedback.body))")
                }
            }
        }
    }

    @Test func acknowledgedFeedbackIsInTheStore() async throws {
        let (served, folder) = try served()
        try await withServer(served) { client in
            let response = try await post(
                client, "/v1/recommend", #"{"user": "u5", "pipeline": "ab"}"#)
            let answer = try object(response)
            let request = try #require(answer["requestId"] as? String)
            let items = try #require(answer["recommendations"] as? [[String: Any]])
            let item = try #require(items.first?["item"] as? String)
            let arm = try #require(
                (items.first?["placement"] as? [String: Any])?["arm"] as? String)
            let body = #"{"requestId": "\#(request)", "item": "\#(item)", "reward": 1}"#
            let first = try await post(client, "/v1/feedback", body)
            #expect(first.status == .accepted)
            #expect(try object(first)["recorded"] as? Bool == true)
            let again = try await post(client, "/v1/feedback", body)
            #expect(try object(again)["recorded"] as? Bool == false)
            let unknown = try await post(
                client, "/v1/feedback", #"{"requestId": "nope", "item": "i1", "reward": 1}"#)
            #expect(unknown.status == .notFound)
            let hexadecimal = try await post(
                client, "/v1/feedback",
                #"{"requestId": "\#(request)", "item": "\#(item)", "reward": 0x1}"#)
            #expect(hexadecimal.status == .badRequest)
            let hexMessage =
                (try object(hexadecimal)["error"] as? [String: Any])?["message"] as? String
            #expect(
                hexMessage == "the body is not valid JSON: a ',' or '}' should follow at byte 80")
            let reread = try ServedPipelines.load(
                path: "\(folder.path)/pipelines.yaml", logger: silentLogger)
            let states = try await #require(reread.store).armStates(
                pipeline: "ab", arms: ["als", "popular"])
            #expect(states[arm == "als" ? 0 : 1].rewards == 1)
        }
    }
}

/// The folder this package's products and test bundle are built in.
let built = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

/// The package above's `shortlist` binary, which its own tests build.
func builtShortlist() throws -> String {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return try #require(
        ["debug", "release"].map { root.appendingPathComponent(".build/\($0)/shortlist").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) },
        "build the package above first (swift test there builds .build/debug/shortlist)")
}

@Suite struct StartTests {
    /// A server answers before its pipelines are prepared: it is live (`/healthz`) at once,
    /// and not ready (`/readyz` and what needs the pipelines answer 503, saying how many are
    /// ready, with Retry-After) until they are; then it serves them.
    @Test func aServerIsLiveAtOnceAndReadyOnceItsPipelinesArePrepared() async throws {
        let (prepared, folder) = try served()
        withExtendedLifetime(prepared) {}
        let holder = try PipelineHolder(
            preparing: "\(folder.path)/pipelines.yaml", logger: silentLogger)
        try await withServer(holder) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let early = try await client.execute(uri: "/readyz", method: .get)
            #expect(early.status == .serviceUnavailable)
            #expect(early.headers[.retryAfter] == "5")
            #expect(try object(early)["status"] as? String == "preparing")
            #expect(try object(early)["ready"] as? Int == 0)
            #expect(try object(early)["pipelines"] as? Int == 2)
            let refused = try await post(client, "/v1/recommend", #"{"user": "u5"}"#)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] == "5")
            #expect(
                (try object(refused)["error"] as? [String: Any])?["message"] as? String
                    == "the server is preparing its pipelines (0 of 2 ready); GET /readyz "
                    + "answers 200 once they are")
            try holder.prepare()
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(try object(ready)["status"] as? String == "ready")
            #expect(try object(ready)["ready"] as? Int == 2)
            #expect(try await post(client, "/v1/recommend", #"{"user": "u5"}"#).status == .ok)
        }
    }

    /// A server of a subset of the file's pipelines prepares and serves only those (the first
    /// of them is the default); a name the file does not have is refused with the nearest.
    @Test func aServerServesTheNamedPipelinesOnly() async throws {
        let (full, folder) = try served()
        withExtendedLifetime(full) {}
        let path = "\(folder.path)/pipelines.yaml"
        let holder = try PipelineHolder(path: path, only: ["ab"], logger: silentLogger)
        #expect(try holder.served().pipelines.map(\.name) == ["ab"])
        try await withServer(holder) { client in
            let answer = try object(try await post(client, "/v1/recommend", #"{"user": "u5"}"#))
            #expect(answer["pipeline"] as? String == "ab")
            let other = try await post(
                client, "/v1/recommend", #"{"user": "u5", "pipeline": "default"}"#)
            #expect(other.status == .notFound)
        }
        #expect {
            try PipelineHolder(preparing: path, only: ["ab", "defualt"], logger: silentLogger)
        } throws: { error in
            "\(error)" == "\(path) has no pipeline named 'defualt'. Did you mean 'default'?"
        }
    }
}

@Suite struct HandOverTests {
    /// `shortlist serve` of the package above runs this package's shortlist-server.
    @Test func shortlistServeRunsThisServer() throws {
        let server = built.appendingPathComponent("shortlist-server").path
        let shortlist = try builtShortlist()
        #expect(FileManager.default.isExecutableFile(atPath: server))
        let folder = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shortlist)
        process.arguments = ["serve", "--config", "missing.yaml"]
        process.environment = ["PATH": built.path]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(
            decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(
            message.contains("missing.yaml") && message.contains("does not exist"), "\(message)")
    }
}

@Suite struct ResponseCacheTests {
    @Test func theCacheKeepsWhatIsAskedAgainWithinItsBudget() {
        let cache = ResponseCache<[UInt8]>(capacity: 400)
        func answer(_ size: Int) -> [UInt8] { [UInt8](repeating: 7, count: size) }
        cache.keep(answer(50), size: 50, for: "a")
        cache.keep(answer(50), size: 50, for: "b")
        #expect(cache.answer(for: "a") == answer(50))
        // The young generation holds half the budget: d pushes a, b and c into the old one,
        // where a is asked for again and comes back to the young one; f then pushes the young
        // one out, and the old one, with b, goes.
        cache.keep(answer(60), size: 60, for: "c")
        cache.keep(answer(60), size: 60, for: "d")
        #expect(cache.answer(for: "a") != nil)
        cache.keep(answer(60), size: 60, for: "e")
        cache.keep(answer(60), size: 60, for: "f")
        #expect(cache.answer(for: "b") == nil)
        #expect(cache.answer(for: "a") != nil)
        cache.keep(answer(300), size: 300, for: "huge")
        #expect(cache.answer(for: "huge") == nil, "over half the budget is not kept")
        let off = ResponseCache<[UInt8]>(capacity: 0)
        off.keep(answer(1), size: 1, for: "x")
        #expect(off.answer(for: "x") == nil)
    }
}

/// A logger that drops every message.
let silentLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Keeps each logged message, for a test to read.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLockedValue { $0.append("\(event.message)") }
    }
}
