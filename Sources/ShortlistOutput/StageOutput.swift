public import ShortlistCore
public import ShortlistPipeline

/// Why a stage nominated nothing, as JSON: a code and, where it has one, the threshold.
public struct UnavailableOutput: Encodable {
    public var code: String
    public var threshold: Double?

    public init(_ reason: Unavailability) {
        switch reason {
        case .unknownUser: code = "unknown-user"
        case .noHistory: code = "no-history"
        case .userNotFitted: code = "user-not-fitted"
        case .nothingLiked(let threshold):
            code = "nothing-liked"
            self.threshold = threshold
        case .noPositiveScore: code = "no-positive-score"
        case .allExcluded: code = "all-excluded"
        }
    }
}

/// The user of a request as JSON.
public struct UserOutput: Encodable {
    public var id: String
    public var known: Bool
    public var interactions: Int

    public init(id: String, _ status: UserStatus) {
        self.id = id
        switch status {
        case .unknown: (known, interactions) = (false, 0)
        case .noHistory: (known, interactions) = (true, 0)
        case .history(let count): (known, interactions) = (true, count)
        }
    }

    /// The user `id` as `dataset` knows it (its interactions at the last fit).
    public init(id: String, in dataset: Dataset) {
        self.id = id
        let user = dataset.user(id)
        known = user != nil
        interactions = user.map { dataset.byUser.count(of: $0) } ?? 0
    }
}

/// One stage's view of an item as JSON.
public struct StageOutput: Encodable {
    public var stage: String
    public var type: String
    public var rank: Int?
    public var score: Double?
    public var nominated: Bool
    public var explanation: ExplanationOutput?
    public var unavailable: UnavailableOutput?

    /// A stage's view with its rank, score and account.
    public init(_ view: ItemExplanation.StageView, _ pipeline: FittedPipeline) {
        stage = view.name
        type = view.type
        rank = view.rank
        score = view.score
        nominated = view.isNominated
        explanation = view.explanation.isEmpty ? nil : ExplanationOutput(view.explanation, pipeline)
        unavailable = view.unavailable.map(UnavailableOutput.init)
    }

    /// A stage's nomination of an item, without its account.
    public init(stage: String, type: String, rank: Int?, score: Double?, nominated: Bool) {
        self.stage = stage
        self.type = type
        self.rank = rank
        self.score = score
        self.nominated = nominated
    }
}
