import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// A prepared pipeline and, for a bandit pipeline, the feedback store its arms' states are
/// read from and its served responses logged to: the I/O around the request path, which does
/// none itself.
struct Session {
    /// The pipeline, loaded or fitted.
    let pipeline: FittedPipeline
    /// The feedback store, for a bandit pipeline, a file with an event log, or when it exists.
    let store: (any FeedbackStorage)?
    /// The event log's policy, when the file declares one.
    let events: EventPolicy?

    /// What a user's stored events add to a request for them (nothing without an event log):
    /// their latest events folded in as history, and the items they turned down excluded.
    ///
    /// - Throws: the store's error when it cannot be read.
    func stored(for user: String) throws -> (history: [FreshInteraction], exclude: [ItemIndex]) {
        guard let events, let store else { return ([], []) }
        return pipeline.folding(
            try store.events(user: user, limit: events.foldIn).events, policy: events)
    }

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
/// error; the feedback store is opened too for a bandit pipeline, an event log, or when it
/// exists, and the pipeline serves the catalogue as the store has it.
func prepareSession(_ options: FileOptions, _ fit: FitOptions) throws -> Session {
    let workspace = try openWorkspace(options.path)
    let dataset = try workspace.loadDataset()
    let pipeline = try workspace.prepare(
        pipeline: options.pipeline, dataset: dataset, reuseArtifacts: !fit.refit)
    let events = workspace.file.events
    let location = workspace.file.feedbackStore
    guard
        pipeline.bandit != nil || events != nil
            || location.sqlitePath.map(FileManager.default.fileExists) == true
    else { return Session(pipeline: pipeline, store: nil, events: events) }
    let store = try openFeedbackStore(location)
    return Session(
        pipeline: try servingStoredCatalogue(pipeline, store: store, policy: events),
        store: store, events: events)
}

/// Opens a pipelines file with the CLI's log and progress lines on standard error.
func openWorkspace(_ path: String) throws -> Workspace {
    try Workspace(
        path: path, registry: builtInPlugins, report: { Terminal.logger.report($0) },
        progress: { Terminal.progress($0) }, willFit: { _ in Terminal.warnIfDebugBuild() })
}
