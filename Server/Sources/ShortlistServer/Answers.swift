import Foundation
import ShortlistCore
import ShortlistData
import ShortlistStore

/// Throws a 400 when `text`, named `name` in messages, holds a control character.
func checkID(_ text: String, _ name: String) throws(APIError) {
    if let control = firstControlCharacter(in: text) {
        throw APIError(
            .badRequest,
            "\(name) holds a control character (\(control.codePoint)); an id is text without "
                + "tabs or line ends")
    }
}

/// `GET /v1/ab/report`: each arm's figures, as `shortlist ab report --format json`.
struct ArmReportAnswer: Encodable {
    var pipeline: String
    var store: String
    var arms: [ArmReport]
}

/// `GET /v1/pipelines`: each pipeline, its stages and artifacts, and when they were loaded.
struct PipelineList: Encodable {
    struct Stage: Encodable {
        var name: String
        var type: String
        var limit: Int?
        var artifact: String?
    }

    struct Pipeline: Encodable {
        var name: String
        var stages: [Stage]
        var ranker: Stage
    }

    var file: String
    var loadedAt: String
    /// Why the latest reload of the file failed (the pipelines listed are the older ones).
    var lastReloadError: String?
    /// With an event log, the log position the served data holds the events through.
    var refreshedThrough: Int64?
    var pipelines: [Pipeline]

    init(_ served: ServedPipelines, lastReloadError: String?) {
        file = served.path
        self.lastReloadError = lastReloadError
        refreshedThrough = served.events == nil ? nil : served.refreshedThrough
        loadedAt = served.loaded.ISO8601Format()
        pipelines = served.pipelines.map { pipeline in
            // Each stage's artifact as `shortlist artifacts list` names it.
            let artifacts = Dictionary(
                (pipeline.artifacts?.artifacts ?? []).map { ($0.stage, "\($0.id)") },
                uniquingKeysWith: { first, _ in first })
            return Pipeline(
                name: pipeline.name,
                stages: pipeline.stages.map {
                    Stage(
                        name: $0.name, type: $0.type, limit: $0.limit, artifact: artifacts[$0.name])
                },
                ranker: Stage(
                    name: "ranker", type: pipeline.rankerType, limit: nil,
                    artifact: artifacts["ranker"]))
        }
    }
}
