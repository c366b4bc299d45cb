import Foundation
import ShortlistTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `evaluate --plot` draws the numbers the JSON gives.
@Suite struct EvaluationChartTests {
    /// An SVG element's name and attributes, in document order.
    final class Elements: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            elements.append((name, attributes))
        }
    }

    @Test func thePlotIsWellFormedSVGWhosePointsAreTheJSONNumbers() throws {
        let folder = try project()
        let run = try shortlist(
            ["evaluate", "-k", "5", "--plot", "chart.svg", "--format", "json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let curves = try #require(report["curves"] as? [String: Any])
        #expect(curves["depth"] as? Int == 50)
        var expected: [String: [Double]] = [:]
        for stage in try #require(curves["stages"] as? [[String: Any]]) {
            let curve = try #require(stage["curve"] as? [String: [Double]])
            let name = try #require(stage["stage"] as? String)
            expected["ndcg \(name)"] = curve["ndcg"]
            expected["recall \(name)"] = curve["recall"]
        }
        let final = try #require(curves["final"] as? [String: [Double]])
        expected["ndcg final list"] = final["ndcg"]
        expected["recall final list"] = final["recall"]
        // The final list's curve at K = 5 is the table's final NDCG@5.
        let finalScores = try #require(report["final"] as? [String: Double])
        #expect(abs((final["ndcg"]?[4] ?? .nan) - (finalScores["ndcg"] ?? .nan)) < 1e-12)

        let parser = try #require(
            XMLParser(contentsOf: URL(fileURLWithPath: "\(folder.path)/chart.svg")))
        let elements = Elements()
        parser.delegate = elements
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(elements.elements.first?.name == "svg")
        var panel: [String: String] = [:]
        var drawn: [String: [Double]] = [:]
        var bars: [String: Double] = [:]
        for (name, attributes) in elements.elements {
            if name == "g" { panel = attributes }
            let number = { (key: String) in Double(panel[key] ?? "") ?? .nan }
            let (y0, y1, ymax) = (number("data-y0"), number("data-y1"), number("data-ymax"))
            if name == "polyline", let series = attributes["data-series"] {
                let points = (attributes["points"] ?? "").split(separator: " ").map {
                    $0.split(separator: ",").compactMap { Double($0) }
                }
                let (x0, x1) = (number("data-x0"), number("data-x1"))
                for (index, point) in points.enumerated() {
                    let k = 1 + (point[0] - x0) / (x1 - x0) * 49
                    #expect(abs(k - Double(index + 1)) < 0.01, "\(series) K \(index + 1)")
                }
                drawn["\(panel["data-panel"] ?? "") \(series)"] = points.map {
                    (y0 - $0[1]) / (y0 - y1) * ymax
                }
            }
            if name == "rect", let series = attributes["data-series"] {
                bars[series] = (Double(attributes["height"] ?? "") ?? .nan) / (y0 - y1) * ymax
            }
        }
        #expect(Set(drawn.keys) == Set(expected.keys))
        for (series, values) in expected {
            let points = try #require(drawn[series], "\(series)")
            #expect(points.count == 50)
            for (value, point) in zip(values, points) {
                #expect(abs(value - point) < 1e-3, "\(series)")
            }
        }
        let generators = try #require(report["generators"] as? [[String: Any]])
        for generator in generators {
            let name = "\(generator["stage"] ?? "") (limit \(generator["limit"] ?? ""))"
            let drawnBar = try #require(bars[name], "\(name)")
            #expect(abs(drawnBar - (generator["recallAtLimit"] as? Double ?? .nan)) < 1e-3)
        }
        #expect(abs((bars["union"] ?? .nan) - (report["unionRecall"] as? Double ?? .nan)) < 1e-3)
    }
}

/// `shortlist replay`: a row per step and overall, the same in JSON, drawn as SVG.
@Suite struct ReplayCommandTests {
    @Test func replayPrintsEachStepAndOverallAndDrawsEachVariant() throws {
        let folder = try project()
        // The planted data's days run from 2001-09-10 on; its fifth day on.
        let arguments = ["replay", "--from", "2001-09-14", "--steps", "3"]
        let table = try shortlist(arguments + ["--plot", "replay.svg"], in: folder.path)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines.first?.hasPrefix(
                "Replay of pipeline 'default' from 2001-09-14 in steps of 1 d (3 steps), K = 10")
                == true, "\(table.stdout)")
        #expect(lines.filter { $0.hasPrefix("2001-09-1") }.count == 3, "\(table.stdout)")
        #expect(lines.contains { $0.hasPrefix("overall") })
        let json = try shortlist(arguments + ["--format", "json"], in: folder.path)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        #expect(steps.count == 3 && (report["overall"] as? [Any])?.count == 3)

        let parser = try #require(
            XMLParser(contentsOf: URL(fileURLWithPath: "\(folder.path)/replay.svg")))
        let elements = EvaluationChartTests.Elements()
        parser.delegate = elements
        #expect(parser.parse())
        let polylines = elements.elements.filter { $0.name == "polyline" }
        #expect(
            polylines.compactMap { $0.attributes["data-series"] }
                == [
                    "fitted", "fold-in", "fold-in + refresh", "fitted", "fold-in",
                    "fold-in + refresh",
                ])
        #expect(
            polylines.allSatisfy {
                ($0.attributes["points"] ?? "").split(separator: " ").count == 3
            })
        let left = try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/.shortlist")
        #expect(
            !left.contains { $0.hasPrefix("replay") }, "the refreshes' fits are removed: \(left)")

        let bad = try shortlist(["replay", "--from", "yesterday"], in: folder.path)
        #expect(bad.status == 64)
        #expect(
            bad.stderr.hasPrefix("error: --from 'yesterday' is neither a date"), "\(bad.stderr)")
        // A chart that cannot be written stops the replay before it runs, not after.
        let unwritable = try shortlist(
            arguments + ["--plot", "no-such-folder/replay.svg"], in: folder.path)
        #expect(unwritable.status == 1)
        #expect(
            unwritable.stderr.contains(
                "no-such-folder/replay.svg: cannot write the chart: No such file or directory"),
            "\(unwritable.stderr)")
        #expect(!unwritable.stderr.contains("step 1 of"), "\(unwritable.stderr)")
    }
}
