import Dispatch
import Foundation
public import ShortlistConfig
public import ShortlistCore
public import ShortlistData

/// A pipelines file with its data and artifact folder: loads, fetches and fits what is needed.
public struct Workspace: Sendable {
    /// The checked pipelines file.
    public let file: PipelinesFile
    /// Where fitted stages are stored (`.shortlist/artifacts` beside the pipelines file).
    public private(set) var artifacts: ArtifactStore
    /// Where the loaded dataset is stored for later runs (`.shortlist/datasets` beside it).
    public let datasets: DatasetCache
    let report: @Sendable (WorkspaceEvent) -> Void
    private let progress: @Sendable (String) -> ProgressReporter
    private let willFit: @Sendable (String) -> Void

    /// Opens a pipelines file.
    ///
    /// - Parameters:
    ///   - report: receives each notable step (a reused or fitted stage, what loading found,
    ///     a warning) as a typed event.
    ///   - progress: makes a progress reporter for a named long step.
    ///   - willFit: told the stage's name just before a stage is fitted (not when it is loaded).
    public init(
        path: String, registry: PluginRegistry,
        report: @escaping @Sendable (WorkspaceEvent) -> Void = { _ in },
        progress: @escaping @Sendable (String) -> ProgressReporter = { _ in .silent },
        willFit: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ConfigurationError) {
        file = try PipelinesFile.load(path: path, registry: registry)
        let folder = (path as NSString).deletingLastPathComponent
        artifacts = ArtifactStore(folder: (folder.isEmpty ? "." : folder) + "/.shortlist/artifacts")
        datasets = DatasetCache(folder: (folder.isEmpty ? "." : folder) + "/.shortlist/datasets")
        self.report = report
        self.progress = progress
        self.willFit = willFit
    }

    /// The same workspace storing the stages it fits in `folder` (and loading them from
    /// there): for fits that are not to be kept, in a folder the caller removes.
    public func storingArtifacts(in folder: String) -> Workspace {
        var copy = self
        copy.artifacts = ArtifactStore(folder: folder)
        return copy
    }

    /// Why the dataset cannot be loaded without fetching it first, or nil when it is on disk.
    public var missingDataset: String? {
        let spec = file.dataset
        if let fetch = spec.fetch, !DatasetFetcher.isPresent(fetch, in: spec.path) {
            return "\(spec.path) is missing (\(fetch.rawValue) is fetched on first use)"
        }
        return nil
    }

    /// The data every run uses: the dataset with the event log folded in through the last
    /// refresh (read whole from the dataset cache), or the dataset alone when nothing was
    /// refreshed, or when the refreshed data is not in the cache (its sources changed since,
    /// say: a warning says so, and the next refresh folds the log in again).
    public func loadDataset() throws(DataError) -> Dataset {
        let base = try loadBaseDataset()
        guard let mark = refreshMark() else { return base }
        let report = self.report
        if let (refreshed, _) = datasets.load(
            refreshedKey(mark), warn: { report(.datasetCacheProblem($0)) })
        {
            return refreshed
        }
        report(
            .datasetCacheProblem(
                "the data refreshed with the event log through position \(mark.events) is not in the "
                    + "dataset cache (were the data files changed?); the data is the dataset alone "
                    + "until the next 'shortlist refresh'"))
        return base
    }

