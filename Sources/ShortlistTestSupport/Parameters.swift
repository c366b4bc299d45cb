import Foundation
public import ShortlistCore

extension BuildContext {
    /// A context for building a plugin outside a pipeline.
    public static let test = BuildContext(stageName: "test", sourceNames: [], seed: 42)
}

/// Decodes plugin parameters from JSON text, as a server would receive them.
public func parameters<P: Decodable>(_: P.Type = P.self, json: String) throws -> P {
    try JSONDecoder().decode(P.self, from: Data(json.utf8))
}
