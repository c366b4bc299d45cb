import Foundation
import Hummingbird
import HummingbirdTesting
import ShortlistServer
import ShortlistTestSupport
import Testing

/// Debian's Chromium, which `.ci/run` installs.
let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// The page's DOM after its script has run: `chromium --headless --dump-dom`, written to a
/// file, so that no thread of the pool that serves the page waits on a pipe.
func renderedPage(_ url: String) async throws -> String {
    let profile = try TemporaryDirectory()
    let dump = "\(profile.path)/dom.html"
    try Data().write(to: URL(fileURLWithPath: dump))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try #require(chromium))
    process.arguments = [
        "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)/profile",
        "--virtual-time-budget=20000", "--dump-dom", url,
    ]
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dump))
    process.standardError = FileHandle.nullDevice
    let done = AsyncStream<Void> { continuation in
        process.terminationHandler = { _ in continuation.finish() }
    }
    try process.run()
    let timeout = Task {
        try await Task.sleep(for: .seconds(90))
        process.interrupt()
        try await Task.sleep(for: .seconds(5))
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    for await _ in done {}
    timeout.cancel()
    return try String(contentsOfFile: dump, encoding: .utf8)
}

@Suite struct PageTests {
    @Test(.enabled(if: chromium != nil, "needs Debian's chromium package"))
    func thePageDrawsTheRecommendationsEachStagesShareAndWhyNot() async throws {
        let (served, _) = try served()
        try await withServer(served, .live) { client in
            let port = try #require(client.port)
            let answer = try object(
                try await post(
                    client, "/v1/recommend", #"{"user": "u5", "n": 4, "explain": true}"#))
            let items = try #require(answer["recommendations"] as? [[String: Any]])
            let last =
                try #require(
                    try object(
                        try await post(client, "/v1/recommend", #"{"user": "u5", "n": 30}"#)
                    )["recommendations"] as? [[String: Any]]
                ).last?["item"] as? String
            let below = try #require(last)
            let explained = try object(
                try await client.execute(
                    uri: "/v1/explain?user=u5&item=\(below)&n=4", method: .get))

            let dom = try await renderedPage(
                "http://127.0.0.1:\(port)/?pipeline=default&user=u5&n=4&why=\(below)")
            #expect(dom.contains(#"data-done="true""#), "the script did not finish: \(dom)")
            let listed = dom.matches(of: /<li class="item" data-item="([^"]*)"/).map {
                String($0.output.1)
            }
            #expect(listed == items.compactMap { $0["item"] as? String })
            // One bar per stage (and one for terms from no stage), as long as its share, under a
            // legend that says what the bars are.
            let rows = dom.split(separator: #"<li class="item""#).dropFirst()
            for (row, item) in zip(rows, items) {
                var shares: [String: Double] = ["als": 0, "popular": 0]
                for term in try #require(item["contributions"] as? [[String: Any]]) {
                    shares[term["source"] as? String ?? "the ranker's own terms", default: 0] +=
                        try #require(term["value"] as? Double)
                }
                let bars = row.matches(of: /data-stage="([^"]*)" data-value="([^"]*)"/)
                var drawn: [String: Double] = [:]
                for bar in bars { drawn[String(bar.output.1)] = Double(bar.output.2) }
                #expect(Set(drawn.keys) == Set(shares.keys))
                for (stage, share) in shares {
                    #expect(abs((drawn[stage] ?? .nan) - share) < 1e-9, "\(stage)")
                }
                let summary = try #require(item["summary"] as? String)
                #expect(row.contains(#"<div class="summary">\#(escaped(summary))</div>"#))
                #expect(row.contains(#"<div class="legend meta">Each bar is a share of"#))
            }
            let verdict = try #require(explained["verdict"] as? String)
            #expect(verdict == "below-cutoff")
            #expect(dom.contains(#"data-verdict="\#(verdict)""#))
            let stages = dom.matches(of: /<li data-stage="([^"]*)" data-nominated="([^"]*)"/)
            let views = try #require(explained["stages"] as? [[String: Any]])
            #expect(
                stages.map { String($0.output.1) } == views.compactMap { $0["stage"] as? String })
            #expect(
                stages.map { $0.output.2 == "true" }
                    == views.compactMap { $0["nominated"] as? Bool })
        }
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium package"))
    func aNewUsersLikedItemsAreSentAsTheirHistory() async throws {
        let (served, _) = try served()
        try await withServer(served, .live) { client in
            let port = try #require(client.port)
            let answer = try object(
                try await post(
                    client, "/v1/recommend",
                    #"{"user": "new user", "n": 4, "history": [{"item": "i2"}, {"item": "i6"}]}"#))
            let expected = try #require(answer["recommendations"] as? [[String: Any]]).compactMap {
                $0["item"] as? String
            }
            let cold = try object(
                try await post(client, "/v1/recommend", #"{"user": "new user", "n": 4}"#))
            let dom = try await renderedPage("http://127.0.0.1:\(port)/?liked=i2,%20i6&n=4")
            let listed = dom.matches(of: /<li class="item" data-item="([^"]*)"/).map {
                String($0.output.1)
            }
            #expect(listed == expected)
            #expect(
                listed
                    != (cold["recommendations"] as? [[String: Any]])?.compactMap {
                        $0["item"] as? String
                    },
                "the history changes the list")
            #expect(dom.contains("with 2 liked items folded in"))
        }
    }

    @Test(.enabled(if: chromium != nil, "needs Debian's chromium package"))
    func aBanditsItemsNameTheirArmAndAnUnknownPipelineIsNamed() async throws {
        let (served, _) = try served()
        try await withServer(served, .live) { client in
            let port = try #require(client.port)
            // A bandit's items say which arm placed them, with no stage bars.
            let bandit = try await renderedPage(
                "http://127.0.0.1:\(port)/?pipeline=ab&user=u5&n=3")
            let placed = bandit.split(separator: #"<li class="item""#).dropFirst()
            #expect(placed.count == 3)
            for row in placed {
                #expect(row.contains("Placed by the bandit's arm "), "\(row)")
                #expect(!row.contains("data-stage="))
            }
            let unknown = try await renderedPage("http://127.0.0.1:\(port)/?pipeline=nope&user=u5")
            #expect(unknown.contains("No pipeline named 'nope'; the pipelines are default, ab."))
        }
    }
}

/// Text as the DOM serialises it.
func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;")
}
