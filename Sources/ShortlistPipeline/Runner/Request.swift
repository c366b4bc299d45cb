public import ShortlistCore

/// One recommendation request: whom to recommend to, how many items, as of when, and what the
/// application adds on top of the data.
public struct Request: Sendable {
    /// The user's external id; an id the data does not have gets a cold answer.
    public var userID: String
    /// How many items to return; the pipeline's `n` when nil.
    public var n: Int?
    /// When the request is made (seconds since 1970), or nil for the end of the data; rankers
    /// compute their time features as of then.
    public var time: Int64?
    /// Interactions the application saw after the last fit (or of a user the data does not
    /// have), appended to the user's history for this request.
    public var history: [FreshInteraction]
    /// Items this request must not show, on top of the pipeline's filters.
    public var exclude: [ItemIndex]
    /// Filters by item field for this request, folded in after the pipeline's.
    public var fields: [FieldFilter]
    /// The trade-off λ in [0, 1] of the pipeline's `mmr` re-rank steps for this request, or
    /// nil for theirs.
    public var lambda: Double?
    /// The id a stateful ranker's decision is made and logged under (a new one when nil); a
    /// bandit's draws are seeded by it.
    public var requestID: String?

    /// A request.
    public init(
        userID: String, n: Int? = nil, time: Int64? = nil, history: [FreshInteraction] = [],
        exclude: [ItemIndex] = [], fields: [FieldFilter] = [], lambda: Double? = nil,
        requestID: String? = nil
    ) {
        self.fields = fields
        self.lambda = lambda
        self.userID = userID
        self.n = n
        self.time = time
        self.history = history
        self.exclude = exclude
        self.requestID = requestID
    }
}

/// What a stateful ranker decides from, read by the caller before the request: a bandit's
/// arms' states. ``FittedPipeline/run(_:context:observer:)`` reads nothing itself.
public struct RankingContext: Sendable {
    /// A bandit's arms' pulls and rewards in arm order, or nil for every arm at its prior.
    public var armStates: [ArmState]?

    /// A context.
    public init(armStates: [ArmState]? = nil) {
        self.armStates = armStates
    }

    /// Every arm at its prior: what a request decides from without a feedback store.
    public static let priors = RankingContext()
}

/// What a bandit decided for one request, for the caller to log: the response with each
/// shown item's arm and propensity and the arms' states the draws used, and the draws' seed
/// (which the request id gives), so that a replay draws the same.
public struct Decision: Sendable, Equatable {
    /// The response as it is logged: request id, pipeline, user, one impression per shown item
    /// and the arms' states.
    public var served: ServedRequest
    /// The seed of the draws (from the request id).
    public var seed: UInt64

    /// A decision.
    public init(served: ServedRequest, seed: UInt64) {
        self.served = served
        self.seed = seed
    }

    /// The request id it is logged under.
    public var requestID: String { served.id }
    /// The arms' states the draws used, in arm order.
    public var states: [ArmState] { served.armStates }
}

/// The answer to one ``Request``.
public struct Response: Sendable {
    /// The items shown, best first.
    public var items: [Ranked]
    /// For a bandit pipeline, what it decided, to be logged by the caller; nil otherwise.
    public var decision: Decision?

    /// A response.
    public init(items: [Ranked], decision: Decision? = nil) {
        self.items = items
        self.decision = decision
    }
}

extension FittedPipeline {
    /// The context a request of this pipeline decides from: for a bandit, its arms' states
    /// read from `source`; for any other ranker, ``RankingContext/priors``.
    ///
    /// - Throws: what `source` throws when it cannot be read.
    public func rankingContext(from source: any BanditStateSource) throws -> RankingContext {
        guard let bandit else { return .priors }
        return RankingContext(armStates: try source.armStates(pipeline: name, arms: bandit.arms))
    }
}
