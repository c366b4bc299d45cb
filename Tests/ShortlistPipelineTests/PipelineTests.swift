import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// The built-in plugins plus a generator that needs a history, as a pipeline author adds one.
let registry = PluginRegistry(
    builtInPlugins.entries + [
        .generator(ItemCooccurrence.self), .generator(Memorizer.self), .ranker(PoolRecorder.self),
    ])

/// A workspace over planted data in a temporary folder, with the given pipelines section.
final class Fixture: @unchecked Sendable {
    let folder: TemporaryDirectory
    let planted = PlantedClusters()
    private let lines = Lines()

    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func append(_ line: String) { lock.withLock { stored.append(line) } }
        func take() -> [String] {
            lock.withLock {
                defer { stored = [] }
                return stored
            }
        }
    }

    init(pipelines: String = Fixture.defaultPipelines) throws {
        folder = try TemporaryDirectory()
        let dataset = try folder.writeDelimited(planted.dataset)
        try folder.write("pipelines.yaml", dataset + "\n" + pipelines)
    }

    static let defaultPipelines = """
        pipelines:
          default:
            n: 5
            candidates:
              - {name: popular, type: weighted-rating, limit: 30}
              - {name: together, type: item-cooccurrence, limit: 30}
            filters: {exclude: ["i3"], min-interactions: 10}
            ranker: {type: weighted-average, weights: {together: 2}}
        """

    func rewrite(_ pipelines: String) throws {
        try folder.write(
            "pipelines.yaml", try folder.writeDelimited(planted.dataset) + "\n" + pipelines)
    }

    func prepare(_ name: String? = nil) throws -> FittedPipeline {
        let workspace = try Workspace(
            path: "\(folder.path)/pipelines.yaml", registry: registry,
            report: { [lines] in lines.append(logLine($0)) })
        return try workspace.prepare(pipeline: name, dataset: try workspace.loadDataset())
    }

    /// The log lines since the last call.
    func log() -> [String] { lines.take() }

    var artifacts: [String] {
        ((try? FileManager.default.contentsOfDirectory(
            atPath: "\(folder.path)/.shortlist/artifacts")) ?? []).sorted().map {
                "\(folder.path)/.shortlist/artifacts/\($0)"
            }
    }
}

