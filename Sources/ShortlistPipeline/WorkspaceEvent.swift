public import ShortlistData

/// What a workspace reports while it loads data and prepares pipelines: typed values, never
/// sentences. The CLI and the server word them (`Words.event`) and log them through their
/// `Logger` at ``level``.
public enum WorkspaceEvent: Sendable, Equatable {
    /// How much an event matters to whoever reads the log.
    public enum Level: Sendable, Equatable {
        /// What happened, as it should.
        case info
        /// Something is wrong but the work goes on (a damaged file rebuilt, an artifact not
        /// saved).
        case warning
    }

    /// A stage being loaded or fitted: its name and plugin type, and whether it is fitted on
    /// the data before a learned ranker's holdout.
    public struct Fit: Sendable, Equatable {
        public var stage: String
        public var type: String
        public var beforeHoldout: Bool

        public init(stage: String, type: String, beforeHoldout: Bool = false) {
            self.stage = stage
            self.type = type
            self.beforeHoldout = beforeHoldout
        }
    }

    /// A field of an items or users file some of its rows leave empty.
    public enum MissingField: Sendable, Equatable {
        case itemYear, userAge, userGender, userOccupation
    }

    /// The dataset's folder is missing and the dataset it names is being fetched into it.
    case fetching(FetchableDataset, into: String)
    /// The dataset cache cannot be used or written: a damaged file (rebuilt), a folder that
    /// cannot be written (the dataset is loaded all the same).
    case datasetCacheProblem(String)
    /// Repeated (user, item) interactions were merged, keeping the latest of each.
    case mergedDuplicates(Int)
    /// Malformed rows of a file were skipped (`skip-malformed: true`).
    case skippedRows(file: String, count: Int)
    /// Rows of an items or users file have no value for a field.
    case missingValues(MissingField, count: Int)
    /// Interactions name items the items file lacks (they are titled by their ids).
    case unlistedItems(Int)
    /// Interactions name users the users file lacks.
    case unlistedUsers(Int)
    /// The interactions have no ratings: every interaction counts as liked.
    case noRatings
    /// The interactions have no timestamps: nothing is ordered by time.
    case noTimestamps
    /// A stage's model was read from its stored artifact.
    case reused(Fit, path: String)
    /// A stage was fitted and its artifact saved.
    case fitted(Fit, seconds: Double, path: String)
    /// A stage's stored artifact cannot be used (`reason`), so it is fitted again.
    case refitting(Fit, reason: String)
    /// A stage was fitted but its artifact could not be saved (`reason`).
    case notSaved(Fit, seconds: Double, reason: String)
    /// The pools a learned ranker trains on were made the two-stage way: `heldOut`
    /// interactions held out (each user's latest `holdout` share, or a random one without
    /// timestamps), `pools` labelled pools of `candidates` candidates, `positives` of them
    /// positive; the pools are a sample when `eligible` users (more) had a held-out positive.
    case labelledPools(
        pipeline: String, heldOut: Int, holdout: Double, latest: Bool, pools: Int,
        eligible: Int, candidates: Int, positives: Int)
    /// A line a ranker's plugin reports while it fits (in its own words).
    case rankerProgress(ranker: String, pipeline: String, message: String)

    /// How much the event matters.
    public var level: Level {
        switch self {
        case .datasetCacheProblem, .refitting, .notSaved: .warning
        default: .info
        }
    }
}