    /// Loads the dataset, fetching it first when it is missing and the file names a `fetch:`.
    ///
    /// The built dataset is kept in ``datasets``: a later run whose source files are unchanged
    /// reads it from there and parses nothing.
    public func loadBaseDataset() throws(DataError) -> Dataset {
        let spec = file.dataset
        if let fetch = spec.fetch, !DatasetFetcher.isPresent(fetch, in: spec.path) {
            report(.fetching(fetch, into: spec.path))
            try DatasetFetcher.fetch(
                fetch, into: spec.path, progress: progress("fetching \(fetch.rawValue)"))
        }
        let report = self.report
        let (dataset, loaded) = try datasets.load(
            spec, progress: progress("loading"), warn: { report(.datasetCacheProblem($0)) })
        if loaded.mergedDuplicates > 0 { report(.mergedDuplicates(loaded.mergedDuplicates)) }
        for (file, count) in loaded.skippedRows.sorted(by: { $0.key < $1.key }) {
            report(.skippedRows(file: file, count: count))
        }
        let missing = loaded.missing
        for (count, field) in [
            (missing.itemYears, WorkspaceEvent.MissingField.itemYear),
            (missing.userAges, .userAge), (missing.userGenders, .userGender),
            (missing.userOccupations, .userOccupation),
        ] where count > 0 {
            report(.missingValues(field, count: count))
        }
        if loaded.unlistedItems > 0 { report(.unlistedItems(loaded.unlistedItems)) }
        if loaded.unlistedUsers > 0 { report(.unlistedUsers(loaded.unlistedUsers)) }
        if !dataset.hasRatings { report(.noRatings) }
        if !dataset.hasTimestamps { report(.noTimestamps) }
        return dataset
    }

    /// How far the last refresh folded the store into the data.
    public struct RefreshMark: Sendable, Equatable {
        /// The log position of the newest event it folded in.
        public var events: Int64
        /// The catalogue's version it folded in.
        public var catalogue: Int64

        /// A mark.
        public init(events: Int64, catalogue: Int64) {
            self.events = events
            self.catalogue = catalogue
        }
    }

    /// The file that records how far the event log was folded into the data
    /// (`.shortlist/events-refreshed` beside the pipelines file): the log position of the
    /// newest event of the last refresh, and the catalogue's version.
    public var refreshMarkPath: String {
        (artifacts.folder as NSString).deletingLastPathComponent + "/events-refreshed"
    }

    /// The log position through which the last refresh folded the event log into the data, or
    /// nil when nothing was refreshed (or the file does not hold a position, with a warning).
    public func refreshedThrough() -> Int64? { refreshMark()?.events }

