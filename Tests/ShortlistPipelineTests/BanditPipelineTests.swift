import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistPipeline
import Testing

/// Arm states and logged responses in memory, or a store that fails every call.
final class MemoryState: BanditStateSource, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String: ArmState]
    private(set) var served: [ServedRequest] = []
    let failing: Bool

    init(_ states: [String: ArmState] = [:], failing: Bool = false) {
        self.states = states
        self.failing = failing
    }

    struct Failure: Error {}

    func armStates(pipeline: String, arms: [String]) throws -> [ArmState] {
        if failing { throw Failure() }
        return lock.withLock { arms.map { states[$0] ?? ArmState() } }
    }

    func record(_ request: ServedRequest) throws {
        if failing { throw Failure() }
        lock.withLock { served.append(request) }
    }

    var requests: [ServedRequest] { lock.withLock { served } }
}

extension FittedPipeline {
    /// Serves one request as the CLI does: the arms' states read from `state` before it, the
    /// decision logged there after it; the shown items.
    func serve(_ request: Request, from state: MemoryState) throws -> [Ranked] {
        var observer = NoObserver()
        let response = run(request, context: try rankingContext(from: state), observer: &observer)
        if let decision = response.decision { try state.record(decision.served) }
        return response.items
    }
}

@Suite struct BanditPipelineTests {
    static let pipelines = """
        pipelines:
          default:
            n: 6
            candidates:
              - {name: popular, type: weighted-rating, limit: 20}
              - {name: recent, type: weighted-rating, limit: 20, half-life-days: 1}
            ranker: {type: bandit, arms: [popular, recent], policy: epsilon-greedy, epsilon: 0.2, decay: 0}
        """

    @Test func aPipelineIsABanditWhenItsRankersPluginDeclaresOneThroughItsModel() throws {
        for entry in builtInPlugins.entries {
            #expect(entry.isBandit == (entry.type == "bandit"), "\(entry.type)")
        }
        let bandit = try Fixture(pipelines: Self.pipelines).prepare()
        #expect(bandit.bandit?.arms == ["popular", "recent"])
        let plain = try Fixture(
            pipelines: Self.pipelines.replacing(
                "{type: bandit, arms: [popular, recent], policy: epsilon-greedy, epsilon: 0.2, decay: 0}",
                with: "{type: weighted-average}")
        ).prepare()
        #expect(plain.bandit == nil && plain.rankerType == "weighted-average")
    }

