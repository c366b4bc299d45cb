import BuiltInPlugins
import ShortlistCore
import ShortlistPipeline
import ShortlistStore

/// Opens the pipelines file, loads the data and prepares a pipeline, logging to standard error.
///
/// - Parameter serving: whether a bandit ranker reads and logs its state in the feedback store
///   (a served response); otherwise it blends from its priors and logs nothing (a dry run).
func preparePipeline(_ options: FileOptions, serving: Bool = false) throws -> FittedPipeline {
    let workspace = try Workspace(
        path: options.path, registry: builtInPlugins,
        log: { Terminal.log($0) }, progress: { Terminal.progress($0) }
    )
    let dataset = try workspace.loadDataset()
    var pipeline = try workspace.prepare(pipeline: options.pipeline, dataset: dataset)
    if serving, pipeline.ranker is any BanditRankerModel {
        pipeline.banditState = try FeedbackStore(path: workspace.file.feedbackStore)
    }
    return pipeline
}

extension FittedPipeline {
    /// The external id and display title of an item.
    func describe(_ item: ItemIndex) -> (id: String, title: String) {
        (dataset.itemIDs[item], dataset.items[item].displayTitle)
    }
}
