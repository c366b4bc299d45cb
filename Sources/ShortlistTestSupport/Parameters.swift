public import BuiltInPlugins
import Foundation
public import ShortlistCore

extension BuildContext {
    /// A context for building a plugin outside a pipeline.
    public static let test = BuildContext(stageName: "test", sourceNames: [], seed: 42)
}

/// Decodes plugin parameters from JSON text, through the same declarations as YAML.
public func parameters<P: PluginParameters>(_: P.Type = P.self, json: String) throws -> P {
    try JSONDecoder().decode(DecodedParameters<P>.self, from: Data(json.utf8)).value
}

/// Builds a registered candidate generator from its type and JSON parameters.
public func buildGenerator(_ type: String, json: String, registry: PluginRegistry = builtInPlugins)
    throws -> AnyCandidateGenerator
{
    guard let entry = registry[type] else {
        throw ParameterError(keyPath: [], message: "no plugin '\(type)'")
    }
    let decoder = JSONDecoder()
    decoder.userInfo[GeneratorProbe.entry] = entry
    return try decoder.decode(GeneratorProbe.self, from: Data(json.utf8)).generator
}

/// Hands the JSON decoder's own `Decoder` to a registry entry.
private struct GeneratorProbe: Decodable {
    static let entry = CodingUserInfoKey(rawValue: "entry")!
    let generator: AnyCandidateGenerator

    init(from decoder: any Decoder) throws {
        guard let entry = decoder.userInfo[Self.entry] as? PluginEntry,
            case .generator(let build) = entry.builder
        else {
            throw ParameterError(keyPath: [], message: "not a candidate generator")
        }
        generator = try build(decoder, .test)
    }
}
