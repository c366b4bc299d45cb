import ShortlistCore
import Testing

/// Bernoulli arms with planted reward rates, and a policy run against them.
struct BernoulliWorld {
    let rates: [Double]

    /// Each round's chosen arm over `rounds` rounds; rewards update the arms' states.
    func run(_ policy: BanditPolicy, rounds: Int, seed: UInt64) -> [Int] {
        var arms = rates.map { _ in ArmState() }
        var random = SeededGenerator(seed: seed)
        var world = SeededGenerator(seed: seed &+ 1000)
        var chosen: [Int] = []
        for _ in 0..<rounds {
            let arm = policy.decide(arms, random: &random).arm
            let reward = Double.random(in: 0..<1, using: &world) < rates[arm] ? 1.0 : 0.0
            arms[arm].pulls += 1
            arms[arm].rewards += reward
            chosen.append(arm)
        }
        return chosen
    }

    /// The expected regret of each half of a run against always choosing the best arm.
    func regretByHalf(_ chosen: [Int]) -> (first: Double, second: Double) {
        let best = rates.max()!
        let regret = chosen.map { best - rates[$0] }
        let half = chosen.count / 2
        return (regret[..<half].reduce(0, +), regret[half...].reduce(0, +))
    }

    func share(of arm: Int, in chosen: [Int]) -> Double {
        Double(chosen.filter { $0 == arm }.count) / Double(chosen.count)
    }
}

@Suite struct BanditPolicyTests {
    /// One arm clearly better: reward rates 0.05 against 0.10.
    let world = BernoulliWorld(rates: [0.05, 0.10])

    @Test(arguments: [UInt64(1), 2, 3])
    func thompsonGivesTheBetterArm80PercentOfPullsWithin5000RoundsAndRegretFalls(seed: UInt64) {
        let chosen = world.run(.thompson(prior: BetaPrior(), draws: 100), rounds: 5000, seed: seed)
        #expect(world.share(of: 1, in: chosen) >= 0.8)
        let regret = world.regretByHalf(chosen)
        #expect(regret.second < regret.first)
    }

    /// UCB1's bonus shrinks slowly against a 0.05 gap: a clear majority, not 80%, in 5000.
    @Test(arguments: [UInt64(1), 2, 3])
    func ucb1GivesTheBetterArm70PercentOfPullsWithin5000RoundsAndRegretFalls(seed: UInt64) {
        let chosen = world.run(.ucb1, rounds: 5000, seed: seed)
        #expect(world.share(of: 1, in: chosen) >= 0.7)
        let regret = world.regretByHalf(chosen)
        #expect(regret.second < regret.first)
    }

    /// ε-greedy can settle on the worse arm when ε decays before the means separate, so its
    /// planted world has a larger gap.
    @Test(arguments: [UInt64(1), 2, 3])
    func epsilonGreedyGivesTheBetterArm85PercentOfPullsWithin3000Rounds(seed: UInt64) {
        let easier = BernoulliWorld(rates: [0.2, 0.5])
        let chosen = easier.run(
            .epsilonGreedy(epsilon: 0.2, decay: 0.001), rounds: 3000, seed: seed)
        #expect(easier.share(of: 1, in: chosen) >= 0.85)
        let regret = easier.regretByHalf(chosen)
        #expect(regret.second < regret.first)
    }

    @Test func epsilonGreedyExploresLessAsPullsGrow() {
        let policy = BanditPolicy.epsilonGreedy(epsilon: 0.2, decay: 0.01)
        var random = SeededGenerator(seed: 1)
        let early = policy.propensities(
            [ArmState(pulls: 5, rewards: 1), ArmState(pulls: 5, rewards: 2)], random: &random)
        let late = policy.propensities(
            [ArmState(pulls: 500, rewards: 100), ArmState(pulls: 500, rewards: 200)],
            random: &random)
        #expect(abs(early[0] - 0.2 / 1.1 / 2) < 1e-12)
        #expect(abs(late[0] - 0.2 / 11 / 2) < 1e-12)
    }

