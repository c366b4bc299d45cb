import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import BanditBlendPlugin

@Suite struct BanditBlendTests {
    func context(_ arms: [String]) -> BuildContext {
        BuildContext(
            stageName: "p", sourceNames: ["a", "b", "c"], seed: 1,
            arms: arms.map { ArmReference(name: $0, source: ["a", "b", "c"].firstIndex(of: $0)) })
    }
    /// Source a nominates items 1, 2, 3; b nominates 3 and 4; c nominates 5.
    var pool: CandidatePool {
        CandidatePool(
            sources: ["a", "b", "c"],
            lists: [
                [
                    Candidate(item: 1, score: 10), Candidate(item: 2, score: 6),
                    Candidate(item: 3, score: 2),
                ],
                [Candidate(item: 3, score: 1), Candidate(item: 4, score: 0)],
                [Candidate(item: 5, score: 7)],
            ])
    }

    func model(_ json: String, arms: [String]) throws -> BanditBlend.Model {
        try BanditBlend.make(try parameters(json: json), context: context(arms)).fit(
            RankerTrainingData(dataset: DatasetBuilder().build(), sources: ["a", "b", "c"]),
            progress: .silent)
    }

    @Test(arguments: [
        (#"{}"#, ["a", "b"]), (#"{"policy": "ucb1", "mode": "per-request"}"#, ["b", "a"]),
        (#"{"policy": "epsilon-greedy"}"#, ["a", "b", "c"]),
        (#"{"sticky": true}"#, ["a", "b", "c"]),
    ])
    func passesTheContractCheckForEveryPolicy(json: String, arms: [String]) throws {
        let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 6))
        let problems = try checkRanker(
            try model(json, arms: arms),
            pools: [
                (pool, query),
                (CandidatePool(sources: ["a", "b", "c"], lists: [[], [], []]), query),
            ])
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func eachArmIsItsStagesOwnOrder() throws {
        let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 6))
        let orders = try model("{}", arms: ["b", "a"]).orders(pool, for: query, rankers: [:])
        #expect(orders.map { $0.map(\.item) } == [[3, 4], [1, 2, 3]])
        #expect(orders[1].map(\.score) == [10, 6, 2])
    }

    @Test func aPolicyWithStickyAssignmentIsRefusedAtThePolicy() throws {
        #expect {
            try BanditBlend.make(
                try parameters(json: #"{"policy": "ucb1", "sticky": true}"#),
                context: context(["a", "b"]))
        } throws: { error in
            let error = error as? ParameterError
            return error?.keyPath == ["policy"]
                && error?.message
                    == "'policy: ucb1' has no effect with 'sticky: true', which assigns each user to "
                    + "one arm by a stable hash of their id whatever the feedback; remove one of them"
        }
    }

    @Test func needsTwoArms() throws {
        #expect {
            try BanditBlend.make(try parameters(json: "{}"), context: context(["a"]))
        } throws: { error in
            (error as? ParameterError)?.message == "a bandit needs at least two arms, found 1"
        }
    }
}
