public import ShortlistCore
import ShortlistData

/// The keys of a pipelines file that belong to no plugin, with their defaults: what the reader
/// applies and `shortlist plugins` lists.
public enum FileKeys {
    /// The seed every plugin starts its random draws from (`seed:`).
    public static let defaultSeed: UInt64 = 42
    /// Items per recommendation (`n:` of a pipeline).
    public static let defaultResultCount = 10
    /// The most items a candidate stage nominates (`limit:` of a stage).
    public static let defaultLimit = 100
    /// The feedback store, relative to the file (`feedback-store:`).
    public static let defaultFeedbackStore = ".shortlist/feedback.sqlite"

    /// The top level of the file.
    public static let topLevel: [ParameterDoc] = [
        ParameterDoc(
            "seed", "integer in [0, 2^64)", default: String(defaultSeed),
            "every plugin that draws random numbers starts here"),
        ParameterDoc(
            "feedback-store", "path", default: defaultFeedbackStore,
            "the bandit's request log, feedback and arm statistics (relative to the file)"),
        ParameterDoc("dataset", "mapping", default: "required", "where the data is and its format"),
        ParameterDoc(
            "pipelines", "mapping of name to pipeline", default: "required",
            "the first is the default"),
        ParameterDoc(
            "events", "mapping", default: "none (no event log)",
            "the kinds of event the log takes and how requests fold them in (keys below)"),
    ]

    /// The keys of `events:`.
    public static let events: [ParameterDoc] = [
        ParameterDoc(
            "kinds", "mapping of name to kind", default: "required",
            "each kind: {weight: W}, W times the data's strongest interaction (negative: never "
                + "recommend the item again), or {value: rating}, its value is the rating"),
        ParameterDoc(
            "fold-in", "integer in [1, \(EventPolicy.foldInLimit)]",
            default: String(EventPolicy.defaultFoldIn),
            "a user's latest events each request folds in"),
        ParameterDoc(
            "unknown-items", "refuse or keep", default: "refuse",
            "an event for an item the catalogue lacks: refused, or kept until the item exists"),
        ParameterDoc(
            "item-fold-in", "integer ≥ 1", default: String(EventPolicy.defaultItemFoldIn),
            "interactions an item added since the fit needs before matrix factorisation folds it "
                + "in"),
        ParameterDoc(
            "refresh", "{every: DURATION, after-events: N}", default: "none",
            "a server refreshes by itself with new events: after DURATION (90s, 30m, 1h, 1d) or N "
                + "new events, whichever comes first"),
    ]

    /// A pipeline's own keys.
    public static let pipeline: [ParameterDoc] = [
        ParameterDoc("description", "text", default: "none", "one line about the pipeline"),
        ParameterDoc(
            "n", "integer ≥ 1", default: String(defaultResultCount), "items per recommendation"),
        ParameterDoc(
            "candidates", "list of stages", default: "required",
            "stage 1: each candidate stage nominates items"),
        ParameterDoc(
            "filters", "mapping", default: "exclude-seen only",
            "items never shown (keys below)"),
        ParameterDoc("ranker", "mapping", default: "required", "stage 2: orders the merged pool"),
        ParameterDoc(
            "rerank", "mapping", default: "none",
            "steps that reorder the ranker's best items for variety or rules (keys below)"),
        ParameterDoc(
            "exposures", "number in [0, 1]", default: "0",
            "share of a server's responses logged with their shown items (an exposure log for "
                + "'ab preview' and feedback; a bandit logs all)"),
    ]

    /// The keys every candidate stage takes besides its plugin's parameters.
    public static let stage: [ParameterDoc] = [
        ParameterDoc(
            "name", "text", default: "required",
            "unique in the pipeline; weights, arms, logs and explanations use it"),
        ParameterDoc("type", "a candidate generator type", default: "required", "the plugin"),
        ParameterDoc(
            "limit", "integer ≥ 1", default: String(defaultLimit),
            "the most items the stage nominates per request"),
    ]

    /// The keys of a pipeline's `rerank:`.
    public static let rerank: [ParameterDoc] = [
        ParameterDoc(
            "window", "integer ≥ 1", default: "5 × n",
            "how many of the ranker's best items the steps reorder; the response keeps the "
                + "first n"),
        ParameterDoc(
            "steps", "list of {type: STEP, …}", default: "required",
            "applied in order; each step's own keys are listed with it"),
    ]

    /// The key a re-rank step takes besides its plugin's parameters.
    public static let rerankStep: [ParameterDoc] = [
        ParameterDoc("type", "a re-rank step type", default: "required", "the plugin")
    ]

    /// The key a ranker takes besides its plugin's parameters.
    public static let ranker: [ParameterDoc] = [
        ParameterDoc("type", "a ranker type", default: "required", "the plugin")
    ]
}
