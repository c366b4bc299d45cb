import Foundation
import ShortlistCore

/// What a bandit simulation measured.
public struct SimulationReport: Sendable, Encodable {
    /// One arm's figures.
    public struct Arm: Sendable, Encodable {
        public var arm: String
        /// Places the bandit gave the arm, and the clicks they earned.
        public var pulls: Int
        public var rewards: Double
        /// The expected clicks of the arm's own list, had it served every round alone.
        public var aloneReward: Double
        /// Its cumulative expected clicks after each round, alone.
        public var aloneCurve: [Double]
    }

    public var pipeline: String
    public var rounds: Int
    public var seed: UInt64
    public var positionBias: Bool
    public var arms: [Arm]
    /// The bandit's expected clicks over the rounds, and after each round.
    public var banditReward: Double
    public var banditCurve: [Double]
    /// The best arm in hindsight (most expected clicks alone) minus the bandit, after each round.
    public var regretCurve: [Double]
}

/// Arm states kept in memory for one simulation: the decisions it logs count pulls, its clicks
/// count rewards.
private struct SimulatedState {
    private var states: [String: ArmState] = [:]

    /// Each arm's state, in the order given.
    func armStates(arms: [String]) -> [ArmState] {
        arms.map { states[$0] ?? ArmState() }
    }

    /// Logs a response: one pull for the arm of each impression.
    mutating func record(_ request: ServedRequest) {
        for impression in request.impressions {
            states[impression.arm, default: ArmState()].pulls += 1
        }
    }

    /// A click on an item the arm placed.
    mutating func reward(_ arm: String, _ value: Double) {
        states[arm, default: ArmState()].rewards += value
    }
}

/// Held-out interactions as the world a bandit pipeline learns in: each round draws a user with
/// held-out positives, asks the pipeline through its one request path (with the bandit's state
/// in memory), and clicks a shown item if the user liked it later — always, or with probability
/// 1 / log₂(position + 1) under position bias. The clicks feed the bandit's state. Each arm's
/// own list is scored on the same rounds for comparison (expected clicks, so the curves are
/// not noisier than the world).
public enum Simulator {
    public static func run(
        _ pipeline: FittedPipeline, split: Split, rounds: Int, seed: UInt64, positionBias: Bool,
        threshold: Double, progress: ProgressReporter = .silent
    ) throws(RequestError) -> SimulationReport {
        guard let bandit = pipeline.bandit else {
            throw RequestError(
                "pipeline '\(pipeline.name)' ranks with \(pipeline.rankerType), not a bandit; "
                    + "simulate compares a bandit's arms")
        }
        let train = split.train
        let positives = (0..<train.userCount).map { user in
            Set(
                split.test[user].filter { !train.hasRatings || Double($0.rating) >= threshold }
                    .map(\.item))
        }
        let users = positives.indices.filter { !positives[$0].isEmpty }
        guard !users.isEmpty else {
            throw RequestError("no user has a held-out positive to simulate with")
        }
        var state = SimulatedState()
        var random = SeededGenerator(seed: seed)
        let n = pipeline.resultCount
        let click = { (position: Int) in positionBias ? 1 / log2(Double(position) + 2) : 1 }
        func expected(_ items: [Ranked], _ liked: Set<ItemIndex>) -> Double {
            items.enumerated().reduce(0) {
                $0 + (liked.contains($1.element.item) ? click($1.offset) : 0)
            }
        }
        var banditTotal = 0.0
        var banditCurve: [Double] = []
        var alone = [Double](repeating: 0, count: bandit.arms.count)
        var aloneCurves = [[Double]](repeating: [], count: bandit.arms.count)
        var pulls = [String: Int]()
        var rewards = [String: Double]()
        for round in 0..<rounds {
            let user = users[Int.random(in: 0..<users.count, using: &random)]
            var observer = PoolObserver()
            let response = pipeline.run(
                Request(
                    userID: train.userIDs[user], n: n, time: split.requestTime(of: user),
                    requestID: "simulation-\(seed)-\(round)"),
                context: RankingContext(armStates: state.armStates(arms: bandit.arms)),
                observer: &observer)
            if let decision = response.decision { state.record(decision.served) }
            let shown = response.items
            let liked = positives[user]
            for (position, item) in shown.enumerated() {
                guard let arm = item.placement?.arm else { continue }
                pulls[arm, default: 0] += 1
                let clicked =
                    liked.contains(item.item)
                    && Double.random(in: 0..<1, using: &random) < click(position)
                if clicked {
                    state.reward(arm, 1)
                    rewards[arm, default: 0] += 1
                }
            }
            banditTotal += expected(shown, liked)
            banditCurve.append(banditTotal)
            let orders = bandit.orders(
                observer.pool, for: observer.query, rankers: pipeline.armRankers)
            for arm in orders.indices {
                alone[arm] += expected(Array(orders[arm].prefix(n)), liked)
                aloneCurves[arm].append(alone[arm])
            }
            progress.report("rounds", done: round + 1, total: rounds)
        }
        let best = alone.indices.max { alone[$0] < alone[$1] } ?? 0
        return SimulationReport(
            pipeline: pipeline.name, rounds: rounds, seed: seed, positionBias: positionBias,
            arms: bandit.arms.enumerated().map { index, name in
                SimulationReport.Arm(
                    arm: name, pulls: pulls[name] ?? 0, rewards: rewards[name] ?? 0,
                    aloneReward: alone[index], aloneCurve: aloneCurves[index])
            },
            banditReward: banditTotal, banditCurve: banditCurve,
            regretCurve: zip(aloneCurves[best], banditCurve).map { $0 - $1 })
    }
}
