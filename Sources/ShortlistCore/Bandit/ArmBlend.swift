/// Whether a bandit picks one arm per response or one per place in it.
public enum BanditMode: String, ParameterChoice {
    /// One arm orders the whole response (with `sticky`, classic A/B).
    case perRequest = "per-request"
    /// Each place gets its own arm, filled with that arm's best item not yet placed
    /// (interleaving by bandit).
    case perSlot = "per-slot"
}

/// Where a bandit put an item: the arm that placed it, the probability with which that arm
/// was chosen for the place, and the item's terms inside the arm's own ranker.
public struct Placement: Sendable, Equatable, Codable {
    public var arm: String
    public var propensity: Double
    /// The terms of the item's score inside an arm that is a ranker of its own; empty for an
    /// arm that is a candidate stage, whose nomination that stage's reasons explain.
    public var contributions: [Contribution]

    public init(arm: String, propensity: Double, contributions: [Contribution] = []) {
        self.arm = arm
        self.propensity = propensity
        self.contributions = contributions
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

    /// One item of a blended response: the arm that placed it (by index) and the probability
    /// with which that arm was chosen for its place.
    public struct Placed: Sendable, Equatable {
        public var ranked: Ranked
        public var arm: Int
        public var propensity: Double
    }

    /// Every item of the arms' orders that the blend places, once, in the blended order.
    ///
    /// Per request, only the chosen arm's order is asked for; per slot, each arm's order once,
    /// when the arm is first drawn.
    ///
    /// - Parameters:
    ///   - states: each arm's state, read at decision time.
    ///   - random: draws the arms; a seeded generator makes the response reproducible.
    ///   - order: an arm's order of the pool, best first (an arm may hold fewer items).
    /// - Complexity: O(placed items + arms), plus the policy's cost once.
    public func blend(
        states: [ArmState], user: String, random: inout SeededGenerator,
        order: (Int) -> [Ranked]
    ) -> [Placed] {
        precondition(!states.isEmpty, "a bandit needs an arm")
        let propensities =
            sticky
            ? [Double](repeating: 1 / Double(states.count), count: states.count)
            : policy.propensities(states, random: &random)
        let chosen =
            sticky
            ? Self.stickyArm(user: user, count: states.count)
            : BanditPolicy.draw(propensities, random: &random)
        if mode == .perRequest {
            return order(chosen).map {
                Placed(ranked: $0, arm: chosen, propensity: propensities[chosen])
            }
        }
        var orders = [[Ranked]?](repeating: nil, count: states.count)
        var next = [Int](repeating: 0, count: states.count)
        var placed = Set<ItemIndex>()
        var result: [Placed] = []
        /// The arm's best item not yet placed, advancing past placed ones.
        func take(_ arm: Int) -> Ranked? {
            if orders[arm] == nil {
                orders[arm] = order(arm)
                placed.reserveCapacity(orders[arm]!.count)
            }
            while next[arm] < orders[arm]!.count {
                let candidate = orders[arm]![next[arm]]
                next[arm] += 1
                if placed.insert(candidate.item).inserted { return candidate }
            }
            return nil
        }
        var open = propensities
        var arm = chosen
        while true {
            if let item = take(arm) {
                let total = open.reduce(0, +)
                result.append(Placed(ranked: item, arm: arm, propensity: open[arm] / total))
            } else {
                open[arm] = 0
            }
            guard open.contains(where: { $0 > 0 }) else { return result }
            arm = sticky ? open.firstIndex { $0 > 0 }! : BanditPolicy.draw(open, random: &random)
        }
    }
}
