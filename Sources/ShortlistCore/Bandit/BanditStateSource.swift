/// Where a bandit pipeline reads its arms' states at decision time and logs what it served,
/// so that feedback can find the arm that placed each item.
public protocol BanditStateSource: Sendable {
    /// Each arm's pulls and rewards so far, in the order given.
    func armStates(pipeline: String, arms: [String]) throws -> [ArmState]
    /// Logs a response, counting a pull for the arm of each impression.
    func record(_ request: ServedRequest) throws
}

/// One item a bandit pipeline showed: where, which arm placed it, and the probability with
/// which that arm was chosen for the place (its propensity).
public struct Impression: Sendable, Equatable, Codable {
    public var item: String
    public var position: Int
    public var arm: String
    public var propensity: Double

    public init(item: String, position: Int, arm: String, propensity: Double) {
        self.item = item
        self.position = position
        self.arm = arm
        self.propensity = propensity
    }
}

/// A response a bandit pipeline gave, as it is logged.
public struct ServedRequest: Sendable, Equatable {
    public var id: String
    public var pipeline: String
    public var user: String
    public var impressions: [Impression]

    public init(id: String, pipeline: String, user: String, impressions: [Impression]) {
        self.id = id
        self.pipeline = pipeline
        self.user = user
        self.impressions = impressions
    }
}
