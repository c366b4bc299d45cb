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
public struct Placement: Sendable, Equatable {
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

    /// The arm a sticky assignment gives `user` among the arms marked in `eligible`: its own
    /// arm (``stickyArm(user:count:)``) when eligible, else one of the eligible arms by the same
    /// hash.
    static func stickyArm(user: String, among eligible: [Bool]) -> Int {
        let own = stickyArm(user: user, count: eligible.count)
        if eligible[own] { return own }
        let arms = eligible.indices.filter { eligible[$0] }
        return arms[stickyArm(user: user, count: arms.count)]
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
    /// Only arms that can serve the request take part: one whose order is empty (a stage with
    /// nothing for a new user) has propensity 0, and the policy shares the choice among the
    /// others, so each placed item's propensity is the probability with which its arm was
    /// chosen for its place. Per request, only the chosen arm's order is asked for. Per slot,
    /// every arm that can serve is asked for its order once, and at each place the arms with an
    /// item left to place share it; when one runs out, the policy shares the places among the
    /// rest. With `sticky`, the user's arm places what it can, then another by the same hash.
    ///
    /// - Parameters:
    ///   - states: each arm's state, read at decision time.
    ///   - random: draws the arms; a seeded generator makes the response reproducible.
    ///   - serves: whether an arm's order holds an item (cheaper than asking for the order).
    ///   - order: an arm's order of the pool, best first (an arm may hold fewer items).
    /// - Complexity: O(placed items + arms × places), plus the policy's cost once, and again
    ///   each time an arm runs out per slot.
    public func blend(
        states: [ArmState], user: String, random: inout SeededGenerator,
        serves: (Int) -> Bool, order: (Int) -> [Ranked]
    ) -> [Placed] {
        precondition(!states.isEmpty, "a bandit needs an arm")
        var open = states.indices.map(serves)
        guard open.contains(true) else { return [] }
        var propensities = shares(states, among: open, random: &random)
        if mode == .perRequest {
            let chosen =
                sticky
                ? Self.stickyArm(user: user, among: open)
                : BanditPolicy.draw(propensities, random: &random)
            return order(chosen).map {
                Placed(ranked: $0, arm: chosen, propensity: propensities[chosen])
            }
        }
        let orders = states.indices.map { open[$0] ? order($0) : [] }
        var next = [Int](repeating: 0, count: states.count)
        var placed = Set<ItemIndex>(minimumCapacity: orders.map(\.count).max() ?? 0)
        var result: [Placed] = []
        while true {
            // An arm whose items are all placed cannot fill this place.
            var ranOut = false
            for arm in open.indices where open[arm] {
                while next[arm] < orders[arm].count,
                    placed.contains(orders[arm][next[arm]].item)
                {
                    next[arm] += 1
                }
                if next[arm] == orders[arm].count {
                    open[arm] = false
                    ranOut = true
                }
            }
            guard open.contains(true) else { return result }
            if ranOut { propensities = shares(states, among: open, random: &random) }
            let arm =
                sticky
                ? Self.stickyArm(user: user, among: open)
                : BanditPolicy.draw(propensities, random: &random)
            let item = orders[arm][next[arm]]
            next[arm] += 1
            placed.insert(item.item)
            result.append(Placed(ranked: item, arm: arm, propensity: propensities[arm]))
        }
    }

    /// Each arm's probability of being chosen when only the arms marked in `eligible` may be:
    /// the policy's over those arms (equal shares when sticky), 0 for the others.
    func shares(_ states: [ArmState], among eligible: [Bool], random: inout SeededGenerator)
        -> [Double]
    {
        let arms = states.indices.filter { eligible[$0] }
        let own =
            sticky
            ? [Double](repeating: 1 / Double(arms.count), count: arms.count)
            : policy.propensities(arms.map { states[$0] }, random: &random)
        var result = [Double](repeating: 0, count: states.count)
        for (arm, share) in zip(arms, own) { result[arm] = share }
        return result
    }
}