    @Test func propensitiesSumToOneAndNameTheChoice() {
        var random = SeededGenerator(seed: 4)
        let policies: [BanditPolicy] = [
            .thompson(prior: BetaPrior(alpha: 2, beta: 3), draws: 500), .ucb1,
            .epsilonGreedy(epsilon: 0.3, decay: 0.01),
        ]
        for policy in policies {
            for _ in 0..<50 {
                let arms = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                    let pulls = Int.random(in: 0...40, using: &random)
                    return ArmState(
                        pulls: pulls, rewards: Double(Int.random(in: 0...pulls, using: &random)))
                }
                let decision = policy.decide(arms, random: &random)
                #expect(abs(decision.propensities.reduce(0, +) - 1) < 1e-9)
                #expect(decision.propensities[decision.arm] > 0)
            }
        }
        #expect(
            BanditPolicy.probabilityBest([], prior: BetaPrior(), draws: 10, random: &random)
                .isEmpty)
        // UCB1 tries every arm before it compares means.
        let untried = BanditPolicy.ucb1.propensities(
            [ArmState(pulls: 10, rewards: 9), ArmState(), ArmState()], random: &random)
        #expect(untried == [0, 0.5, 0.5])
    }

    @Test func betaPosteriorMeansAndIntervals() {
        let uniform = BetaDistribution(alpha: 1, beta: 1)
        #expect(abs(uniform.interval().lowerBound - 0.025) < 1e-9)
        #expect(abs(uniform.interval().upperBound - 0.975) < 1e-9)
        // The median of Beta(2, 5) is 0.26445 (to five places).
        #expect(abs(BetaDistribution(alpha: 2, beta: 5).quantile(0.5) - 0.26445) < 1e-5)
        let posterior = ArmState(pulls: 40, rewards: 10).posterior(prior: BetaPrior())
        #expect(posterior == BetaDistribution(alpha: 11, beta: 31))
        #expect(posterior.interval().contains(posterior.mean))
        var random = SeededGenerator(seed: 9)
        let draws = (0..<20_000).map { _ in posterior.sample(using: &random) }
        #expect(abs(draws.reduce(0, +) / 20_000 - posterior.mean) < 0.002)
        let below = draws.filter { $0 < posterior.interval().lowerBound }.count
        #expect(abs(Double(below) / 20_000 - 0.025) < 0.005)
    }

    @Test(arguments: [(0.5, 2.0), (0.3, 0.7), (1.0, 1.0), (30.0, 3.0), (2.0, 900.0)])
    func betaSamplerDrawsMatchTheDistributionsQuantilesAndMean(alpha: Double, beta: Double) {
        let distribution = BetaDistribution(alpha: alpha, beta: beta)
        var sampler = BetaSampler(distribution)
        var random = SeededGenerator(seed: 4)
        let count = 40_000.0
        let draws = (0..<Int(count)).map { _ in sampler.next(using: &random) }
        for p in [0.1, 0.5, 0.9] {
            let quantile = distribution.quantile(p)
            let below = Double(draws.filter { $0 < quantile }.count)
            #expect(abs(below / count - p) < 0.01, "quantile \(p)")
        }
        // Within four standard errors of the mean.
        let variance =
            alpha * beta / ((alpha + beta) * (alpha + beta) * (alpha + beta + 1))
        #expect(
            abs(draws.reduce(0, +) / count - distribution.mean) < 4
                * (variance / count).squareRoot())
    }

    @Test func inversePropensityScoringRecoversAKnownArmsRate() {
        // A logging policy shows arm 0 30% of the time; arm 0 earns 0.12, arm 1 earns 0.3.
        var random = SeededGenerator(seed: 21)
        let log = (0..<20_000).map { _ -> OffPolicyEstimate.Logged in
            let arm = Double.random(in: 0..<1, using: &random) < 0.3 ? 0 : 1
            let rate = arm == 0 ? 0.12 : 0.3
            let reward = Double.random(in: 0..<1, using: &random) < rate ? 1.0 : 0.0
            return OffPolicyEstimate.Logged(
                arm: arm, propensity: arm == 0 ? 0.3 : 0.7, reward: reward)
        }
        let zero = try! #require(OffPolicyEstimate(log, arm: 0))
        #expect(zero.interval.contains(0.12))
        #expect(zero.interval.upperBound - zero.interval.lowerBound < 0.03)
        let one = try! #require(OffPolicyEstimate(log, arm: 1))
        #expect(one.interval.contains(0.3) && !one.interval.contains(0.12))
        #expect(OffPolicyEstimate(log, arm: 2) == nil)
    }
}