    /// How far the last refresh folded the store into the data, or nil when nothing was
    /// refreshed (or the file does not hold a mark, with a warning).
    public func refreshMark() -> RefreshMark? {
        guard FileManager.default.fileExists(atPath: refreshMarkPath) else { return nil }
        let numbers = ((try? String(contentsOfFile: refreshMarkPath, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isWhitespace).map { Int64($0) }
        guard numbers.count == 2, let events = numbers[0], let catalogue = numbers[1],
            events >= 0, catalogue >= 0
        else {
            report(
                .datasetCacheProblem(
                    "\(refreshMarkPath) does not hold a log position and a catalogue version; "
                        + "the data is the dataset alone until the next 'shortlist refresh'"))
            return nil
        }
        return RefreshMark(events: events, catalogue: catalogue)
    }

    /// Folds the catalogue's `entries` (its version `mark.catalogue`) and `events` (the event
    /// log through position `mark.events`, in the order recorded) into the dataset, keeps the
    /// result in the dataset cache, and records the mark: from then on every run's data
    /// (``loadDataset()``) is the refreshed dataset, read from the cache whole, not replayed
    /// from the log. Items added to the catalogue join the data as every other item. Returns
    /// it.
    public func refresh(
        with events: [Event], catalogue entries: [CatalogueEntry], at mark: RefreshMark
    )
        throws -> Dataset
    {
        guard let policy = file.events else {
            throw RequestError(
                "\(file.path) declares no event log ('events'): there is nothing to refresh with")
        }
        let refreshed = try loadBaseDataset().cataloguing(entries).dataset.adding(
            events, policy: policy)
        try datasets.store(refreshed, report: LoadReport(), under: refreshedKey(mark))
        do {
            try FileManager.default.createDirectory(
                atPath: (refreshMarkPath as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try Data("\(mark.events) \(mark.catalogue)\n".utf8).write(
                to: URL(fileURLWithPath: refreshMarkPath), options: .atomic)
        } catch {
            throw DataError(
                .unwritable, "cannot write \(refreshMarkPath): \(error.localizedDescription)")
        }
        return refreshed
    }

    /// The model `generator` fitted on `dataset`, read from its artifact, or nil when it is not
    /// stored or cannot be read (a refresh then fits from scratch).
    func storedModel(of generator: AnyCandidateGenerator, on dataset: Dataset) -> WarmStart? {
        let shape = ArtifactReader.Shape(items: dataset.itemCount, users: dataset.userCount)
        guard
            let model = try? stored(
                generator, id: Self.id(of: generator, on: dataset), shape: shape)
        else { return nil }
        return WarmStart(model: model, dataset: dataset)
    }

    /// The model stored under `id`, or nil when none is; throws, naming the file, when the
    /// stored bytes are not a whole model of `plugin` with the data's `shape`.
    func stored<Input, Model>(
        _ plugin: FittableStage<Input, Model>, id: ArtifactID, shape: ArtifactReader.Shape
    ) throws(ArtifactError) -> Model? {
        guard
            var reader = try artifacts.payload(
                type: plugin.type, key: id.key, formatVersion: plugin.formatVersion, shape: shape)
        else { return nil }
        let path = artifacts.path(of: id)
        let model: Model
        do throws(ArtifactError) {
            model = try plugin.read(&reader)
        } catch {
            throw ArtifactError(error.code, "\(path): \(error.message)")
        }
        guard reader.isAtEnd else {
            throw ArtifactError(.corrupt, "\(path) has bytes after the model")
        }
        return model
    }

    /// Where the dataset refreshed to `mark` is cached: the dataset's own key, marked.
    private func refreshedKey(_ mark: RefreshMark) -> DatasetCache.Key {
        DatasetCache.Key(
            derivedFrom: datasets.key(for: file.dataset),
            variant: "events through \(mark.events), catalogue \(mark.catalogue)",
            in: datasets.folder)
    }

    /// The pipeline `name` (the first when nil) with every stage loaded from its artifact or fitted.
    ///
    /// - Parameters:
    ///   - reuseArtifacts: when false, every stage is fitted (and its artifact rewritten),
    ///     so fit times can be measured.
    ///   - previous: in a refresh, the data the pipeline was prepared on before: a candidate
    ///     stage that is fitted starts from its model on that data when its artifact is stored
    ///     (``WarmStart``; matrix factorisation takes it, other plugins fit as usual).
    public func prepare(
        pipeline name: String?, dataset: Dataset, reuseArtifacts: Bool = true,
        warmFrom previous: Dataset? = nil
    ) throws -> FittedPipeline {
        guard let spec = file.pipeline(named: name) else {
            let names = file.pipelines.map(\.name)
            throw RequestError.unknownPipeline(name ?? "", among: names, in: file.path)
        }
        try check(spec, against: dataset)
        artifacts.removeStaleTemporaryFiles()
        var stages: [FittedPipeline.Stage] = []
        var armRankers: [Int: any RankerModel] = [:]
        let plan = try plan(spec, on: dataset)
        for artifact in plan.stages {
            switch artifact.role {
            case .generator(let index):
                let stage = spec.generators[index]
                let generator = stage.generator
                let (model, seconds) = try cached(
                    stage.name, generator, id: artifact.id,
                    input: {
                        TrainingData(
                            dataset: dataset,
                            warmStart: previous.flatMap { storedModel(of: generator, on: $0) })
                    }, reuse: reuseArtifacts,
                    shape: ArtifactReader.Shape(items: dataset.itemCount, users: dataset.userCount),
                    locate: stage.locate)
                stages.append(
                    FittedPipeline.Stage(
                        name: stage.name, type: generator.type, limit: stage.limit, model: model,
                        capabilities: generator.capabilities, fitSeconds: seconds,
                        vocabulary: generator.vocabulary))
            case .armRanker(let index):
                guard let arm = spec.ranker.armRankers[index] else { continue }
                armRankers[index] =
                    try fitRanker(
                        arm, artifact, spec: spec, dataset: dataset, reuse: reuseArtifacts
                    ).model
            case .ranker, .beforeHoldout:
                // The ranker comes last; what a learned ranker fits before its holdout is
                // fitted with it (labelledPools), and only when it is.
                continue
            }
        }
        let ranker = try fitRanker(
            spec.ranker, plan.ranker, spec: spec, dataset: dataset, reuse: reuseArtifacts)
        var fitted = FittedPipeline(
            name: spec.name, resultCount: spec.resultCount, dataset: dataset, stages: stages,
            rankerType: spec.ranker.ranker.type, ranker: ranker.model,
            bandit: spec.ranker.ranker.bandit(ranker.model), armRankers: armRankers,
            rankerFitSeconds: ranker.seconds,
            rankerVocabulary: spec.ranker.armRankers.values.reduce(spec.ranker.ranker.vocabulary) {
                $0.merging($1.ranker.vocabulary)
            },
            filters: try spec.filters.resolved(for: spec.name, in: dataset), artifacts: plan
        )
        fitted.exposures = spec.exposures
        if let rerank = spec.rerank {
            fitted.reranking = try reranking(rerank, stages: stages)
        }
        return fitted
    }

    /// The `rerank:` steps ready for requests, each step that compares items by a stage's
    /// embeddings pointed at that stage; throws, located at the step, when its model has none.
    private func reranking(
        _ spec: RerankSpec, stages: [FittedPipeline.Stage]
    ) throws(ConfigurationError) -> Reranking {
        var embeddingStages: [Int?] = []
        for stage in spec.steps {
            guard let name = stage.step.embeddingStage else {
                embeddingStages.append(nil)
                continue
            }
            guard let index = stages.firstIndex(where: { $0.name == name }),
                stages[index].model.itemEmbeddings != nil
            else {
                let type = stages.first { $0.name == name }?.type ?? "unknown"
                let withEmbeddings = stages.filter { $0.model.itemEmbeddings != nil }.map(\.name)
                throw stage.locate(
                    ParameterError(
                        keyPath: ["similarity"],
                        message: "stage '\(name)' (\(type)) has no item embeddings to compare "
                            + "items by; "
                            + (withEmbeddings.isEmpty
                                ? "use 'genre' or 'decade'"
                                : "stages with them: \(withEmbeddings.joined(separator: ", "))")))
            }
            embeddingStages.append(index)
        }
        return Reranking(
            window: spec.window, steps: spec.steps.map(\.step), embeddingStages: embeddingStages)
    }

    /// Loads or fits one ranker of a pipeline (its own, or one of a bandit's ranker arms), the
    /// two-stage way when it learns.
    private func fitRanker(
        _ stage: RankerStage, _ artifact: ArtifactPlan.Artifact, spec: PipelineSpec,
        dataset: Dataset, reuse: Bool
    ) throws -> (model: any RankerModel, seconds: Double?) {
        let ranker = stage.ranker
        let input = { () throws -> RankerTrainingData in
            let labelled = try ranker.twoStage.map {
                try labelledPools(for: spec, dataset: dataset, training: $0, reuse: reuse)
            }
            let report = self.report
            let name = spec.name
            let label = artifact.stage
            return RankerTrainingData(
                dataset: dataset, sources: spec.generators.map(\.name),
                pools: labelled?.pools ?? [], poolDataset: labelled?.dataset,
                log: { report(.rankerProgress(ranker: label, pipeline: name, message: $0)) })
        }
        let shape = ArtifactReader.Shape(
            items: dataset.itemCount, users: dataset.userCount, sources: spec.generators.map(\.name)
        )
        return try cached(
            artifact.stage, ranker, id: artifact.id, input: input, reuse: reuse, shape: shape,
            locate: stage.locate)
    }

    /// Every pipeline's plan on `dataset`, with its learned rankers' holdouts: every artifact
    /// preparing each pipeline of the file loads or fits.
    ///
    /// - Complexity: one holdout split per learned ranker; nothing is fitted.
    public func plans(on dataset: Dataset) throws -> [ArtifactPlan] {
        try file.pipelines.map { try plan($0, on: dataset, withHoldouts: true) }
    }

    /// Throws, located at the setting in the pipelines file, for a field a stage needs and the
    /// dataset lacks, or an item id a setting names and the dataset does not have.
    public func check(_ pipeline: PipelineSpec, against dataset: Dataset)
        throws(ConfigurationError)
    {
        let available = dataset.availableFields
        for stage in pipeline.generators {
            for requirement in stage.generator.requiredFields
            where !available.contains(requirement.field) {
                let has = DataField.allCases.filter(available.contains).map(\.rawValue)
                let message =
                    "stage '\(stage.name)' (\(stage.generator.type)) needs "
                    + "\(requirement.field.rawValue), which the dataset lacks ("
                    + (has.isEmpty
                        ? "it has nothing besides the ids of its interactions"
                        : "it has \(has.joined(separator: ", "))")
                    + "); \(requirement.field.remedy)"
                throw stage.locate(ParameterError(keyPath: requirement.keyPath, message: message))
            }
        }
        if let steps = pipeline.rerank?.steps {
            for stage in steps {
                for requirement in stage.step.requiredFields
                where !available.contains(requirement.field) {
                    throw stage.locate(
                        ParameterError(
                            keyPath: requirement.keyPath,
                            message: "re-rank step '\(stage.step.type)' needs "
                                + "\(requirement.field.rawValue), which the dataset lacks; "
                                + requirement.field.remedy))
                }
            }
            let fields = FeatureVocabulary(dataset)
            let ids = Set(dataset.itemIDs)
            for stage in steps {
                do {
                    try stage.step.check(fields, itemIDs: ids)
                } catch {
                    throw stage.locate(error)
                }
            }
        }
        for (index, id) in pipeline.filters.excludedItems.enumerated() where dataset.item(id) == nil
        {
            let message = suggesting(
                "the 'exclude' filter names item '\(excerpt(id))', which the dataset does not have",
                for: id, in: dataset.itemIDs)
            throw pipeline.locate(
                ParameterError(keyPath: ["filters", "exclude", String(index)], message: message))
        }
    }

    /// Loads a stage's model from its artifact, or fits and stores it; a bad artifact is refitted.
    /// Returns the model and the fit's seconds (nil when loaded).
    ///
    /// A fit that fails on its parameters (it diverges, say) is reported at the stage in the
    /// pipelines file through `locate`.
    func cached<Input, Model>(
        _ stage: String, _ plugin: FittableStage<Input, Model>, id: ArtifactID,
        beforeHoldout: Bool = false,
        input: () throws -> Input,
        reuse: Bool, shape: ArtifactReader.Shape, locate: (ParameterError) -> ConfigurationError
    ) throws -> (Model, Double?) {
        let type = plugin.type
        let fit = WorkspaceEvent.Fit(stage: stage, type: type, beforeHoldout: beforeHoldout)
        let key = id.key
        let formatVersion = plugin.formatVersion
        let path = artifacts.path(of: id)
        do throws(ArtifactError) {
            if reuse, let model = try stored(plugin, id: id, shape: shape) {
                report(.reused(fit, path: path))
                return (model, nil)
            }
        } catch {
            report(.refitting(fit, reason: error.message))
        }
        willFit(stage)
        let start = DispatchTime.now().uptimeNanoseconds
        let model: Model
        do {
            model = try plugin.fit(try input(), progress: progress("fitting \(stage)"))
        } catch let error as ParameterError {
            throw locate(error)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var writer = ArtifactWriter()
        plugin.write(model, to: &writer)
        do throws(ArtifactError) {
            try artifacts.store(writer.bytes, type: type, key: key, formatVersion: formatVersion)
            report(.fitted(fit, seconds: seconds, path: path))
        } catch {
            report(.notSaved(fit, seconds: seconds, reason: error.message))
        }
        return (model, seconds)
    }
}
