public import ShortlistCore

/// Everything one request did, stage by stage, recorded from the values that produced the result.
public struct Trace: Sendable {
    /// One candidate stage's part.
    public struct GeneratorStep: Sendable {
        /// The stage name.
        public var name: String
        /// The plugin type.
        public var type: String
        /// The stage's candidate budget.
        public var limit: Int
        /// What it nominated, best first.
        public var candidates: [Candidate]
        /// Why it nominated nothing, when it did not.
        public var emptyReason: String?
        /// Wall time of the call, in seconds.
        public var seconds: Double
    }

    /// One filter's part.
    public struct FilterStep: Sendable {
        /// The filter name.
        public var name: String
        /// Catalogue items it excluded that no earlier filter had.
        public var excludedCount: Int
    }

    /// Whether the user is known and has a history.
    public var userStatus: String
    /// The filters, in the order they ran.
    public var filters: [FilterStep] = []
    /// The candidate stages, in pipeline order.
    public var generators: [GeneratorStep] = []
    /// The merged pool the ranker saw.
    public var pool: CandidatePool
    /// The whole pool as the ranker ordered it.
    public var ranked: [Ranked] = []
    /// How many items were asked for.
    public var resultCount: Int
    /// Wall time of the ranker, in seconds.
    public var rankerSeconds: Double = 0
}