@Suite struct ArmBlendTests {
    /// Arm a orders items 0...5, arm b orders them 5...0.
    let orders: [[Ranked]] = [
        (0..<6).map { Ranked(item: $0, score: Double(6 - $0), contributions: []) },
        (0..<6).reversed().map { Ranked(item: $0, score: Double($0), contributions: []) },
    ]
    let states = [ArmState(pulls: 10, rewards: 1), ArmState(pulls: 10, rewards: 5)]

    /// A blend of `orders`, each arm serving when its order holds an item.
    func blend(
        _ blend: ArmBlend, _ orders: [[Ranked]], states: [ArmState], user: String = "u",
        random: inout SeededGenerator, asked: ((Int) -> Void)? = nil
    ) -> [ArmBlend.Placed] {
        blend.blend(
            states: states, user: user, random: &random, serves: { !orders[$0].isEmpty },
            order: {
                asked?($0)
                return orders[$0]
            })
    }

    /// Items `items` in their own order, as one arm's order.
    func order(_ items: [Int]) -> [Ranked] {
        items.map { Ranked(item: $0, score: 0, contributions: []) }
    }

    @Test func perRequestServesOneArmsOrderWithItsPropensity() {
        let blend = ArmBlend(
            policy: .epsilonGreedy(epsilon: 0.2, decay: 0), mode: .perRequest, sticky: false)
        var random = SeededGenerator(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<50 {
            var asked: [Int] = []
            let response = self.blend(
                blend, orders, states: states, random: &random, asked: { asked.append($0) })
            let arm = response[0].arm
            seen.insert(arm)
            #expect(asked == [arm])
            #expect(response.allSatisfy { $0.arm == arm })
            #expect(response.map(\.ranked) == orders[arm])
            #expect(response[0].propensity == (arm == 0 ? 0.1 : 0.9))
        }
        #expect(seen == [0, 1])
    }

    @Test func perSlotInterleavesEachArmsOrderWithoutRepeats() {
        let blend = ArmBlend(
            policy: .thompson(prior: BetaPrior(), draws: 200), mode: .perSlot, sticky: false)
        var random = SeededGenerator(seed: 5)
        for _ in 0..<20 {
            let response = self.blend(
                blend, orders, states: [ArmState(), ArmState()], random: &random)
            #expect(Set(response.map(\.ranked.item)).count == 6 && response.count == 6)
            for arm in orders.indices {
                let placed = response.filter { $0.arm == arm }.map(\.ranked.item)
                let order = orders[arm].map(\.item)
                #expect(placed == order.filter { placed.contains($0) })
            }
            #expect(response.allSatisfy { $0.propensity > 0 && $0.propensity <= 1 })
        }
    }

    /// The favoured arm (by far the best rewards) has nothing for this user: every policy in
    /// either mode places only the other arms' items, with the policy's propensities over those
    /// arms alone, which add up to 1.
    @Test(arguments: [BanditMode.perRequest, .perSlot])
    func anArmWithNothingForTheUserTakesNoPartAndTheOthersShareItsChoice(mode: BanditMode) {
        let arms = [order([]), order([0, 1, 2]), order([3, 4, 5])]
        let states = [
            ArmState(pulls: 1000, rewards: 900), ArmState(pulls: 100, rewards: 5),
            ArmState(pulls: 100, rewards: 30),
        ]
        let policies: [(BanditPolicy, [Double])] = [
            (.epsilonGreedy(epsilon: 0.2, decay: 0), [0, 0.1, 0.9]),
            (.ucb1, [0, 0, 1]),
        ]
        for (policy, expected) in policies {
            let blend = ArmBlend(policy: policy, mode: mode, sticky: false)
            var random = SeededGenerator(seed: 11)
            var placedBy = [0, 0, 0]
            for _ in 0..<200 {
                let response = self.blend(blend, arms, states: states, random: &random)
                #expect(!response.isEmpty, "\(policy)")
                for placed in response {
                    placedBy[placed.arm] += 1
                    // Per slot, once one arm has placed all its items the other fills the rest.
                    let othersLeft = arms.indices.contains { arm in
                        arm != placed.arm && expected[arm] > 0
                            && arms[arm].contains { item in
                                !response.prefix { $0 != placed }.map(\.ranked.item).contains(
                                    item.item)
                            }
                    }
                    #expect(
                        placed.propensity == (othersLeft ? expected[placed.arm] : 1),
                        "\(policy) \(mode)")
                }
            }
            #expect(placedBy[0] == 0)
            #expect(placedBy[2] > 0)
        }
        let thompson = ArmBlend(
            policy: .thompson(prior: BetaPrior(), draws: 200), mode: mode, sticky: false)
        var random = SeededGenerator(seed: 12)
        let response = self.blend(thompson, arms, states: states, random: &random)
        #expect(response.count == (mode == .perRequest ? 3 : 6))
        #expect(response.allSatisfy { $0.arm != 0 && $0.propensity > 0 })
    }

