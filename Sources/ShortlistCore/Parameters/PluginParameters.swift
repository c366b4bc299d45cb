import Foundation

/// A plugin's parameters: a struct whose stored properties hold the defaults, with one
/// ``ParameterDeclaration`` per key that decodes, checks and documents it.
///
/// ```swift
/// public struct Params: PluginParameters {
///     public var factors = 64
///     public init() {}
///     public static var declarations: [ParameterDeclaration<Self>] {[
///         .init("factors", \.factors, .between(1, 4096), "latent dimensions"),
///     ]}
/// }
/// ```
/// Decoding starts from `init()` and overwrites what the stage sets; a key no declaration
/// names is left unread, so the configuration layer reports it. `PluginRegistryTests` checks
/// that every documented default decodes back to the default.
public protocol PluginParameters: Sendable {
    /// Every parameter at its default.
    init()
    /// One declaration per key, in the order `shortlist plugins` lists them.
    static var declarations: [ParameterDeclaration<Self>] { get }
}

extension PluginParameters {
    /// Decodes the keys the declarations name from a mapping, checking each value's range.
    ///
    /// Every key is read before the first out-of-range value is reported, so that the
    /// configuration layer does not mistake the keys after it for unknown ones.
    public init(decoding decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: ParameterKey.self)
        var firstError: ParameterError?
        for declaration in Self.declarations {
            do {
                try declaration.decode(&self, container)
            } catch let error as ParameterError {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
    }

    /// The parameters that change what a fit produces, as JSON with sorted keys: part of an
    /// artifact key. `extra` adds fields that are not parameters (the seed).
    public func canonicalJSON(extra: [String: String] = [:]) -> String {
        var fields = extra
        for declaration in Self.declarations where declaration.affectsFit {
            fields[declaration.key] = declaration.json(self)
        }
        return "{"
            + fields.sorted { $0.key < $1.key }.map { "\(encodeJSON($0.key)):\($0.value)" }.joined(
                separator: ",") + "}"
    }

    /// Every parameter's documentation, defaults taken from `init()`.
    public static var documentation: [ParameterDoc] { declarations.map { $0.documentation } }
}

/// A value as compact JSON with sorted keys.
func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}
