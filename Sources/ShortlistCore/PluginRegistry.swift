import Foundation

/// Whether a plugin nominates items or orders them.
public enum PluginKind: String, Sendable {
    /// A candidate generator.
    case generator = "candidate generator"
    /// A ranker.
    case ranker
}

/// A plugin built from its parameters, with its concrete type erased: it can fit a model on
/// `Input` or read a stored one.
public struct FittableStage<Input, Model>: Sendable {
    /// The plugin's YAML type.
    public let type: String
    /// The parameters after defaults, as canonical JSON: part of the artifact key.
    public let configuration: String
    /// The model's artifact layout version: part of the artifact key.
    public let formatVersion: Int
    private let fitModel: @Sendable (Input, ProgressReporter) throws -> Model
    private let readModel: @Sendable (inout ArtifactReader) throws(ArtifactError) -> Model
    private let writeModel: @Sendable (Model, inout ArtifactWriter) -> Void

    init(
        type: String, configuration: String, formatVersion: Int,
        fit: @escaping @Sendable (Input, ProgressReporter) throws -> Model,
        read: @escaping @Sendable (inout ArtifactReader) throws(ArtifactError) -> Model,
        write: @escaping @Sendable (Model, inout ArtifactWriter) -> Void
    ) {
        self.type = type
        self.configuration = configuration
        self.formatVersion = formatVersion
        self.fitModel = fit
        self.readModel = read
        self.writeModel = write
    }

    /// Fits a model.
    public func fit(_ data: Input, progress: ProgressReporter) throws -> Model {
        try fitModel(data, progress)
    }

    /// Reads a stored model.
    public func read(_ reader: inout ArtifactReader) throws(ArtifactError) -> Model {
        try readModel(&reader)
    }

    /// Writes a model this stage fitted or read.
    public func write(_ model: Model, to writer: inout ArtifactWriter) {
        writeModel(model, &writer)
    }
}

/// A candidate generator ready to fit or load.
public typealias AnyCandidateGenerator = FittableStage<TrainingData, any CandidateModel>

/// A ranker ready to fit or load.
public typealias AnyRanker = FittableStage<RankerTrainingData, any RankerModel>

/// One registered plugin: what it is, what it takes, and how to build it from a decoder.
public struct PluginEntry: Sendable {
    /// The YAML type.
    public let type: String
    /// Generator or ranker.
    public let kind: PluginKind
    /// One line saying what it does.
    public let summary: String
    /// Its documented parameters.
    public let parameters: [ParameterDoc]
    /// Decodes the parameters with defaults applied and nothing else (for checks and listings).
    public let decodeParameters: @Sendable (any Decoder) throws -> any Encodable
    private let buildGenerator: (@Sendable (any Decoder, BuildContext) throws -> AnyCandidateGenerator)?
    private let buildRanker: (@Sendable (any Decoder, BuildContext) throws -> AnyRanker)?

    /// The entry of a candidate generator.
    public static func generator<G: CandidateGenerator>(_: G.Type) -> PluginEntry {
        PluginEntry(
            type: G.type, kind: .generator, summary: G.summary, parameters: G.parameters,
            decodeParameters: { try G.Params(from: $0) },
            buildGenerator: { decoder, context in
                let params = try G.Params(from: decoder)
                let generator = try G.make(params, context: context)
                return AnyCandidateGenerator(
                    type: G.type, configuration: try canonicalJSON(params), formatVersion: G.Model.formatVersion,
                    fit: { try generator.fit($0, progress: $1) },
                    read: { (reader: inout ArtifactReader) throws(ArtifactError) in try G.Model(reading: &reader) },
                    write: { $0.write(to: &$1) }
                )
            },
            buildRanker: nil
        )
    }

    /// The entry of a ranker.
    public static func ranker<R: Ranker>(_: R.Type) -> PluginEntry {
        PluginEntry(
            type: R.type, kind: .ranker, summary: R.summary, parameters: R.parameters,
            decodeParameters: { try R.Params(from: $0) },
            buildGenerator: nil,
            buildRanker: { decoder, context in
                let params = try R.Params(from: decoder)
                let ranker = try R.make(params, context: context)
                return AnyRanker(
                    type: R.type, configuration: try canonicalJSON(params), formatVersion: R.Model.formatVersion,
                    fit: { try ranker.fit($0, progress: $1) },
                    read: { (reader: inout ArtifactReader) throws(ArtifactError) in try R.Model(reading: &reader) },
                    write: { $0.write(to: &$1) }
                )
            }
        )
    }

    /// Builds the generator from a decoder positioned at its parameters; nil for a ranker.
    public func makeGenerator(_ decoder: any Decoder, context: BuildContext) throws -> AnyCandidateGenerator? {
        try buildGenerator?(decoder, context)
    }

    /// Builds the ranker from a decoder positioned at its parameters; nil for a generator.
    public func makeRanker(_ decoder: any Decoder, context: BuildContext) throws -> AnyRanker? {
        try buildRanker?(decoder, context)
    }
}

/// Every plugin a pipeline file may name, looked up by YAML type.
public struct PluginRegistry: Sendable {
    /// The entries in registration order.
    public let entries: [PluginEntry]
    private let byType: [String: PluginEntry]

    /// A registry; two plugins with one type are a programmer error and trap.
    public init(_ entries: [PluginEntry]) {
        self.entries = entries
        var byType: [String: PluginEntry] = [:]
        for entry in entries {
            precondition(byType[entry.type] == nil, "two plugins register the type '\(entry.type)'")
            byType[entry.type] = entry
        }
        self.byType = byType
    }

    /// The plugin registered as `type`, if any.
    public subscript(type: String) -> PluginEntry? { byType[type] }

    /// The types of every plugin of a kind, in registration order.
    public func types(of kind: PluginKind) -> [String] {
        entries.filter { $0.kind == kind }.map(\.type)
    }
}

private func canonicalJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
