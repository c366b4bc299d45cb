import ShortlistCore
import ShortlistPipeline
import ShortlistStore

/// Opens the pipelines file, loads the data and prepares a pipeline, logging to standard error.
///
/// A bandit ranker reads its arms' states from the feedback store.
///
/// - Parameter serving: whether a bandit's responses are logged there (served responses);
///   otherwise they are dry runs.
func preparePipeline(_ options: FileOptions, _ fit: FitOptions, serving: Bool = false) throws
    -> FittedPipeline
{
    let workspace = try openWorkspace(options.path)
    let dataset = try workspace.loadDataset()
    var pipeline = try workspace.prepare(
        pipeline: options.pipeline, dataset: dataset, reuseArtifacts: !fit.refit)
    if pipeline.bandit != nil {
        pipeline.banditState = try openFeedbackStore(workspace.file.feedbackStore)
        pipeline.logsBanditResponses = serving
    }
    return pipeline
}
