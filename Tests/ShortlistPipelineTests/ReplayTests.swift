import BuiltInPlugins
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// `shortlist replay` on planted drifting data: users move from one group of items to another
/// and to items that did not exist before the replay.
@Suite struct ReplayTests {
    static let day: Int64 = 86_400
    static let start: Int64 = 1_000 * day

    /// Four groups of users `s0…s39` (`s` + 10·group + index) rate 3 items of `a0…a19` before
    /// the start; then, every day of the replay, each rates one more of their group's six
    /// items of `b` and one of their group's six of `n`, which nobody rated before the start.
    /// Users `v0…v39`, in the same groups, rate 4 of their group's items of `b` before the
    /// start, which gives `b` its factors.
    static func drifting(days: Int) -> Dataset {
        var random = SeededGenerator(seed: 7)
        var builder = DatasetBuilder()
        for (group, count) in [("a", 20), ("b", 24), ("n", 24)] {
            for index in 0..<count {
                builder.addItem("\(group)\(index)", features: .init(title: ""))
            }
        }
        func rate(_ user: String, _ items: some Sequence<Int>, _ group: String, at time: Int64) {
            for (offset, item) in items.enumerated() {
                builder.addInteraction(
                    user: user, item: "\(group)\(item)", rating: 5, timestamp: time + Int64(offset))
            }
        }
        for user in 0..<40 {
            let own = Array(6 * (user / 10)..<6 * (user / 10 + 1))
            rate("s\(user)", Array(0..<20).shuffled(using: &random)[..<3], "a", at: start - day)
            rate("v\(user)", own.shuffled(using: &random)[..<4], "b", at: start - day)
            let b = own.shuffled(using: &random)
            let n = own.shuffled(using: &random)
            for day in 0..<days {
                let time = start + Int64(day) * Self.day + 3_600
                rate("s\(user)", [b[day]], "b", at: time)
                rate("s\(user)", [n[day]], "n", at: time + 10)
            }
        }
        return builder.build()
    }

    @Test func onDriftingDataARefreshBeatsFoldInWhichBeatsTheModelFittedAtTheStart() throws {
        let folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(Self.drifting(days: 5))
        let path = try folder.write(
            "pipelines.yaml",
            dataset + """

                pipelines:
                  default:
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 30, factors: 8, cg-steps: 10, warm-epochs: 3}
                    filters: {exclude-seen: true}
                    ranker: {type: weighted-average}
                """)
        let workspace = try Workspace(path: path, registry: builtInPlugins)
        let report = try Replay.run(
            workspace, pipeline: nil, dataset: try workspace.loadDataset(), from: Self.start,
            step: Self.day, k: 10, threshold: 4, foldIn: 200)
        #expect(report.steps.count == 5)
        #expect(report.steps.allSatisfy { $0.users == 40 && $0.interactions == 80 })
        let (fitted, foldIn, refreshed) = (report.overall[0], report.overall[1], report.overall[2])
        #expect(fitted.recall < 0.1, "\(fitted)")
        #expect(foldIn.recall > fitted.recall + 0.1, "\(foldIn) against \(fitted)")
        #expect(refreshed.recall > foldIn.recall + 0.1, "\(refreshed) against \(foldIn)")
        #expect(refreshed.ndcg > foldIn.ndcg && foldIn.ndcg > fitted.ndcg)
        // The first step's requests come before any new interaction: the three agree.
        #expect(Set(report.steps[0].scores).count == 1)
    }

    @Test func aStartWithNothingBeforeOrAfterItIsRefusedSayingWhich() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write(
            "pipelines.yaml",
            try folder.writeDelimited(Self.drifting(days: 2)) + """

                pipelines:
                  default:
                    candidates: [{name: popular, type: weighted-rating, limit: 10}]
                    ranker: {type: weighted-average}
                """)
        let workspace = try Workspace(path: path, registry: builtInPlugins)
        let dataset = try workspace.loadDataset()
        for (start, words) in [
            (Int64(0), "no interaction before"), (Self.start + 100 * Self.day, "at or after"),
        ] {
            let error = #expect(throws: RequestError.self) {
                try Replay.run(
                    workspace, pipeline: nil, dataset: dataset, from: start, step: Self.day,
                    k: 10, threshold: 4, foldIn: 200)
            }
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
    }
}
