/// Whether a bandit picks one arm per response or one per place in it.
public enum BanditMode: String, ParameterChoice {
    /// One arm orders the whole response (with `sticky`, classic A/B).
    case perRequest = "per-request"
    /// Each place gets its own arm, filled with that arm's best item not yet placed
    /// (interleaving by bandit).
    case perSlot = "per-slot"
}

/// Where a bandit put an item: the arm that placed it and the probability with which that arm
/// was chosen for the place.
public struct Placement: Sendable, Equatable, Codable {
    public var arm: String
    public var propensity: Double

    public init(arm: String, propensity: Double) {
        self.arm = arm
        self.propensity = propensity
    }
}

/// Blends the orders several arms give to one pool into one response, as a bandit policy
/// decides from the arms' states.
public struct ArmBlend: Sendable, Equatable {
    public var policy: BanditPolicy
    public var mode: BanditMode
    /// Assign each user to one arm by a stable hash of their id, whatever the states.
    public var sticky: Bool

    public init(policy: BanditPolicy, mode: BanditMode, sticky: Bool) {
        self.policy = policy
        self.mode = mode
        self.sticky = sticky
    }

    /// The arm a sticky assignment gives `user` among `count` arms: the same on every run and
    /// machine (FNV-1a of the id).
    public static func stickyArm(user: String, count: Int) -> Int {
        var hasher = FNV1a()
        hasher.combine(user)
        return Int(hasher.value % UInt64(count))
    }

    /// Every item of the arms' orders, once, in the blended order, each with its placement.
    ///
    /// - Parameters:
    ///   - orders: each arm's order of the pool, best first (an arm may hold fewer items).
    ///   - states: each arm's state, read at decision time.
    ///   - random: draws the arms; a seeded generator makes the response reproducible.
    /// - Complexity: O(items · arms), plus the policy's cost once.
    public func blend(
        _ orders: [[Ranked]], arms: [String], states: [ArmState], user: String,
        random: inout SeededGenerator
    ) -> [(ranked: Ranked, placement: Placement)] {
        precondition(
            !arms.isEmpty && orders.count == arms.count && states.count == arms.count,
            "one order and one state per arm")
        let propensities =
            sticky
            ? [Double](repeating: 1 / Double(arms.count), count: arms.count)
            : policy.propensities(states, random: &random)
        var result: [(ranked: Ranked, placement: Placement)] = []
        var placed = Set<ItemIndex>()
        var next = [Int](repeating: 0, count: arms.count)
        /// The arm's best item not yet placed, advancing past placed ones.
        func take(_ arm: Int) -> Ranked? {
            while next[arm] < orders[arm].count {
                let candidate = orders[arm][next[arm]]
                next[arm] += 1
                if placed.insert(candidate.item).inserted { return candidate }
            }
            return nil
        }
        let chosen =
            sticky
            ? Self.stickyArm(user: user, count: arms.count)
            : BanditPolicy.draw(propensities, random: &random)
        switch mode {
        case .perRequest:
            let placement = Placement(arm: arms[chosen], propensity: propensities[chosen])
            while let item = take(chosen) { result.append((item, placement)) }
        case .perSlot:
            var open = propensities
            var arm = chosen
            while true {
                if let item = take(arm) {
                    let total = open.reduce(0, +)
                    result.append(
                        (item, Placement(arm: arms[arm], propensity: open[arm] / total)))
                } else {
                    open[arm] = 0
                }
                if !open.contains(where: { $0 > 0 }) { break }
                if sticky {
                    arm = open.firstIndex { $0 > 0 }!
                } else {
                    arm = BanditPolicy.draw(open, random: &random)
                }
            }
        }
        return result
    }
}
