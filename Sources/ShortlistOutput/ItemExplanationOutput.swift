public import ShortlistCore
public import ShortlistPipeline

/// An item explanation as JSON.
public struct ItemExplanationOutput: Encodable {
    public var user: UserOutput
    public var item: String
    public var title: String
    public var pipeline: String
    public var verdict: String
    public var rank: Int?
    public var cutoffScore: Double?
    public var filteredBy: [String]?
    public var stages: [StageOutput]
    /// For an item that reached the ranker: why it scores as it does, in one plain sentence.
    public var summary: String?
    public var score: Double?
    public var contributions: [ContributionOutput]?
    /// For a bandit: the arm that placed the item, and every arm's state at decision time.
    public var placement: PlacementOutput?
    public var bandit: BanditOutput?
    /// For a pipeline with re-rank steps: what each step did to the item.
    public var moves: [MoveOutput]?
    /// For an item the ranker placed: its rank in the ranker's order, before the re-rank steps.
    public var rankerRank: Int?
    /// The re-rank steps' window, for an item below it.
    public var window: Int?
    /// With `--request`: what that logged response showed of the item.
    public var served: Served?

    public struct Served: Encodable {
        public var request: String
        public var user: String
        public var shown: Bool
        public var position: Int?
        public var arm: String?
        public var propensity: Double?
        /// Whether the response was logged with the arms' states it was decided from, so that
        /// the replay draws exactly what it drew.
        public var replaysExactly: Bool

        public init(_ served: ServedRequest, item: String) {
            request = served.id
            user = served.user
            let impression = served.impressions.first { $0.item == item }
            shown = impression != nil
            position = impression?.position
            arm = impression?.arm
            propensity = impression?.propensity
            replaysExactly = !served.armStates.isEmpty
        }
    }

    public init(_ explanation: ItemExplanation, pipeline: FittedPipeline, user: String) {
        self.user = UserOutput(id: user, explanation.trace.user)
        (item, title) = pipeline.describe(explanation.item)
        self.pipeline = pipeline.name
        switch explanation.outcome {
        case .recommended(let rank):
            verdict = "recommended"
            self.rank = rank
        case .belowCutoff(let rank, let cutoff):
            verdict = "below-cutoff"
            self.rank = rank
            cutoffScore = cutoff
        case .filtered(let filters):
            verdict = "filtered"
            filteredBy = filters
        case .belowWindow(let rank, let window):
            verdict = "below-window"
            rankerRank = rank
            self.window = window
        case .pushedOut(let rankerRank, let rank):
            verdict = "pushed-out"
            self.rank = rank
            self.rankerRank = rankerRank
        case .notNominated:
            verdict = "not-nominated"
        }
        stages = explanation.stages.map { StageOutput($0, pipeline) }
        summary = explanation.ranked.map {
            Words.summary(
                $0, views: explanation.stages, query: explanation.trace.query, in: pipeline)
        }
        score = explanation.ranked?.score
        contributions = explanation.ranked?.contributions.map { ContributionOutput($0, pipeline) }
        placement = explanation.ranked?.placement.map { PlacementOutput($0, pipeline) }
        bandit = explanation.trace.bandit.map(BanditOutput.init)
        if explanation.trace.rerank != nil, let ranked = explanation.ranked {
            moves = ranked.moves.map { MoveOutput($0, pipeline) }
            rankerRank = explanation.trace.ranked.firstIndex { $0.item == ranked.item }.map {
                $0 + 1
            }
        }
    }
}
