import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// `POST /v1/recommend`: `{user, pipeline?, n?, explain?, exclude?, history?}`.
struct RecommendBody: Decodable {
    /// An interaction the application saw after the last fit: `{item, rating?, timestamp?}`.
    struct Fresh: Decodable {
        var item: String
        var rating: Double?
        var timestamp: Int64?

        init(from decoder: any Decoder) throws {
            let keys = try strictKeys(
                decoder, ["item", "rating", "timestamp"], in: "a history entry")
            item = try keys.decode(String.self, forKey: .init(stringValue: "item"))
            rating = try keys.decodeIfPresent(Double.self, forKey: .init(stringValue: "rating"))
            timestamp = try keys.decodeIfPresent(
                Int64.self, forKey: .init(stringValue: "timestamp"))
        }
    }

    var user: String
    var pipeline: String?
    var n: Int?
    var explain: Bool?
    var exclude: [String]?
    var history: [Fresh]?

    init(from decoder: any Decoder) throws {
        let keys = try strictKeys(
            decoder, ["user", "pipeline", "n", "explain", "exclude", "history"], in: "the body")
        user = try keys.decode(String.self, forKey: .init(stringValue: "user"))
        pipeline = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "pipeline"))
        n = try keys.decodeIfPresent(Int.self, forKey: .init(stringValue: "n"))
        explain = try keys.decodeIfPresent(Bool.self, forKey: .init(stringValue: "explain"))
        exclude = try keys.decodeIfPresent([String].self, forKey: .init(stringValue: "exclude"))
        history = try keys.decodeIfPresent([Fresh].self, forKey: .init(stringValue: "history"))
    }
}

/// `POST /v1/feedback`: `{request_id, item, reward}`.
struct FeedbackBody: Decodable {
    var requestID: String
    var item: String
    var reward: Double

    init(from decoder: any Decoder) throws {
        let keys = try strictKeys(decoder, ["request_id", "item", "reward"], in: "the body")
        requestID = try keys.decode(String.self, forKey: .init(stringValue: "request_id"))
        item = try keys.decode(String.self, forKey: .init(stringValue: "item"))
        reward = try keys.decode(Double.self, forKey: .init(stringValue: "reward"))
    }
}

/// The object's keys, refusing any not in `allowed` with the nearest allowed one.
func strictKeys(_ decoder: any Decoder, _ allowed: [String], in what: String) throws
    -> KeyedDecodingContainer<ParameterKey>
{
    let keys = try decoder.container(keyedBy: ParameterKey.self)
    for key in keys.allKeys.map(\.stringValue).sorted() where !allowed.contains(key) {
        var message = "unknown key '\(excerpt(key))' in \(what)"
        if let suggestion = closestMatch(to: key, in: allowed) {
            message += ". Did you mean '\(suggestion)'?"
        } else {
            message += "; the keys are \(allowed.joined(separator: ", "))"
        }
        throw APIError(.badRequest, message)
    }
    return keys
}

/// The answer to `POST /v1/recommend`.
struct RecommendAnswer: Encodable {
    struct Item: Encodable {
        var item: String
        var title: String
        var score: Double
        var rank: Int
        var arm: String?
        var propensity: Double?
        var explanation: Explanation?
    }

    /// What `explain: true` adds: the plain sentence, every stage's view and the ranker's terms.
    struct Explanation: Encodable {
        var summary: String
        var stages: [StageOutput]
        var contributions: [Contribution]
    }

    /// The id a bandit logged the response under, for feedback; nil without a bandit.
    var requestID: String?
    var pipeline: String
    var items: [Item]

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case pipeline, items
    }
}

/// `{recorded: true}`, or false when the same feedback was recorded before.
struct FeedbackAnswer: Encodable {
    var recorded: Bool
}

/// `GET /v1/ab/report`: each arm's figures, as `shortlist ab report --format json`.
struct ArmReportAnswer: Encodable {
    var pipeline: String
    var store: String
    var arms: [ArmReport]
}

/// `GET /healthz`.
struct Health: Encodable {
    var status: String
    var pipelines: Int
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
    var pipelines: [Pipeline]

    enum CodingKeys: String, CodingKey {
        case file, pipelines
        case loadedAt = "loaded_at"
        case lastReloadError = "last_reload_error"
    }

    init(_ served: ServedPipelines, lastReloadError: String?) {
        file = served.path
        self.lastReloadError = lastReloadError
        loadedAt = served.loaded.ISO8601Format()
        pipelines = served.pipelines.map { pipeline in
            let artifacts = served.artifacts[pipeline.name] ?? [:]
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
