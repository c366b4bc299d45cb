import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

/// `POST /v1/recommend`: `{user, pipeline?, n?, explain?, exclude?, history?}`.
struct RecommendBody: Decodable, Sendable {
    /// An interaction the application saw after the last fit: `{item, rating?, timestamp?}`.
    struct Fresh: Decodable, Sendable {
        var item: String
        var rating: Double?
        var timestamp: Int64?

        init(from decoder: any Decoder) throws {
            let keys = try strictKeys(
                decoder, ["item", "rating", "timestamp"], in: "a history entry")
            item = try id(keys, "item", at: decoder.codingPath)
            rating = try keys.decodeIfPresent(Double.self, forKey: .init(stringValue: "rating"))
            // Seconds since 1970, within the years the data loaders accept (1900 to 2200).
            timestamp = try integer(
                keys, "timestamp", from: InteractionLimits.seconds.lowerBound,
                to: InteractionLimits.seconds.upperBound, at: decoder.codingPath
            ).map(Int64.init)
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
        user = try id(keys, "user", at: [])
        pipeline = try keys.decodeIfPresent(String.self, forKey: .init(stringValue: "pipeline"))
        if let pipeline { try checkID(pipeline, "'pipeline'") }
        n = try integer(keys, "n", from: 1, to: Double(Routes.maxResults), at: [])
        explain = try keys.decodeIfPresent(Bool.self, forKey: .init(stringValue: "explain"))
        exclude = try keys.decodeIfPresent([String].self, forKey: .init(stringValue: "exclude"))
        for (index, item) in (exclude ?? []).enumerated() {
            try checkID(item, "'exclude[\(index)]'")
        }
        history = try keys.decodeIfPresent([Fresh].self, forKey: .init(stringValue: "history"))
    }
}

/// `POST /v1/feedback`: `{requestId, item, reward}`.
struct FeedbackBody: Decodable, Sendable {
    var requestID: String
    var item: String
    var reward: Double

    init(from decoder: any Decoder) throws {
        let keys = try strictKeys(decoder, ["requestId", "item", "reward"], in: "the body")
        requestID = try id(keys, "requestId", at: [])
        item = try id(keys, "item", at: [])
        reward = try keys.decode(Double.self, forKey: .init(stringValue: "reward"))
    }
}

/// The path of a value in the body, as messages name it: `'history[0].rating'`.
func path(_ keys: [any CodingKey]) -> String {
    keys.isEmpty
        ? "the body"
        : "'"
            + keys.enumerated().map { index, key in
                key.intValue.map { "[\($0)]" } ?? (index == 0 ? "" : ".") + key.stringValue
            }.joined() + "'"
}

/// The id under `key`; one holding a control character (a line end, a tab, a NUL), which no
/// log line or output could carry as it is, is a 400.
func id(_ keys: KeyedDecodingContainer<ParameterKey>, _ key: String, at base: [any CodingKey])
    throws -> String
{
    let text = try keys.decode(String.self, forKey: .init(stringValue: key))
    try checkID(text, path(base + [ParameterKey(stringValue: key)]))
    return text
}

/// Throws a 400 when `text`, named `name` in messages, holds a control character.
func checkID(_ text: String, _ name: String) throws(APIError) {
    if let control = firstControlCharacter(in: text) {
        throw APIError(
            .badRequest,
            "\(name) holds a control character (\(control.codePoint)); an id is text without "
                + "tabs or line ends")
    }
}

/// An integer in `lower...upper` under `key`, read as a JSON number so that 2.5 or 1e20 is
/// named as what it is rather than failing to decode.
func integer(
    _ keys: KeyedDecodingContainer<ParameterKey>, _ key: String, from lower: Double,
    to upper: Double, at base: [any CodingKey]
) throws -> Int? {
    let name = path(base + [ParameterKey(stringValue: key)])
    let value: Double?
    do {
        value = try keys.decodeIfPresent(Double.self, forKey: .init(stringValue: key))
    } catch DecodingError.typeMismatch {
        throw APIError(.badRequest, "\(name) must be an integer")
    }
    guard let value else { return nil }
    guard value.rounded() == value, (lower...upper).contains(value) else {
        throw APIError(
            .badRequest,
            "\(name) must be an integer from \(plainNumber(lower)) to \(plainNumber(upper)), "
                + "found \(plainNumber(value))")
    }
    return Int(value)
}

/// The object's keys, refusing any not in `allowed` with the nearest allowed one.
func strictKeys(_ decoder: any Decoder, _ allowed: [String], in what: String) throws
    -> KeyedDecodingContainer<ParameterKey>
{
    let keys = try decoder.container(keyedBy: ParameterKey.self)
    for key in keys.allKeys.map(\.stringValue).sorted() where !allowed.contains(key) {
        throw APIError(
            .badRequest,
            suggesting(
                "unknown key '\(excerpt(key))' in \(what)", for: key, in: allowed,
                otherwise: "; the keys are \(allowed.joined(separator: ", "))"))
    }
    return keys
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

    init(_ served: ServedPipelines, lastReloadError: String?) {
        file = served.path
        self.lastReloadError = lastReloadError
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
