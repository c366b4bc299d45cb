import Foundation
import ShortlistTestSupport
import Testing

/// Explanations a non-expert reads: a plain sentence made from the same numbers, words instead
/// of model names by default, the exact numbers in `--detail` and JSON.
@Suite struct PlainExplanationTests {
    /// The planted project with ALS and popularity blended by `weights`.
    func blended(als: Double, popular: Double, popularLimit: Int = 80, excludeSeen: Bool = true)
        throws
        -> TemporaryDirectory
    {
        try project(
            """
            pipelines:
              default:
                n: 5
                candidates:
                  - {name: als, type: matrix-factorization, limit: 40, factors: 8}
                  - {name: popular, type: weighted-rating, limit: \(popularLimit)}
                filters: {exclude-seen: \(excludeSeen)}
                ranker: {type: weighted-average, weights: {als: \(als), popular: \(popular)}}
            """)
    }

    func recommendations(_ folder: TemporaryDirectory) throws -> [[String: Any]] {
        let run = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--format", "json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require(object["recommendations"] as? [[String: Any]])
    }

    @Test func theSentenceLeadsWithTheStageThatWeighsMostAndNamesItsLikedItems() throws {
        let tasteFirst = try recommendations(try blended(als: 1, popular: 0.1))
        var checked = 0
        for item in tasteFirst {
            let summary = try #require(item["summary"] as? String)
            let stages = try #require(item["stages"] as? [[String: Any]])
            guard stages.allSatisfy({ $0["nominated"] as? Bool == true }) else { continue }
            checked += 1
            #expect(summary.hasPrefix("Mostly because you "), "\(summary)")
            #expect(summary.contains("; also it is popular: "), "\(summary)")
            #expect(summary.hasSuffix(" average."), "\(summary)")
            let terms = try #require(
                (stages[0]["explanation"] as? [String: Any])?["terms"] as? [[String: Any]])
            let liked = terms.filter {
                $0["kind"] as? String == "history-item" && ($0["value"] as? Double ?? 0) > 0
            }.sorted { ($0["value"] as? Double ?? 0) > ($1["value"] as? Double ?? 0) }
            for term in liked.prefix(2) {
                let title = try #require(term["historyTitle"] as? String)
                #expect(summary.contains(title), "\(summary) lacks \(title)")
            }
        }
        #expect(checked > 0)
        let popularFirst = try recommendations(try blended(als: 0.1, popular: 1))
        let first = try #require(popularFirst.first?["summary"] as? String)
        #expect(first.hasPrefix("Mostly because it is popular: "), "\(first)")
    }

    /// An item below the cut-off is explained by what it loses against the last item shown:
    /// the gap in score and the ranker's terms where it is lower, the largest loss first.
    @Test func whyNotNamesTheTermsWhereItLosesMostAgainstTheLastItemShown() throws {
        let folder = try blended(als: 1, popular: 0.3)
        let run = try shortlist(
            ["recommend", "--user", "u5", "-n", "6", "--explain", "--format", "json"],
            in: folder.path)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let items = try #require(object["recommendations"] as? [[String: Any]])
        try #require(items.count == 6)
        func terms(_ item: [String: Any]) throws -> [String: Double] {
            let list = try #require(item["contributions"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: list.map {
                    ($0["name"] as? String ?? "", $0["value"] as? Double ?? 0)
                })
        }
        let (last, cut) = (items[4], items[5])
        let (shown, mine) = (try terms(last), try terms(cut))
        let losses = Set(shown.keys).union(mine.keys).map {
            ($0, (mine[$0] ?? 0) - (shown[$0] ?? 0))
        }
        .filter { $0.1 < 0 }.sorted { $0.1 < $1.1 }
        let worst = try #require(losses.first)
        let explain = try shortlist(
            ["explain", "--user", "u5", "--item", try #require(cut["item"] as? String)],
            in: folder.path)
        #expect(explain.status == 0, "\(explain.stderr)")
        let line = try #require(
            explain.stdout.split(separator: "\n").first { $0.hasPrefix("why not: ") })
        let gap = (last["score"] as? Double ?? 0) - (cut["score"] as? Double ?? 0)
        let title = try #require(last["title"] as? String)
        #expect(
            line.hasPrefix("why not: it scores ") && line.contains(" less than #5 \(title), "),
            "\(line)")
        #expect(line.contains(String(format: "%.4f", gap)), "\(line) (gap \(gap))")
        #expect(line.contains("; it loses most on \(worst.0) ("), "\(line); losses \(losses)")
        #expect(!explain.stdout.contains("\nwhy: "))
    }

    @Test func plainWordsByDefaultAndEveryModelNameInDetail() throws {
        let folder = try project()
        let plain = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        let detail = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--detail"], in: folder.path)
        for jargon in ["min-max", "own mean share", "prior share", "global mean rating"] {
            #expect(!plain.stdout.contains(jargon), "\(jargon)")
            #expect(detail.stdout.contains(jargon), "\(jargon)")
        }
        #expect(plain.stdout.contains(" votes, mean rating "))
        #expect(plain.stdout.contains(" average (score "))
        let explain = try shortlist(["explain", "--user", "u5", "--item", "i4"], in: folder.path)
        let explainDetail = try shortlist(
            ["explain", "--user", "u5", "--item", "i4", "--detail"], in: folder.path)
        #expect(!explain.stdout.contains("own mean share"))
        #expect(explainDetail.stdout.contains("own mean share"))
        let refused = try shortlist(["recommend", "--user", "u5", "--detail"], in: folder.path)
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("error: --detail details --explain; add --explain\n"))
    }

    @Test func explainWithAFormatThatHasNoExplanationsIsRefused() throws {
        let folder = try project()
        for format in ["tsv", "jsonl"] {
            let run = try shortlist(
                ["recommend", "--user", "u5", "--explain", "--format", format], in: folder.path)
            #expect(run.status == 64, "\(format)")
            #expect(
                run.stderr.hasPrefix(
                    "error: --explain shows in the table or json format; \(format) writes lists "
                        + "without explanations\n"), "\(run.stderr)")
        }
        let json = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--format", "json"], in: folder.path)
        #expect(json.status == 0, "\(json.stderr)")
    }

    @Test func aStageThatDidNotNominateAnItemReadsAsInExplain() throws {
        let folder = try blended(als: 1, popular: 0.1, popularLimit: 10)
        let table = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        let missed = try #require(
            lines.first {
                $0.hasPrefix("       popular: ranked ") && $0.contains(", beyond its limit: ")
            }, "\(table.stdout)")
        let row = try #require(
            lines[..<(lines.firstIndex(of: missed) ?? 0)].last {
                $0.range(of: #"^ +\d+  "#, options: .regularExpression) != nil
            })
        let item = String(row.split(separator: " ")[1])
        let status = String(missed.dropFirst("       popular: ".count))
        #expect(
            status.hasSuffix(
                ", beyond its limit: not nominated, score " + status.split(separator: " ").last!))
        let explain = try shortlist(["explain", "--user", "u5", "--item", item], in: folder.path)
        #expect(
            explain.stdout.split(separator: "\n").contains {
                $0 == "  popular (weighted-rating, limit 10): \(status)"
            }, "\(explain.stdout)")
    }

    @Test func aSeenItemsOwnTermNamesItEvenWithoutATitle() throws {
        let folder = try blended(als: 1, popular: 0.1, excludeSeen: false)
        let items = try String(contentsOfFile: "\(folder.path)/data/items.tsv", encoding: .utf8)
        try folder.write(
            "data/items.tsv",
            items.split(separator: "\n").map { line in
                var fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                if fields[0] != "id" { fields[1] = "" }
                return fields.joined(separator: "\t")
            }.joined(separator: "\n") + "\n")
        let seen = try shortlist(["explain", "--user", "u5", "--item", "i1"], in: folder.path)
        #expect(seen.status == 0, "\(seen.stderr)")
        let reasons = seen.stdout.components(separatedBy: "because you ").dropFirst()
        #expect(!reasons.isEmpty)
        for reason in reasons {
            let words = reason.split(separator: " ")
            #expect(["liked", "rated"].contains(words[0]) && words[1] == "item", "\(reason)")
        }
        let listed = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        #expect(!listed.stdout.contains("because you liked  "))
        #expect(
            listed.stdout.range(of: #"you (liked|rated) \d"#, options: .regularExpression) == nil)
    }
}
