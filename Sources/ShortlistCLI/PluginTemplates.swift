/// The files `shortlist new-plugin` writes: a small working plugin of each kind and its test,
/// with `PLUGIN_NAME` for the Swift name and `PLUGIN_TYPE` for the YAML type.
///
/// The generator nominates the items rated most often lately; the ranker weighs each candidate
/// stage by how often its nominations were liked. Each test runs the shared contract check and
/// a check that the plugin finds structure planted in its fixture.
enum PluginTemplates {
    /// ShortlistCore's types the templates name: a plugin of one of these names would hide it.
    static let coreNames: Set<String> = [
        "ArtifactError", "ArtifactReader", "ArtifactWriter", "BuildContext", "Candidate",
        "CandidateGenerator", "CandidateModel", "CandidatePool", "Contribution", "Dataset",
        "DatasetBuilder", "Explanation", "Factor", "FieldRequirement", "ItemIndex", "ItemSet",
        "LabelledPool", "Model", "Nomination", "ParameterDeclaration", "Params",
        "PluginParameters", "ProgressReporter", "Query", "Ranked", "Ranker", "RankerModel",
        "RankerTrainingData", "Reason", "Subject", "TrainingData", "TwoStageTraining",
        "Unavailability", "Vocabulary",
    ]

    /// Names a plugin's type cannot take: Swift's keywords that start with a capital (`self`
    /// becomes `Self`), and the names of the standard library, test library and modules the
    /// templates use, which the plugin's type would hide.
    static let reservedNames: Set<String> = [
        "Any", "Self", "Type", "Protocol", "Bool", "Double", "Float", "Int", "String", "Set",
        "Array", "Dictionary", "Optional", "Result", "Error", "Never", "Void", "Sendable",
        "Swift", "Foundation", "Testing", "Test", "Suite", "ShortlistCore", "ShortlistTestSupport",
    ]

    /// The longest plugin name: its folder, module and file names stay well within a file
    /// system's 255 bytes.
    static let maximumNameLength = 64

    /// Path (under the package) and text of each file for `kind`.
    static func files(kind: NewPlugin.Kind) -> [(path: String, text: String)] {
        switch kind {
        case .generator:
            [
                ("Plugins/PLUGIN_NAME/PLUGIN_NAME.swift", generator),
                ("Plugins/PLUGIN_NAME/PLUGIN_NAME+Model.swift", generatorModel),
                ("Tests/PluginTests/PLUGIN_NAMETests.swift", generatorTests),
            ]
        case .ranker:
            [
                ("Plugins/PLUGIN_NAME/PLUGIN_NAME.swift", ranker),
                ("Plugins/PLUGIN_NAME/PLUGIN_NAME+Model.swift", rankerModel),
                ("Tests/PluginTests/PLUGIN_NAMETests.swift", rankerTests),
            ]
        }
    }

    static let generator = #"""
        public import ShortlistCore

        /// Nominates the items rated most often in the last `days` days of the data, the same
        /// list for every user.
        public struct PLUGIN_NAME: CandidateGenerator {
            /// The parameters under a `PLUGIN_TYPE` stage. Each is declared once, with its key,
            /// range and documentation, in `declarations`; the property holds its default.
            public struct Params: PluginParameters {
                public var days = 30.0

                public init() {}

                public static var declarations: [ParameterDeclaration<Self>] {
                    [
                        .init(
                            "days", \.days, .positive(atMost: 100_000),
                            "the window, in days before the newest interaction")
                    ]
                }
            }

            public static let type = "PLUGIN_TYPE"
            public static let summary = "Items rated most often in the last N days."

            /// The words of its terms, for explanations in plain words: its one statistic,
            /// `recent-votes`, and what it says about an item ("it is rated often lately: 12
            /// ratings in the window").
            public static var vocabulary: Vocabulary {
                Vocabulary(
                    names: ["recent-votes": .init("recent votes", plain: "ratings in the window")],
                    summary: { statistics in
                        statistics["recent-votes"].map {
                            Vocabulary.Summary(
                                reason: "it is rated often lately",
                                figures: "\(Int($0)) rating\($0 == 1 ? "" : "s") in the window")
                        }
                    })
            }

            let params: Params