    /// Per slot, an arm that never placed an item may still have run out (the other arms
    /// placed all its items): from then on the arms left share every place.
    @Test func perSlotPropensitiesCountOnlyTheArmsWithAnItemLeft() {
        let arms = [order([0, 1]), order([1, 0, 2, 3, 4])]
        let blend = ArmBlend(
            policy: .epsilonGreedy(epsilon: 0.2, decay: 0), mode: .perSlot, sticky: false)
        var random = SeededGenerator(seed: 7)
        var checked = 0
        for _ in 0..<200 {
            let response = self.blend(blend, arms, states: states, random: &random)
            #expect(response.map(\.ranked.item).sorted() == [0, 1, 2, 3, 4])
            for (place, placed) in response.enumerated() {
                let before = Set(response.prefix(place).map(\.ranked.item))
                let firstLeft = arms[0].contains { !before.contains($0.item) }
                let expected = firstLeft ? (placed.arm == 0 ? 0.1 : 0.9) : 1
                #expect(placed.propensity == expected, "place \(place)")
                let ownPlaced = response.prefix(place).filter { $0.arm == 0 }.count
                if !firstLeft && ownPlaced < 2 { checked += 1 }
            }
        }
        #expect(checked > 0, "in some responses arm b places arm a's items before a does")
    }

    @Test func stickyAssignmentIsStableAcrossRunsAndSplitsUsersEvenly() {
        let blend = ArmBlend(policy: .ucb1, mode: .perRequest, sticky: true)
        var counts = [0, 0]
        for user in 0..<2000 {
            var first = SeededGenerator(seed: 1)
            var second = SeededGenerator(seed: 99)
            let one = self.blend(blend, orders, states: states, user: "u\(user)", random: &first)
            let two = self.blend(blend, orders, states: states, user: "u\(user)", random: &second)
            #expect(one[0].arm == two[0].arm)
            #expect(one[0].propensity == 0.5)
            counts[one[0].arm] += 1
        }
        #expect(abs(counts[0] - 1000) < 100)
        #expect(
            ArmBlend.stickyArm(user: "u7", count: 3) == ArmBlend.stickyArm(user: "u7", count: 3))
    }

    /// Per slot, a sticky user's arm places all it can before another arm places anything; a
    /// user whose arm has nothing for them gets another arm's items.
    @Test func stickyPerSlotPlacesTheUsersArmFirst() {
        let arms = [order([0, 1, 2]), order([2, 3, 4, 5])]
        let blend = ArmBlend(policy: .ucb1, mode: .perSlot, sticky: true)
        for user in 0..<50 {
            var random = SeededGenerator(seed: 1)
            let own = ArmBlend.stickyArm(user: "u\(user)", count: 2)
            let response = self.blend(
                blend, arms, states: states, user: "u\(user)", random: &random)
            let count = arms[own].count
            #expect(response.prefix(count).allSatisfy { $0.arm == own })
            #expect(response.dropFirst(count).allSatisfy { $0.arm != own })
            #expect(response.map(\.ranked.item).sorted() == [0, 1, 2, 3, 4, 5])
            let alone = self.blend(
                blend, own == 0 ? [order([]), arms[1]] : [arms[0], order([])], states: states,
                user: "u\(user)", random: &random)
            #expect(alone.allSatisfy { $0.arm != own && $0.propensity == 1 })
            #expect(!alone.isEmpty)
        }
    }
}
