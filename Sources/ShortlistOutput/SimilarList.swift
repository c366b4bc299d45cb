import ShortlistCore
public import ShortlistPipeline

/// One candidate stage's items most like an item, as `similar` and the server give them.
public struct SimilarList: Encodable, Sendable {
    /// One similar item.
    public struct Entry: Encodable, Sendable {
        public var item: String
        public var title: String
        public var similarity: Double
    }

    public var stage: String
    public var type: String
    public var similar: [Entry]

    /// The `n` items most like `itemID` from every stage of `pipeline` that can tell (only
    /// `stage` when given); an unknown item or stage, or no stage that can, is an error that
    /// names the stages that can, or else the plugin types (`capableTypes`).
    public static func lists(
        _ pipeline: FittedPipeline, itemID: String, stage: String?, n: Int,
        capableTypes: [String]
    ) throws(RequestError) -> [SimilarList] {
        guard let index = pipeline.dataset.item(itemID) else {
            throw RequestError(
                .notFound, "unknown item '\(excerpt(itemID))': the dataset has no such item")
        }
        let stages = pipeline.stages.filter { stage == nil || $0.name == stage }
        if let stage, stages.isEmpty {
            throw RequestError(
                .notFound,
                "pipeline '\(pipeline.name)' has no candidate stage named '\(excerpt(stage))'; its "
                    + "stages are \(pipeline.stages.map(\.name).joined(separator: ", "))")
        }
        let lists = stages.compactMap { stage -> SimilarList? in
            guard stage.capabilities.contains(.similarItems), stage.knows(index),
                let similar = stage.model.similarItems(to: index, limit: n)
            else { return nil }
            let entries = similar.map {
                Entry(
                    item: pipeline.dataset.itemIDs[$0.item],
                    title: pipeline.describe($0.item).title, similarity: $0.score)
            }
            return SimilarList(stage: stage.name, type: stage.type, similar: entries)
        }
        guard lists.isEmpty else { return lists }
        let which =
            stages.count == 1
            ? "stage '\(stages[0].name)' (\(stages[0].type)) of pipeline '\(pipeline.name)' cannot"
            : "no candidate stage of pipeline '\(pipeline.name)' can"
        let others = pipeline.stages.filter { $0.capabilities.contains(.similarItems) }
        let capable =
            others.isEmpty
            ? " (these plugin types can: " + capableTypes.joined(separator: ", ") + ")"
            : "; its stages that can: "
                + others.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")
        throw RequestError(.notFound, "\(which) list similar items\(capable)")
    }
}
