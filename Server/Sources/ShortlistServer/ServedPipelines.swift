import BuiltInPlugins
public import Foundation
public import Logging
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
public import ShortlistPipeline
import ShortlistPostgres
import ShortlistStore

/// Every pipeline of a pipelines file, prepared (loaded or fitted) for serving, and the
/// feedback store their bandits read and log to.
public struct ServedPipelines: Sendable {
    /// The pipelines, in file order; the first is the default.
    public let pipelines: [FittedPipeline]
    /// The file they come from.
    public let path: String
    /// When they were prepared.
    public let loaded: Date
    /// The feedback store, when a pipeline has a bandit ranker.
    let store: (any AsyncFeedbackStorage)?
    /// Answers of repeatable requests to these pipelines.
    let responses: ResponseCache<Components.Schemas.Recommendations>

    /// Prepares every pipeline of the file at `path`, fitting the stages whose artifacts are
    /// missing; `logger` receives the events the CLI prints, and which pipeline is being
    /// prepared and when it is ready. Repeatable answers are kept up to `cacheBytes`; a call
    /// to a PostgreSQL feedback store waits at most `storeTimeout`.
    public static func load(
        path: String, cacheBytes: Int = 0, storeTimeout: Duration = .seconds(5),
        logger: Logger
    ) throws -> ServedPipelines {
        let workspace = try Workspace(
            path: path, registry: builtInPlugins, report: { logger.report($0) })
        let dataset = try workspace.loadDataset()
        var store: (any AsyncFeedbackStorage)?
        var pipelines: [FittedPipeline] = []
        let specs = workspace.file.pipelines
        for (index, spec) in specs.enumerated() {
            logger.info("preparing pipeline '\(spec.name)' (\(index + 1) of \(specs.count))")
            let start = Date()
            let pipeline = try workspace.prepare(pipeline: spec.name, dataset: dataset)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
            logger.info("pipeline '\(spec.name)' is ready (prepared in \(seconds) s)")
            if pipeline.bandit != nil, store == nil {
                store = try openStore(workspace.file.feedbackStore, timeout: storeTimeout)
            }
            pipelines.append(pipeline)
        }
        return ServedPipelines(
            pipelines: pipelines, path: path, loaded: Date(), store: store,
            responses: ResponseCache(capacity: cacheBytes))
    }

    /// The store a `feedback-store:` value names: a PostgreSQL database (whose calls wait at
    /// most `timeout`) or a SQLite file.
    static func openStore(_ location: FeedbackStoreLocation, timeout: Duration)
        throws(StoreError) -> any AsyncFeedbackStorage
    {
        switch location {
        case .sqlite(let path): try FeedbackStore(path: path).awaited
        case .postgres(let place, let url):
            try PostgresFeedbackStore(place, url: url, timeout: timeout)
        }
    }

    /// The pipeline named `name` (the first when nil); an unknown name is refused with the
    /// nearest one.
    func pipeline(_ name: String?) throws(RequestError) -> FittedPipeline {
        guard let name else { return pipelines[0] }
        if let pipeline = pipelines.first(where: { $0.name == name }) { return pipeline }
        throw RequestError.unknownPipeline(name, among: pipelines.map(\.name), in: nil)
    }
}