@Suite struct ArtifactTests {
    @Test func plannedArtifactsAreExactlyTheOnesPreparingEveryPipelineWrites() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  learned:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 30}
                      - {name: together, type: item-cooccurrence, limit: 30}
                    ranker: {type: weighted-average, learn: true}
                  ab:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 30}
                      - {name: recent, type: weighted-rating, limit: 30, half-life-days: 3}
                    ranker:
                      type: bandit
                      arms: [popular, {name: blend, ranker: {type: weighted-average, learn: true}}]
                """)
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: registry)
        let dataset = try workspace.loadDataset()
        let plans = try workspace.plans(on: dataset)
        #expect(fixture.artifacts.isEmpty)
        _ = try fixture.prepare("learned")
        _ = try fixture.prepare("ab")
        #expect(
            Set(workspace.artifacts.files().map(\.id))
                == Set(plans.flatMap { $0.artifacts.map(\.id) }))
        #expect(
            plans.first { $0.pipeline == "ab" }?.artifacts.map(\.stage) == [
                "popular", "recent", "popular before the holdout", "recent before the holdout",
                "ranker of arm blend", "ranker",
            ])
        #expect(plans.first { $0.pipeline == "learned" }?.artifacts.count == 5)
    }

    @Test func secondRunReusesEveryStage() throws {
        let fixture = try Fixture()
        let first = try fixture.prepare()
        #expect(fixture.log().map { $0.contains("fitted in") } == [true, true, true])
        let second = try fixture.prepare()
        #expect(fixture.log().map { $0.contains("reused artifact") } == [true, true, true])
        #expect(
            first.recommendAll(first.dataset.userIDs) == second.recommendAll(second.dataset.userIDs)
        )
        #expect(fixture.artifacts.count == 3)
    }

    @Test func editingOneStageRefitsOnlyItAndTheRanker() throws {
        let fixture = try Fixture()
        _ = try fixture.prepare()
        _ = fixture.log()
        try fixture.rewrite(
            Fixture.defaultPipelines.replacingOccurrences(
                of: "type: weighted-rating, limit: 30",
                with: "type: weighted-rating, limit: 30, min-votes: 3"))
        _ = try fixture.prepare()
        let log = fixture.log()
        #expect(log.count == 3)
        #expect(log[0].hasPrefix("stage 'popular' (weighted-rating): fitted in"))
        #expect(log[1].hasPrefix("stage 'together' (item-cooccurrence): reused artifact"))
        #expect(log[2].hasPrefix("stage 'ranker' (weighted-average): fitted in"))
    }

    @Test func editingTheSeedRefitsTheSeededStagesAndEditingThreadsRefitsNothing() throws {
        let pipelines = """
            seed: 1
            pipelines:
              default:
                candidates:
                  - {name: popular, type: weighted-rating, limit: 30}
                  - {name: als, type: matrix-factorization, limit: 30, factors: 4, epochs: 2, threads: 1}
                ranker: {type: weighted-average}
            """
        let fixture = try Fixture(pipelines: pipelines)
        let first = try fixture.prepare()
        _ = fixture.log()
        try fixture.rewrite(pipelines.replacingOccurrences(of: "threads: 1", with: "threads: 2"))
        _ = try fixture.prepare()
        let threadsLog = fixture.log()
        #expect(
            threadsLog.count == 3 && threadsLog.allSatisfy { $0.contains("reused artifact") },
            "\(threadsLog)")
        try fixture.rewrite(pipelines.replacingOccurrences(of: "seed: 1", with: "seed: 2"))
        let second = try fixture.prepare()
        let log = fixture.log()
        #expect(log.count == 3)
        #expect(log[0].hasPrefix("stage 'popular' (weighted-rating): reused artifact"))
        #expect(log[1].hasPrefix("stage 'als' (matrix-factorization): fitted in"))
        // The ranker refits because its upstream key changed.
        #expect(log[2].hasPrefix("stage 'ranker' (weighted-average): fitted in"))
        let query = first.query(forUserID: "u3")
        #expect(
            first.stages[1].model.candidates(for: query, limit: 10)
                != second.stages[1].model.candidates(for: query, limit: 10))
        #expect(
            first.stages[0].model.candidates(for: query, limit: 10)
                == second.stages[0].model.candidates(for: query, limit: 10))
    }

    @Test func aFieldTheDatasetLacksIsALocatedErrorBeforeAnyFit() throws {
        let folder = try TemporaryDirectory()
        try folder.write("ratings.csv", "user,item,rating\na,x,5\nb,y,4\n")
        let path = try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              interactions: {file: ratings.csv, user: user, item: item, rating: rating}
            pipelines:
              default:
                candidates:
                  - {name: content, type: tfidf, fields: [genres]}
                ranker: {type: weighted-average}
            """)
        let workspace = try Workspace(path: path, registry: registry)
        #expect(
            throws: ConfigurationError(
                .invalidValue, file: path, line: 7, column: 38,
                message:
                    "stage 'content' (tfidf) needs item genres, which the dataset lacks (it "
                    + "has ratings); give the dataset an items file with that column ('items:' "
                    + "of a delimited dataset), or change the setting",
                sourceLine: "      - {name: content, type: tfidf, fields: [genres]}"
            )
        ) {
            try workspace.prepare(pipeline: nil, dataset: try workspace.loadDataset())
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/.shortlist/artifacts"))
    }

    @Test func corruptOrTruncatedArtifactsAreRefittedWithAWarning() throws {
        let fixture = try Fixture()
        let original = try fixture.prepare()
        _ = fixture.log()
        let path = try #require(fixture.artifacts.first { $0.contains("weighted-rating") })
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 5] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let repaired = try fixture.prepare()
        #expect(
            fixture.log().first
                == "warning: stage 'popular' (weighted-rating): \(path) fails its checksum; "
                + "refitting"
        )
        #expect(
            repaired.recommendAll(repaired.dataset.userIDs)
                == original.recommendAll(original.dataset.userIDs))

        try Data(bytes.prefix(40)).write(to: URL(fileURLWithPath: path))
        _ = try fixture.prepare()
        #expect(
            fixture.log().first
                == "warning: stage 'popular' (weighted-rating): \(path): the artifact ends "
                + "early; refitting"
        )
        try Data("not an artifact at all".utf8).write(to: URL(fileURLWithPath: path))
        _ = try fixture.prepare()
        #expect(
            fixture.log().first
                == "warning: stage 'popular' (weighted-rating): \(path) is not a Shortlist "
                + "artifact; refitting"
        )
        _ = try fixture.prepare()
        #expect(fixture.log().first?.contains("reused artifact") == true)
    }
}

