import ShortlistCore
public import ShortlistData

/// A pipelines file after checking: the dataset to load and every pipeline, plugins built.
public struct PipelinesFile: Sendable {
    /// The path the file was read from.
    public var path: String
    /// The seed every plugin draws its random numbers from (`seed:`, default 42).
    public var seed: UInt64
    /// The database of served requests, feedback and bandit state (`feedback-store:`, default
    /// `.shortlist/feedback.sqlite` beside the file), relative paths resolved.
    public var feedbackStore: FeedbackStoreLocation
    /// The event log's kinds and how requests fold events in (`events:`), or nil when the file
    /// declares none: no events are taken, and requests read none.
    public var events: EventPolicy?
    /// Where the data is and how to read it.
    public var dataset: DatasetSpec
    /// The pipelines in file order; the first is the default.
    public var pipelines: [PipelineSpec]

    /// The pipeline named `name`, or the first one when `name` is nil.
    public func pipeline(named name: String?) -> PipelineSpec? {
        guard let name else { return pipelines.first }
        return pipelines.first { $0.name == name }
    }
}