            /// The window needs the interactions' times: a pipeline on data without them is
            /// refused when it loads, at the `days` key.
            public var requiredFields: [FieldRequirement] {
                [FieldRequirement(.timestamps, keyPath: ["days"])]
            }

            public static func make(_ params: Params, context: BuildContext) throws -> PLUGIN_NAME {
                PLUGIN_NAME(params: params)
            }

            /// Counts each item's interactions in the window.
            ///
            /// - Complexity: O(interactions + items · log items).
            public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
                let dataset = data.dataset
                let times = dataset.byItem.timestamps
                let start = Double(times.max() ?? 0) - params.days * 86_400
                var counts = [Double](repeating: 0, count: dataset.itemCount)
                for item in 0..<dataset.itemCount {
                    for entry in dataset.byItem.range(of: item) where Double(times[entry]) > start {
                        counts[item] += 1
                    }
                    progress.report("counting", done: item + 1, total: dataset.itemCount)
                }
                return Model(counts: counts)
            }
        }

        """#

    static let generatorModel = #"""
        public import ShortlistCore

        extension PLUGIN_NAME {
            /// Each item's count in the window, with the catalogue ordered once at fit time.
            public struct Model: CandidateModel {
                /// Each item's interactions in the window.
                public let counts: [Double]
                /// Items by count, then index.
                let order: [Int32]

                init(counts: [Double]) {
                    self.counts = counts
                    order = counts.indices.sorted { (counts[$0], -$0) > (counts[$1], -$1) }.map {
                        Int32($0)
                    }
                }

                /// The most counted items the query does not exclude (none counted zero).
                ///
                /// - Complexity: O(limit + excluded items passed over).
                public func candidates(for query: Query, limit: Int) -> [Candidate] {
                    var result: [Candidate] = []
                    for item in order where result.count < limit {
                        let index = Int(item)
                        guard counts[index] > 0 else { break }
                        if !query.excluded.contains(index) {
                            result.append(Candidate(item: index, score: counts[index]))
                        }
                    }
                    return result
                }

                /// The score is the count: one term, which the plugin's vocabulary words.
                public func explain(item: ItemIndex, for query: Query) -> Explanation {
                    guard counts.indices.contains(item), counts[item] > 0 else { return .none }
                    return Explanation(
                        terms: [Reason(.statistic, value: counts[item], subject: .named("recent-votes"))])
                }

                /// Always nil: the list serves every user, cold or not.
                public func unavailability(for query: Query) -> Unavailability? { nil }

                /// Bump it whenever `write` writes other bytes, so old artifacts are refitted.
                public static let formatVersion = 1

                public func write(to writer: inout ArtifactWriter) {
                    writer.write(counts)
                }

                /// Reads what `write` wrote, checking it against the dataset; a bad file throws
                /// and is refitted with a warning.
                public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
                    let counts = try reader.readFiniteArray(of: Double.self, "PLUGIN_TYPE: the counts")
                    try reader.expectItems(counts.count, "PLUGIN_TYPE")
                    guard counts.allSatisfy({ $0 >= 0 }) else {
                        throw ArtifactError(.corrupt, "PLUGIN_TYPE: a negative count")
                    }
                    self.init(counts: counts)
                }
            }
        }

        """#

    static let generatorTests = #"""
        import PLUGIN_NAMEPlugin
        import ShortlistCore
        import ShortlistTestSupport
        import Testing

        @Suite struct PLUGIN_NAMETests {
            /// Items i0–i4 are rated by a few users in the last week; items i5–i19 by more users,
            /// a year earlier: all-time popularity and the last 30 days disagree.
            func planted() -> Dataset {
                var builder = DatasetBuilder()
                let day: Int64 = 86_400
                let now: Int64 = 1_700_000_000
                for user in 0..<40 {
                    for item in 5..<20 where (user + item) % 2 == 0 {
                        builder.addInteraction(
                            user: "u\(user)", item: "i\(item)", rating: 4,
                            timestamp: now - 365 * day - Int64(user))
                    }
                    for item in 0..<5 where (user + item) % 4 == 0 {
                        builder.addInteraction(
                            user: "u\(user)", item: "i\(item)", rating: 4,
                            timestamp: now - Int64(item) * day)
                    }
                }
                return builder.build()
            }

            func model(_ json: String, _ dataset: Dataset) throws -> PLUGIN_NAME.Model {
                try PLUGIN_NAME.make(try parameters(json: json), context: .test).fit(
                    TrainingData(dataset: dataset), progress: .silent)
            }

            @Test func passesTheContractChecks() throws {
                let problems = try checkCandidateGenerator(
                    { try PLUGIN_NAME.make(try parameters(json: #"{"days": 30}"#), context: .test) },
                    on: planted())
                #expect(problems.isEmpty, "\(problems)")
            }

            @Test func nominatesWhatIsRatedInTheWindowOverWhatIsRatedMostOfAllTime() throws {
                let dataset = planted()
                let list = try model(#"{"days": 30}"#, dataset).candidates(
                    for: dataset.query(forUserID: "someone new"), limit: 5)
                #expect(Set(list.map { dataset.itemIDs[$0.item] }) == ["i0", "i1", "i2", "i3", "i4"])
                // A plugin that ignored the window would nominate the old items, rated more.
                let oldest = try #require(dataset.item("i6"))
                let recent = try #require(dataset.item("i1"))
                #expect(dataset.byItem.count(of: oldest) > dataset.byItem.count(of: recent))
                let everything = try model(#"{"days": 1000}"#, dataset).candidates(
                    for: dataset.query(forUserID: "someone new"), limit: 5)
                #expect(everything.allSatisfy { Int(dataset.itemIDs[$0.item].dropFirst())! >= 5 })
            }
        }

        """#

    static let ranker = #"""
        public import ShortlistCore

        /// Orders the pool by Σ wₛ / (k + rankₛ) over the stages that nominated each item, where
        /// a stage's weight wₛ is the share of its nominations that were liked in two-stage
        /// training (add-one smoothed).
        public struct PLUGIN_NAME: Ranker {
            /// The parameters under a `PLUGIN_TYPE` ranker. Each is declared once, with its key,
            /// range and documentation, in `declarations`; the property holds its default.
            public struct Params: PluginParameters {
                public var rankConstant = 60.0
                public var holdout = 0.2
                public var positiveRating = 4.0

                public init() {}

                public static var declarations: [ParameterDeclaration<Self>] {
                    [
                        .init(
                            "rank-constant", \.rankConstant, .positive(atMost: 1_000_000),
                            "k in w / (k + rank)"),
                        .init(
                            "holdout", \.holdout, .between(0.05, 0.5),
                            "the share of each user's latest interactions held out to make labels"),
                        .init(
                            "positive-rating", \.positiveRating, .between(-1_000_000, 1_000_000),
                            "held-out interactions rated at least this are liked"),
                    ]
                }
            }

            public static let type = "PLUGIN_TYPE"
            public static let summary =
                "Each stage's reciprocal rank weighted by how often its nominations were liked."

            let params: Params
            /// Asks the pipeline for labelled pools, made the two-stage way.
            public let twoStage: TwoStageTraining?

            public static func make(_ params: Params, context: BuildContext) throws -> PLUGIN_NAME {
                PLUGIN_NAME(
                    params: params,
                    twoStage: TwoStageTraining(
                        holdout: params.holdout, positiveRating: params.positiveRating))
            }

            /// Counts, per stage, its nominations and the liked ones among them.
            ///
            /// - Complexity: O(pooled nominations).
            public func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
                var liked = [Double](repeating: 1, count: data.sources.count)
                var nominated = [Double](repeating: 2, count: data.sources.count)
                for (index, labelled) in data.pools.enumerated() {
                    for (entry, label) in zip(labelled.pool.entries, labelled.labels) {
                        for nomination in entry.nominations {
                            nominated[nomination.source] += 1
                            if label { liked[nomination.source] += 1 }
                        }
                    }
                    progress.report("counting", done: index + 1, total: data.pools.count)
                }
                data.log("weights " + zip(data.sources, zip(liked, nominated)).map {
                    "\($0) \($1.0 / $1.1)"
                }.joined(separator: ", "))
                return Model(
                    sources: data.sources, weights: zip(liked, nominated).map { $0 / $1 },
                    rankConstant: params.rankConstant)
            }
        }

        """#

    static let rankerModel = #"""
        public import ShortlistCore

        extension PLUGIN_NAME {
            /// Each stage's learned weight.
            public struct Model: RankerModel {
                /// The candidate stages, in pipeline order.
                public let sources: [String]
                /// Each stage's weight: the smoothed share of its nominations that were liked.
                public let weights: [Double]
                /// k in w / (k + rank).
                public let rankConstant: Double

                /// Every pooled item with one contribution per stage that nominated it, best first.
                ///
                /// - Complexity: O(pool · stages + pool · log pool).
                public func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
                    var ranked = pool.entries.map { entry in
                        let contributions = entry.nominations.map { nomination in
                            let weight = weights[nomination.source]
                            return Contribution(
                                .stage,
                                value: weight / (rankConstant + Double(nomination.rank)),
                                factors: [
                                    Factor("weight", weight), Factor("rank", Double(nomination.rank)),
                                ],
                                source: sources[nomination.source])
                        }
                        return Ranked(
                            item: entry.item, score: contributions.reduce(0) { $0 + $1.value },
                            contributions: contributions)
                    }
                    ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.item < $1.item }
                    return ranked
                }

                /// Bump it whenever `write` writes other bytes, so old artifacts are refitted.
                public static let formatVersion = 1

                public func write(to writer: inout ArtifactWriter) {
                    writer.write(sources)
                    writer.write(weights)
                    writer.write(rankConstant)
                }

                /// Reads what `write` wrote, checking it against the pipeline's stages; a bad file
                /// throws and is refitted with a warning.
                public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
                    let sources = try reader.readStrings()
                    try reader.expectSources(sources, "PLUGIN_TYPE")
                    let weights = try reader.readFiniteArray(of: Double.self, "PLUGIN_TYPE: the weights")
                    let rankConstant = try reader.readFiniteDouble("PLUGIN_TYPE: k")
                    guard weights.count == sources.count, rankConstant > 0 else {
                        throw ArtifactError(
                            .corrupt,
                            "PLUGIN_TYPE: \(weights.count) weights for \(sources.count) stages")
                    }
                    self.init(sources: sources, weights: weights, rankConstant: rankConstant)
                }

                init(sources: [String], weights: [Double], rankConstant: Double) {
                    self.sources = sources
                    self.weights = weights
                    self.rankConstant = rankConstant
                }
            }
        }

        """#

    static let rankerTests = #"""
        import PLUGIN_NAMEPlugin
        import ShortlistCore
        import ShortlistTestSupport
        import Testing

        @Suite struct PLUGIN_NAMETests {
            let query = Query(userID: "u", user: nil, excluded: ItemSet(capacity: 40))

            /// Stage `good` ranks items 0–9 and the user liked its first three; stage `noise`
            /// ranks items 5–14 in another order, and none of its own items were liked.
            func pool(_ shift: Int) -> CandidatePool {
                CandidatePool(
                    sources: ["good", "noise"],
                    lists: [
                        (0..<10).map { Candidate(item: $0, score: Double(10 - $0)) },
                        (0..<10).map { Candidate(item: 5 + (($0 + shift) % 10), score: Double(10 - $0)) },
                    ])
            }

            func model() throws -> PLUGIN_NAME.Model {
                let pools = (0..<30).map {
                    LabelledPool(query: query, pool: pool($0), positives: [0, 1, 2], asOf: 0)
                }
                return try PLUGIN_NAME.make(
                    try parameters(json: "{}"),
                    context: BuildContext(stageName: "p", sourceNames: ["good", "noise"], seed: 1)
                ).fit(
                    RankerTrainingData(
                        dataset: DatasetBuilder().build(), sources: ["good", "noise"], pools: pools),
                    progress: .silent)
            }

            @Test func passesTheContractChecks() throws {
                let problems = try checkRanker(
                    try model(), pools: (0..<5).map { (pool($0), query) })
                #expect(problems.isEmpty, "\(problems)")
            }

            @Test func learnsWhichStageNominatesWhatUsersLike() throws {
                let model = try model()
                #expect(model.weights[0] > 3 * model.weights[1])
                // Both stages rank their own first item first; the equal-weight fusion would put
                // item 5 (nominated by both) first, the learned one the good stage's item 0.
                let ranked = model.rank(pool(0), for: query)
                #expect(ranked.first?.item == 0)
                let contributions = try #require(ranked.first?.contributions)
                #expect(contributions.map(\.source) == ["good"])
            }
        }

        """#
}
