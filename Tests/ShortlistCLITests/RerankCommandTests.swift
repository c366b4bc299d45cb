import Foundation
import ShortlistTestSupport
import Testing

/// The planted project with an mmr step over the ranker's best 20.
private func rerankProject(lambda: Double = 0.5) throws -> TemporaryDirectory {
    try project(
        """
        pipelines:
          default:
            n: 5
            candidates:
              - {name: popular, type: weighted-rating, limit: 40}
              - {name: recent, type: weighted-rating, limit: 20, half-life-days: 3}
            ranker: {type: weighted-average}
            rerank: {window: 20, steps: [{type: mmr, lambda: \(lambda)}]}
        """)
}

@Suite struct RerankCommandTests {
    @Test func sweepEvaluatesEachLambdaAndPlotsThemWithoutRefitting() throws {
        let folder = try rerankProject()
        let kept = try rerankProject(lambda: 1)
        let plain = try shortlist(["evaluate", "--format", "json"], in: kept.path)
        let sweep = try shortlist(
            [
                "evaluate", "--sweep", "rerank.mmr.lambda=0,1", "--plot", "sweep.svg", "--format",
                "json",
            ], in: folder.path)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        let points = try #require(
            try JSONSerialization.jsonObject(with: Data(sweep.stdout.utf8)) as? [[String: Any]])
        #expect(points.map { $0["lambda"] as? Double } == [0, 1])
        func value(_ report: Any?, _ path: String...) -> Double? {
            var current = report
            for key in path { current = (current as? [String: Any])?[key] }
            return current as? Double
        }
        let reference = try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8))
        // λ = 1 keeps the ranker's order: the pipeline with λ 1 in its file scores the same.
        #expect(value(points[1]["report"], "final", "ndcg") == value(reference, "final", "ndcg"))
        let diverse = try #require(
            value(points[0]["report"], "beyondAccuracy", "intraListDiversity"))
        let ranked = try #require(
            value(points[1]["report"], "beyondAccuracy", "intraListDiversity"))
        #expect(diverse > ranked)
        let svg = try String(contentsOfFile: "\(folder.path)/sweep.svg", encoding: .utf8)
        #expect(svg.components(separatedBy: "<circle data-lambda=").count == 3)
        #expect(svg.contains("data-lambda=\"0.0\"") && svg.contains("data-lambda=\"1.0\""))
        // Each stage is fitted once, whatever the number of λ.
        let fits = sweep.stderr.split(separator: "\n").filter { $0.hasPrefix("stage 'popular'") }
        #expect(fits.count == 1, "\(sweep.stderr)")
    }

    @Test func sweepRefusesAnotherKeyAndAPipelineWithoutMMR() throws {
        let folder = try rerankProject()
        let key = try shortlist(["evaluate", "--sweep", "rerank.cap.max=1,2"], in: folder.path)
        #expect(key.status != 0)
        #expect(key.stderr.contains("--sweep takes rerank.mmr.lambda=V1,V2,…"))
        let value = try shortlist(
            ["evaluate", "--sweep", "rerank.mmr.lambda=0,2"], in: folder.path)
        #expect(value.stderr.contains("each λ is a number from 0 to 1, found '2'"))
        let plain = try project()
        let none = try shortlist(["evaluate", "--sweep", "rerank.mmr.lambda=0"], in: plain.path)
        #expect(none.status != 0)
        #expect(
            none.stderr.contains(
                "pipeline 'default' has no mmr re-rank step for --sweep to vary"))
    }

    @Test func recommendTakesFieldFiltersAndLambdaAndShowsTheSteps() throws {
        let folder = try rerankProject()
        let run = try shortlist(
            ["recommend", "--user", "u5", "--only", "genre=g1,g2", "--lambda", "0", "--explain"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("only genre=g1,g2 removed ") })
        #expect(lines.contains("re-rank mmr: reordered its best 20, kept 5"))
        #expect(lines.filter { $0.hasPrefix("       re-rank mmr: ") }.count == 5)
        let bad = try shortlist(
            ["recommend", "--user", "u5", "--only", "genre=g9"], in: folder.path)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("no item has the genre 'g9'"))
    }
}
