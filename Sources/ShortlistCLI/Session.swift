import BuiltInPlugins
import ShortlistCore
import ShortlistPipeline

/// Opens the pipelines file, loads the data and prepares a pipeline, logging to standard error.
func preparePipeline(_ options: FileOptions) throws -> FittedPipeline {
    let workspace = try Workspace(
        path: options.path, registry: builtInPlugins,
        log: { Terminal.log($0) }, progress: { Terminal.progress($0) }
    )
    let dataset = try workspace.loadDataset()
    return try workspace.prepare(pipeline: options.pipeline, dataset: dataset)
}

extension FittedPipeline {
    /// The external id and display title of an item.
    func describe(_ item: ItemIndex) -> (id: String, title: String) {
        (dataset.itemIDs[item], dataset.items[item].displayTitle)
    }
}
