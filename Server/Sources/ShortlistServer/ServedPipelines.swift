import BuiltInPlugins
public import Foundation
public import Logging
import ShortlistConfig
public import ShortlistCore
import ShortlistData
import ShortlistOutput
public import ShortlistPipeline
import ShortlistPostgres
import ShortlistStore

/// Every pipeline of a pipelines file, prepared (loaded or fitted) for serving the catalogue
/// as the store has it, and the feedback store their bandits read and log to.
public struct ServedPipelines: Sendable {
    /// The pipelines serving the catalogue (``catalogue``), in file order; the first is the
    /// default.
    public let pipelines: [FittedPipeline]
    /// The pipelines as prepared, before the catalogue's changes since the fit.
    let fitted: [FittedPipeline]
    /// The catalogue's entries the pipelines serve.
    let catalogue: StoredCatalogue
    /// The log's events for the catalogue's new items, for factor models to fold them in, and
    /// the log position through which they were read.
    let itemEvents: [Event]
    let itemEventsThrough: Int64
    /// The file they come from.
    public let path: String
    /// When they were prepared.
    public let loaded: Date
    /// The feedback store (the catalogue's, the event log's and the bandits'), when a pipeline
    /// logs responses, the file has an event log, or the store exists (PostgreSQL, or a SQLite
    /// file made before).
    let store: (any AsyncFeedbackStorage)?
    /// The event log's policy, when the file declares one.
    let events: EventPolicy?
    /// The log position through which the data was refreshed with the event log (0 for
    /// none).
    let refreshedThrough: Int64
    /// Answers of repeatable requests to these pipelines.
    let responses: ResponseCache<Components.Schemas.Recommendations>

    /// Prepares every pipeline of the file at `path` (those named `only`, when given, in the
    /// file's order), fitting the stages whose artifacts are missing; `logger` receives the
    /// events the CLI prints, and which pipeline is being prepared and when it is ready, and
    /// `progress` how many are ready of how many, before the first and after each. Repeatable
    /// answers are kept up to `cacheBytes`; a call to a PostgreSQL feedback store waits at most
    /// `storeTimeout`.
    public static func load(
        path: String, only: [String]? = nil, cacheBytes: Int = 0,
        storeTimeout: Duration = .seconds(5), warmFrom previous: Dataset? = nil, logger: Logger,
        progress: (_ ready: Int, _ of: Int) -> Void = { _, _ in }
    ) throws -> ServedPipelines {
        let workspace = try Workspace(
            path: path, registry: builtInPlugins, report: { logger.report($0) })
        let specs = try served(only, of: workspace, path: path)
        progress(0, specs.count)
        let dataset = try workspace.loadDataset()
        let location = workspace.file.feedbackStore
        var store =
            workspace.file.events != nil
                || location.sqlitePath.map(FileManager.default.fileExists) != false
            ? try openStore(location, timeout: storeTimeout) : nil
        var pipelines: [FittedPipeline] = []
        for (index, spec) in specs.enumerated() {
            logger.info("preparing pipeline '\(spec.name)' (\(index + 1) of \(specs.count))")
            let start = Date()
            let pipeline = try workspace.prepare(
                pipeline: spec.name, dataset: dataset, warmFrom: previous)
            let seconds = String(format: "%.2f", Date().timeIntervalSince(start))
            logger.info("pipeline '\(spec.name)' is ready (prepared in \(seconds) s)")
            if pipeline.bandit != nil || pipeline.exposures > 0, store == nil {
                store = try openStore(location, timeout: storeTimeout)
            }
            pipelines.append(pipeline)
            progress(index + 1, specs.count)
        }
        return ServedPipelines(
            pipelines: pipelines, fitted: pipelines, catalogue: StoredCatalogue(),
            itemEvents: [], itemEventsThrough: 0, path: path, loaded: Date(), store: store,
            events: workspace.file.events, refreshedThrough: workspace.refreshedThrough() ?? 0,
            responses: ResponseCache(capacity: cacheBytes))
    }

    /// These pipelines serving the catalogue `served` serves (as they are when nil), with the
    /// events it read: a reload or a refresh carries the catalogue over.
    func servingCatalogue(of served: ServedPipelines?) -> ServedPipelines {
        guard let served, !served.catalogue.entries.isEmpty else { return self }
        return serving(
            served.catalogue, itemEvents: served.itemEvents, through: served.itemEventsThrough)
    }

    /// The item ids of `catalogue` the fitted data lacks.
    func added(in catalogue: StoredCatalogue) -> [String] {
        guard let dataset = fitted.first?.dataset else { return [] }
        return catalogue.entries.map(\.id).filter { dataset.item($0) == nil }
    }

    /// These pipelines serving `catalogue`, with `itemEvents` (the log's events for its new
    /// items through position `through`) for factor models to fold new items in from; the
    /// answers kept for repeated requests start afresh.
    func serving(_ catalogue: StoredCatalogue, itemEvents: [Event], through: Int64)
        -> ServedPipelines
    {
        ServedPipelines(
            pipelines: fitted.map {
                $0.servingCatalogue(catalogue.entries, events: itemEvents, policy: events)
            }, fitted: fitted, catalogue: catalogue, itemEvents: itemEvents,
            itemEventsThrough: through, path: path,
            loaded: loaded, store: store, events: events, refreshedThrough: refreshedThrough,
            responses: ResponseCache(capacity: responses.capacity))
    }

    /// The pipelines of `workspace`'s file to serve: those named `only` (in the file's order),
    /// or all of them; a name the file does not have is refused with the nearest one.
    static func served(_ only: [String]?, of workspace: Workspace, path: String)
        throws(RequestError) -> [PipelineSpec]
    {
        let specs = workspace.file.pipelines
        guard let only else { return specs }
        let names = specs.map(\.name)
        for name in only where !names.contains(name) {
            throw RequestError(
                suggesting(
                    "\(path) has no pipeline named '\(excerpt(name))'", for: name, in: names,
                    otherwise: "; its pipelines are \(names.joined(separator: ", "))"))
        }
        return specs.filter { only.contains($0.name) }
    }

    /// The names of the pipelines of the file at `path` that a server of `only` serves, read
    /// without loading the data: the file is checked, and the names too.
    public static func names(path: String, only: [String]?, logger: Logger) throws -> [String] {
        let workspace = try Workspace(
            path: path, registry: builtInPlugins, report: { logger.report($0) })
        return try served(only, of: workspace, path: path).map(\.name)
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
