import BuiltInPlugins
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// A prepared pipeline and, for a bandit pipeline, the feedback store its arms' states are
/// read from and its served responses logged to: the I/O around the request path, which does
/// none itself.
struct Session {
    /// The pipeline, loaded or fitted.
    let pipeline: FittedPipeline
    /// The feedback store, for a bandit pipeline only.
    let store: (any FeedbackStorage)?

    /// What a request decides from: a bandit's arms' states as the store has them now.
    ///
    /// - Throws: the store's error when it cannot be read.
    func context() throws -> RankingContext {
        guard let store else { return .priors }
        return try pipeline.rankingContext(from: store)
    }

    /// Logs a served response's decision in the store; false when there is none to log.
    ///
    /// - Throws: the store's error when it cannot be written.
    func log(_ decision: Decision?) throws -> Bool {
        guard let decision, let store else { return false }
        try store.record(decision.served)
        return true
    }
}

/// Opens the pipelines file, loads the data and prepares a pipeline, logging to standard
/// error; a bandit pipeline's feedback store is opened too.
func prepareSession(_ options: FileOptions, _ fit: FitOptions) throws -> Session {
    let workspace = try openWorkspace(options.path)
    let dataset = try workspace.loadDataset()
    let pipeline = try workspace.prepare(
        pipeline: options.pipeline, dataset: dataset, reuseArtifacts: !fit.refit)
    return Session(
        pipeline: pipeline,
        store: pipeline.bandit != nil ? try openFeedbackStore(workspace.file.feedbackStore) : nil)
}

/// Opens a pipelines file with the CLI's log and progress lines on standard error.
func openWorkspace(_ path: String) throws -> Workspace {
    try Workspace(
        path: path, registry: builtInPlugins, report: { Terminal.logger.report($0) },
        progress: { Terminal.progress($0) }, willFit: { _ in Terminal.warnIfDebugBuild() })
}
