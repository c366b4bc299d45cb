import Foundation
import ShortlistTestSupport
import Testing

/// `shortlist items`: catalogue entries in the store, served by every later command.
@Suite struct ItemsCommandTests {
    func projectWithContent() throws -> TemporaryDirectory {
        try project(
            """
            events:
              kinds: {click: {weight: 1}}
            pipelines:
              default:
                n: 5
                candidates:
                  - {name: als, type: matrix-factorization, limit: 10, factors: 8, cg-steps: 20}
                  - {name: content, type: tfidf, limit: 30, fields: [genres]}
                  - {name: popular, type: weighted-rating, limit: 20}
                filters: {exclude-seen: true}
                ranker: {type: weighted-average, weights: {popular: 0.01}}
            """)
    }

    @Test func anAddedItemIsRecommendedAndExplainedAndARetiredOneIsNot() throws {
        let folder = try projectWithContent()
        let unknown = try shortlist(["explain", "--user", "u2", "--item", "new"], in: folder.path)
        #expect(unknown.status != 0)
        let added = try shortlist(
            [
                "items", "add", "--item", "new", "--title", "New", "--year", "1992", "--genres",
                "g2",
            ],
            in: folder.path)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "recorded item new (catalogue version 1)\n")
        let explained = try shortlist(
            ["explain", "--user", "u2", "--item", "new", "--format", "json"], in: folder.path)
        #expect(explained.status == 0, "\(explained.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(explained.stdout.utf8)) as? [String: Any])
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.first { $0["stage"] as? String == "content" }?["rank"] != nil)
        #expect(json["title"] as? String == "New (1992)")

        let similar = try shortlist(["similar", "--item", "new", "-n", "3"], in: folder.path)
        #expect(
            similar.stdout.contains(
                "als (matrix-factorization):\n  none: the stage cannot place this item (yet)\n"),
            "\(similar.stdout)")
        #expect(similar.stdout.contains("content (tfidf):\n  1  i"), "\(similar.stdout)")
        let listed = try shortlist(["items", "list"], in: folder.path)
        #expect(
            listed.stdout == "item  title  year  genres  status\nnew   New    1992  g2      new\n")
        let retired = try shortlist(["items", "add", "--item", "new", "--retire"], in: folder.path)
        #expect(retired.status == 0)
        let after = try shortlist(
            ["explain", "--user", "u2", "--item", "new", "--format", "json"], in: folder.path)
        let verdict = try #require(
            try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        #expect(verdict["filteredBy"] as? [String] == ["retired"])
    }

    @Test func anImportIsAllOrNoneAndNamesTheBadLine() throws {
        let folder = try projectWithContent()
        try folder.write(
            "items.csv",
            "item,title,genres,year\nn1,\"One, the first\",g1|g2,1991\nn2,Two,g3,12000\n")
        let refused = try shortlist(["items", "import", "items.csv"], in: folder.path)
        #expect(refused.status == 1)
        #expect(
            refused.stderr.hasSuffix("items.csv:3: year must be from 0 to 9999, found 12000\n"),
            "\(refused.stderr)")
        #expect(
            try shortlist(["items", "list"], in: folder.path).stdout.hasPrefix(
                "the catalogue has no entries"))
        try folder.write(
            "items.jsonl",
            #"{"item": "n1", "title": "One, the first", "genres": ["g1", "g2"], "year": 1991}"#
                + "\n" + #"{"item": "i3", "retired": true}"# + "\n")
        let imported = try shortlist(["items", "import", "items.jsonl"], in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasPrefix("imported 2 catalogue entries from items.jsonl"))
        #expect(
            try shortlist(["items", "list"], in: folder.path).stdout
                == """
                item  title           year  genres  status
                n1    One, the first  1991  g1|g2   new
                i3    Item 3          1993  g3      retired

                """)
        try folder.write("bad.jsonl", #"{"item": "x", "colour": "red"}"# + "\n")
        let unknownKey = try shortlist(["items", "import", "bad.jsonl"], in: folder.path)
        #expect(
            unknownKey.stderr.hasSuffix(
                "bad.jsonl:1: unknown key 'colour'; an entry's keys are item, title, year, "
                    + "genres, retired\n"), "\(unknownKey.stderr)")
    }
}