    @Test func responsesAreLoggedWithTheirArmsAndPropensities() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let state = MemoryState()
        let shown = try pipeline.serve(Request(userID: "u3", requestID: "r1"), from: state)
        let logged = try #require(state.requests.first)
        #expect(logged.id == "r1" && logged.pipeline == "default" && logged.user == "u3")
        #expect(logged.impressions.map(\.item) == shown.map { pipeline.dataset.itemIDs[$0.item] })
        #expect(logged.impressions.map(\.arm) == shown.map { $0.placement?.arm })
        #expect(logged.impressions.map(\.position) == Array(1...shown.count))
        #expect(shown.count == 6 && shown.allSatisfy { ($0.placement?.propensity ?? 0) > 0 })
        // The same request id gives the same response; another id may not.
        #expect(try pipeline.serve(Request(userID: "u3", requestID: "r1"), from: state) == shown)
    }

    /// ALS has nothing for a user the data does not have. With ALS far ahead in the feedback,
    /// a new user's response is the popular arm's alone, every shown item logged with that arm
    /// and its true propensity (1, as ALS cannot take part), while a known user still gets ALS.
    @Test(arguments: ["per-request", "per-slot"])
    func anArmWithNothingForANewUserLeavesItsPlacesToTheOthersAndEveryShownItemIsLogged(
        mode: String
    ) throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  ab:
                    n: 10
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 8}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: bandit, arms: [als, popular], mode: \(mode)}
                """)
        let pipeline = try fixture.prepare()
        let state = MemoryState([
            "als": ArmState(pulls: 1000, rewards: 900),
            "popular": ArmState(pulls: 1000, rewards: 10),
        ])
        for user in 0..<20 {
            let shown = try pipeline.serve(
                Request(userID: "newcold-\(user)", requestID: "r\(user)"), from: state)
            #expect(shown.count == 10)
            #expect(
                shown.allSatisfy { $0.placement?.arm == "popular" && $0.placement?.propensity == 1 }
            )
            let logged = try #require(state.requests.last)
            #expect(logged.id == "r\(user)")
            #expect(
                logged.impressions
                    == shown.enumerated().map { position, item in
                        Impression(
                            item: pipeline.dataset.itemIDs[item.item], position: position + 1,
                            arm: "popular", propensity: 1)
                    })
        }
        let known = try pipeline.serve(Request(userID: "u3", requestID: "known"), from: state)
        #expect(known.count == 10 && known.allSatisfy { $0.placement?.arm == "als" })
        let (response, trace) = pipeline.recommendWithTrace(
            Request(userID: "newcold-0", requestID: "r0"),
            context: try pipeline.rankingContext(from: state))
        let listed = response.items
        #expect(listed.map(\.item) == trace.ranked.prefix(10).map(\.item))
        #expect(listed.allSatisfy { $0.placement?.arm == "popular" })
    }

    @Test func feedbackInTheStateShiftsThePlacesToTheBetterArm() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let context = RankingContext(armStates: [
            ArmState(pulls: 1000, rewards: 10), ArmState(pulls: 1000, rewards: 300),
        ])
        var places = ["popular": 0, "recent": 0]
        for request in 0..<100 {
            var observer = NoObserver()
            for item in pipeline.run(
                Request(userID: "u\(request % 20)", requestID: "r\(request)"), context: context,
                observer: &observer
            ).items {
                places[item.placement?.arm ?? "", default: 0] += 1
            }
        }
        // ε = 0.2 over two arms: recent holds each place with probability 0.9.
        #expect(Double(places["recent"]!) / 600 > 0.8)
    }

    @Test func aContextThatCannotBeReadEndsTheBatchesInsteadOfServingFromThePriors() throws {
        struct Gone: Error {}
        let pipeline = try Fixture(pipelines: Self.pipelines).prepare()
        var reads = 0
        var handed: [Range<Int>] = []
        #expect(throws: Gone.self) {
            let context = { () throws -> RankingContext in
                reads += 1
                if reads == 2 { throw Gone() }
                return try pipeline.rankingContext(from: MemoryState())
            }
            try pipeline.recommendInBatches(
                pipeline.dataset.userIDs, batchSize: 3, context: context
            ) { users, _ in handed.append(users) }
        }
        #expect(reads == 2 && handed == [0..<3])
    }

    @Test func requestIDsAreVersion7UUIDsThatSortByTime() {
        let ids = (0..<1000).map {
            FittedPipeline.newRequestID(at: Date(timeIntervalSince1970: Double($0)))
        }
        #expect(Set(ids).count == 1000)
        #expect(ids == ids.sorted())
        for id in ids.prefix(50) {
            let characters = Array(id)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            #expect(characters[14] == "7" && "89ab".contains(characters[19]))
        }
        // 1,700,000,000,000 ms is 0x18b_cfe5_6800: the first twelve digits.
        #expect(
            FittedPipeline.newRequestID(at: Date(timeIntervalSince1970: 1_700_000_000)).hasPrefix(
                "018bcfe5-6800-7"))
    }

    @Test func aRequestDecidesFromItsContextAndHandsTheDecisionToTheCaller() throws {
        let pipeline = try Fixture(pipelines: Self.pipelines).prepare()
        #expect(throws: MemoryState.Failure.self) {
            try pipeline.rankingContext(from: MemoryState(failing: true))
        }
        let states = [ArmState(pulls: 40, rewards: 3), ArmState(pulls: 9, rewards: 7)]
        var observer = NoObserver()
        let response = pipeline.run(
            Request(userID: "u3", requestID: "r9"), context: RankingContext(armStates: states),
            observer: &observer)
        let decision = try #require(response.decision)
        var hasher = FNV1a()
        hasher.combine("r9")
        #expect(decision.states == states && decision.seed == hasher.value)
        #expect(decision.requestID == "r9" && decision.served.user == "u3")
        #expect(
            decision.served.impressions.map(\.item)
                == response.items.map {
                    pipeline.dataset.itemIDs[$0.item]
                })
        let plain = try Fixture(
            pipelines: Self.pipelines.replacing(
                "{type: bandit, arms: [popular, recent], policy: epsilon-greedy, epsilon: 0.2, decay: 0}",
                with: "{type: weighted-average}")
        ).prepare()
        #expect(plain.run(Request(userID: "u3"), observer: &observer).decision == nil)
    }

    @Test func armsMustBeCandidateStages() throws {
        let fixture = try Fixture(
            pipelines: Self.pipelines.replacingOccurrences(
                of: "[popular, recent]", with: "[popular, recnet]"))
        #expect {
            _ = try fixture.prepare()
        } throws: { error in
            "\(error)".contains(
                "arm 'recnet' is not a candidate stage of pipeline 'default'. Did you mean 'recent'?"
            )
        }
        try fixture.rewrite(
            Self.pipelines.replacingOccurrences(of: "[popular, recent]", with: "[popular]"))
        #expect {
            _ = try fixture.prepare()
        } throws: { error in
            "\(error)".contains("'arms' expects a list of at least two arms")
                && "\(error)".contains("}), found 1 arm\n")
        }
    }
}

@Suite struct RankerArmTests {
    static let pipelines = """
        pipelines:
          ab:
            n: 5
            candidates:
              - {name: together, type: item-cooccurrence, limit: 30}
              - {name: popular, type: weighted-rating, limit: 30}
            ranker:
              type: bandit
              policy: ucb1
              arms:
                - popular
                - {name: blend, ranker: {type: weighted-average, weights: {together: 1, popular: 0.2}}}
        """

    @Test func aRankerArmIsFittedCachedAndServed() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        #expect(
            fixture.log().contains {
                $0.hasPrefix("stage 'ranker of arm blend' (weighted-average): fitted")
            })
        #expect(pipeline.armRankers.keys.sorted() == [1])
        let state = MemoryState([
            "blend": ArmState(pulls: 100, rewards: 60), "popular": ArmState(pulls: 100, rewards: 1),
        ])
        let shown = try pipeline.serve(Request(userID: "u2", requestID: "r"), from: state)
        // UCB1 with these states puts the ranker arm in every place.
        #expect(shown.allSatisfy { $0.placement?.arm == "blend" })
        var recorder = PoolObserver()
        _ = pipeline.run(Request(userID: "u2", requestID: "r"), observer: &recorder)
        let own = pipeline.armRankers[1]!.rank(recorder.pool, for: recorder.query).prefix(5).map(
            \.item)
        #expect(shown.map(\.item) == Array(own))
        _ = try fixture.prepare()
        #expect(
            fixture.log().contains {
                $0.hasPrefix("stage 'ranker of arm blend' (weighted-average): reused")
            })
        try fixture.rewrite(
            Self.pipelines.replacingOccurrences(of: "popular: 0.2", with: "popular: 0.3"))
        _ = try fixture.prepare()
        let log = fixture.log()
        #expect(
            log.contains { $0.hasPrefix("stage 'ranker of arm blend' (weighted-average): fitted") })
        #expect(log.contains { $0.hasPrefix("stage 'ranker' (bandit): fitted") })
        #expect(log.contains { $0.hasPrefix("stage 'popular' (weighted-rating): reused") })
    }

    @Test func itemsPlacedByARankerArmKeepTheirTermsInsideIt() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let pipeline = try fixture.prepare()
        let state = MemoryState([
            "blend": ArmState(pulls: 100, rewards: 60), "popular": ArmState(pulls: 100, rewards: 1),
        ])
        let (response, trace) = pipeline.recommendWithTrace(
            Request(userID: "u2"), context: try pipeline.rankingContext(from: state))
        let shown = response.items
        let own = pipeline.armRankers[1]!.rank(trace.pool, for: pipeline.query(forUserID: "u2"))
        #expect(!shown.isEmpty)
        for item in shown {
            let inside = try #require(own.first { $0.item == item.item })
            #expect(item.placement?.contributions == inside.contributions)
            #expect(
                item.placement?.contributions.map(\.source).contains("together") == true)
        }
    }

    @Test func renamingAnArmOrAStageRefitsTheRankersThatNameThem() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        _ = try fixture.prepare()
        try fixture.rewrite(
            Self.pipelines.replacingOccurrences(of: "name: blend", with: "name: mix"))
        let pipeline = try fixture.prepare()
        var log = fixture.log()
        #expect(log.contains { $0.hasPrefix("stage 'ranker' (bandit): fitted") })
        #expect(
            log.contains { $0.hasPrefix("stage 'ranker of arm mix' (weighted-average): reused") })
        let shown = try pipeline.serve(
            Request(userID: "u2", requestID: "r"),
            from: MemoryState([
                "mix": ArmState(pulls: 100, rewards: 60),
                "popular": ArmState(pulls: 100, rewards: 1),
            ]))
        #expect(Set(shown.compactMap(\.placement?.arm)) == ["mix"])
        try fixture.rewrite(
            Self.pipelines.replacingOccurrences(of: "name: together", with: "name: pairs")
                .replacingOccurrences(of: "together: 1", with: "pairs: 1"))
        _ = try fixture.prepare()
        log = fixture.log()
        #expect(log.contains { $0.hasPrefix("stage 'pairs' (item-cooccurrence): reused") })
        #expect(log.contains { $0.hasPrefix("stage 'ranker' (bandit): fitted") })
    }

    @Test func anArmCannotBeABandit() throws {
        let fixture = try Fixture(
            pipelines: Self.pipelines.replacingOccurrences(
                of: "{type: weighted-average, weights: {together: 1, popular: 0.2}}",
                with: "{type: bandit, arms: [together, popular]}"))
        #expect {
            _ = try fixture.prepare()
        } throws: { error in
            "\(error)".contains("arm 'blend' of the ranker of pipeline 'ab' is a bandit itself")
        }
    }
}

@Suite struct SimulatorTests {
    static let pipelines = """
        pipelines:
          ab:
            n: 5
            candidates:
              - {name: together, type: item-cooccurrence, limit: 30}
              - {name: popular, type: weighted-rating, limit: 30}
            ranker: {type: bandit, arms: [together, popular], policy: thompson, draws: 200}
        """

    @Test func theBanditEarnsNearlyWhatItsBetterArmEarnsAloneAndTheSameSeedRepeats() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: registry)
        let split = try Split(try workspace.loadDataset(), .temporal(0.2))
        let pipeline = try workspace.prepare(pipeline: "ab", dataset: split.train)
        let report = try Simulator.run(
            pipeline, split: split, rounds: 1500, seed: 4, positionBias: true, threshold: 4)
        let alone = report.arms.map(\.aloneReward)
        let best = try #require(alone.max())
        let worst = try #require(alone.min())
        #expect(best > 1.3 * worst, "the planted world must separate the arms: \(alone)")
        #expect(report.banditReward >= 0.9 * best)
        #expect(report.banditReward > worst)
        let half = report.rounds / 2
        let regret = report.regretCurve
        #expect(regret[report.rounds - 1] - regret[half - 1] < regret[half - 1])
        #expect(report.arms.reduce(0) { $0 + $1.pulls } == 5 * report.rounds)
        let again = try Simulator.run(
            pipeline, split: split, rounds: 1500, seed: 4, positionBias: true, threshold: 4)
        #expect(
            again.banditCurve == report.banditCurve
                && again.arms.map(\.pulls) == report.arms.map(\.pulls))
    }

    @Test func simulatingAPipelineWithoutABanditIsRefused() throws {
        let fixture = try Fixture()
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: registry)
        let split = try Split(try workspace.loadDataset(), .temporal(0.2))
        let pipeline = try workspace.prepare(pipeline: nil, dataset: split.train)
        #expect(throws: RequestError.self) {
            try Simulator.run(
                pipeline, split: split, rounds: 10, seed: 1, positionBias: false, threshold: 4)
        }
    }
}