@Suite struct RunnerTests {
    @Test func filtersHoldForEveryUser() throws {
        let fixture = try Fixture()
        let pipeline = try fixture.prepare()
        let dataset = pipeline.dataset
        let excluded = try #require(dataset.item("i3"))
        for (user, items) in pipeline.recommendAll(dataset.userIDs).enumerated() {
            #expect(items.count == 5)
            let seen = Set(dataset.byUser.columns[dataset.byUser.range(of: user)].map(Int.init))
            for item in items.map(\.item) {
                #expect(!seen.contains(item))
                #expect(item != excluded)
                #expect(dataset.byItem.count(of: item) >= 10)
            }
        }
    }

    @Test func everyFilterAgreesWithItself() throws {
        let pipeline = try Fixture().prepare()
        let queries = (pipeline.dataset.userIDs + ["stranger"]).map {
            pipeline.dataset.query(forUserID: $0)
        }
        #expect(pipeline.filters.count == 3)
        for filter in pipeline.filters {
            let problems = checkFilter(
                filter, queries: queries, itemCount: pipeline.dataset.itemCount)
            #expect(problems.isEmpty, "\(filter.name): \(problems.prefix(3))")
        }
    }

    @Test func withoutExcludeSeenSeenItemsAreRecommended() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    n: 5
                    candidates: [{name: popular, type: weighted-rating, limit: 30}]
                    filters: {exclude-seen: false}
                    ranker: {type: weighted-average}
                """)
        let pipeline = try fixture.prepare()
        #expect(pipeline.filters.isEmpty)
        let dataset = pipeline.dataset
        let seenInList = pipeline.recommendAll(dataset.userIDs).enumerated().filter { user, items in
            let seen = Set(dataset.byUser.columns[dataset.byUser.range(of: user)].map(Int.init))
            return items.contains { seen.contains($0.item) }
        }
        #expect(seenInList.count > dataset.userCount / 2)
        let (_, trace) = pipeline.recommendWithTrace(Request(userID: "u1"))
        #expect(trace.filters.isEmpty)
    }

    @Test func traceRecordsWithoutChangingTheResult() throws {
        let pipeline = try Fixture().prepare()
        for user in ["u0", "u17", "u42"] {
            let (response, trace) = pipeline.recommendWithTrace(Request(userID: user))
            let items = response.items
            #expect(items == pipeline.recommend(userID: user))
            #expect(trace.generators.map(\.name) == ["popular", "together"])
            #expect(trace.generators.allSatisfy { $0.candidates.count <= 30 })
            #expect(
                trace.filters.map(\.name) == ["exclude-seen", "exclude", "min-interactions 10"])
            #expect(Array(trace.ranked.prefix(5)) == items)
        }
    }

    @Test func batchAgreesWithSingleRequests() throws {
        let pipeline = try Fixture().prepare()
        let ids = pipeline.dataset.userIDs + ["stranger"]
        #expect(
            pipeline.recommendAll(ids, n: 3) == ids.map { pipeline.recommend(userID: $0, n: 3) })
    }

    @Test func batchesHandOverConsecutiveUsersInOrderWithTheirSingleRequestLists() throws {
        let pipeline = try Fixture().prepare()
        let ids = pipeline.dataset.userIDs + ["stranger"]
        var seen: [Range<Int>] = []
        var lists: [[Ranked]] = []
        try pipeline.recommendInBatches(ids, n: 3, batchSize: 7) { users, batch in
            seen.append(users)
            #expect(batch.count == users.count)
            lists += batch
        }
        #expect(seen.first?.lowerBound == 0 && seen.last?.upperBound == ids.count)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(seen.dropLast().allSatisfy { $0.count == 7 })
        #expect(lists == ids.map { pipeline.recommend(userID: $0, n: 3) })
    }

    @Test func coldUsersStillGetRecommendationsAndTheTraceSaysWhy() throws {
        let pipeline = try Fixture().prepare()
        let (response, trace) = pipeline.recommendWithTrace(Request(userID: "never-seen"))
        let items = response.items
        #expect(items.count == 5)
        #expect(trace.user == .unknown)
        #expect(trace.generators[0].unavailable == nil)
        #expect(trace.generators[1].candidates.isEmpty)
        #expect(trace.generators[1].unavailable == .noHistory)
    }

    @Test func unknownExcludedItemIsAnErrorAtItsPlaceInTheFile() throws {
        let fixture = try Fixture(
            pipelines: Fixture.defaultPipelines.replacingOccurrences(
                of: "exclude: [\"i3\"]", with: "exclude: [\"nope\"]"))
        let error = try #require(throws: ConfigurationError.self) { try fixture.prepare() }
        #expect(
            error.description.hasSuffix(
                "pipelines.yaml:11:25: error: the 'exclude' filter names item 'nope', which the "
                    + "dataset does not have\n    filters: {exclude: [\"nope\"], min-interactions: 10}\n"
                    + String(repeating: " ", count: 24) + "^"))
    }

    @Test func explainCoversEveryOutcome() throws {
        let pipeline = try Fixture().prepare()
        let user = "u5"
        let (response, trace) = pipeline.recommendWithTrace(Request(userID: user))
        let items = response.items
        let top = pipeline.dataset.itemIDs[items[1].item]
        #expect(try pipeline.explain(userID: user, itemID: top).outcome == .recommended(rank: 2))

        let below = try #require(trace.ranked.dropFirst(5).first)
        let belowID = pipeline.dataset.itemIDs[below.item]
        let explanation = try pipeline.explain(userID: user, itemID: belowID)
        #expect(explanation.outcome == .belowCutoff(rank: 6, cutoffScore: items[4].score))
        #expect(explanation.ranked == below)

        #expect(
            try pipeline.explain(userID: user, itemID: "i3").outcome == .filtered(by: ["exclude"]))
        let seen = pipeline.dataset.itemIDs[
            Int(pipeline.dataset.byUser.columns[pipeline.dataset.byUser.range(of: 5).lowerBound])]
        #expect(
            try pipeline.explain(userID: user, itemID: seen).outcome.isFiltered(by: "exclude-seen"))

        let pooled = Set(trace.pool.entries.map(\.item))
        let query = pipeline.query(forUserID: user)
        let outside = try #require(
            (0..<pipeline.dataset.itemCount).first {
                !pooled.contains($0) && !query.excluded.contains($0)
            })
        let notNominated = try pipeline.explain(
            userID: user, itemID: pipeline.dataset.itemIDs[outside])
        #expect(notNominated.outcome == .notNominated)
        #expect(notNominated.stages[0].rank.map { $0 > 30 } == true)
        #expect(notNominated.stages.allSatisfy { !$0.isNominated })

        #expect(throws: DataError(.unknownID, "unknown item 'zzz': the dataset has no such item")) {
            try pipeline.explain(userID: user, itemID: "zzz")
        }
    }

    @Test func unknownPipelineNameSuggests() throws {
        let fixture = try Fixture()
        #expect(
            throws: RequestError(
                .notFound,
                "no pipeline named 'defualt' in \(fixture.folder.path)/pipelines.yaml. Did "
                    + "you mean 'default'?"
            )
        ) {
            try fixture.prepare("defualt")
        }
    }
}

extension ItemExplanation.Outcome {
    func isFiltered(by name: String) -> Bool {
        if case .filtered(let names) = self { return names.contains(name) }
        return false
    }
}

/// An event as the CLI writes it: its words, a warning prefixed `warning: `.
func logLine(_ event: WorkspaceEvent) -> String {
    (event.level == .warning ? "warning: " : "") + Words.event(event)
}
