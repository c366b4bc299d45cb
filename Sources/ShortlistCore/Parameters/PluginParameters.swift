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
    public init(decoding decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: ParameterKey.self)
        for declaration in Self.declarations { try declaration.decode(&self, container) }
    }

    /// The parameters that change what a fit produces, as JSON with sorted keys: part of an
    /// artifact key. `extra` adds fields that are not parameters (the seed).
    public func canonicalJSON(extra: [String: String] = [:]) -> String {
        var fields = extra
        for declaration in Self.declarations where declaration.affectsFit { fields[declaration.key] = declaration.json(self) }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\($0.value)" }.joined(separator: ",") + "}"
    }

    /// Every parameter's documentation, defaults taken from `init()`.
    public static var documentation: [ParameterDoc] { declarations.map { $0.documentation } }
}

/// One parameter: its key, where it is stored, what it accepts and one line of documentation.
public struct ParameterDeclaration<Params: PluginParameters>: Sendable {
    /// The YAML key.
    public let key: String
    /// Whether the value changes what `fit` produces (false for e.g. a thread count): only
    /// such parameters go into the artifact key.
    public let affectsFit: Bool
    /// The documentation `shortlist plugins` shows.
    public let documentation: ParameterDoc
    let decode: @Sendable (inout Params, KeyedDecodingContainer<ParameterKey>) throws -> Void
    let json: @Sendable (Params) -> String
    /// Whether two parameter sets hold the same value for this key.
    public let isEqual: @Sendable (Params, Params) -> Bool

    /// A parameter stored at `path`, defaulting to its value in `Params()`.
    ///
    /// - Parameters:
    ///   - bounds: the numbers a numeric value (or the wrapped value of an optional) accepts.
    ///   - unset: for an optional parameter, what leaving it unset means, e.g. `20 explicit, 15 implicit`.
    ///   - affectsFit: false when the value does not change what `fit` produces.
    public init<Value: ParameterValue>(
        _ key: String, _ path: WritableKeyPath<Params, Value> & Sendable, _ bounds: ParameterBounds?,
        _ summary: String, unset: String? = nil, affectsFit: Bool = true
    ) {
        self.key = key
        self.affectsFit = affectsFit
        let defaultValue = Params()[keyPath: path]
        var type = Value.typeDescription
        if let bounds, !bounds.notation.isEmpty { type += " \(bounds.notation)" }
        let isUnset = defaultValue.yamlText == "unset"
        documentation = ParameterDoc(key, type, default: isUnset ? unset ?? "unset" : defaultValue.yamlText, summary, isValue: !isUnset)
        decode = { params, container in
            let codingKey = ParameterKey(stringValue: key)
            guard let value = try container.decodeIfPresent(Value.self, forKey: codingKey) else { return }
            if let bounds, let number = value.numericValue, !bounds.contains(number) {
                throw ParameterError(keyPath: [key], message: "'\(key)' \(bounds.requirement), found \(value.yamlText)")
            }
            params[keyPath: path] = value
        }
        json = { params in encodeJSON(params[keyPath: path]) }
        isEqual = { $0[keyPath: path] == $1[keyPath: path] }
    }
}

extension ParameterDeclaration {
    /// A parameter without numeric bounds (a choice, a flag, a list or a free number).
    public init<Value: ParameterValue>(
        _ key: String, _ path: WritableKeyPath<Params, Value> & Sendable, _ summary: String,
        unset: String? = nil, affectsFit: Bool = true
    ) {
        self.init(key, path, nil, summary, unset: unset, affectsFit: affectsFit)
    }
}

/// One documented parameter of a plugin, as `shortlist plugins` lists it.
public struct ParameterDoc: Sendable, Equatable {
    /// The YAML key.
    public var key: String
    /// The value's type in users' words with its range, e.g. `integer in [1, 4096]`, `min-max | z-score`.
    public var type: String
    /// The default as it would be written in YAML, or what leaving it unset means.
    public var defaultValue: String
    /// One line of documentation, with the unit where there is one.
    public var summary: String
    /// Whether ``defaultValue`` is a value as written in YAML, rather than what leaving the
    /// parameter unset means.
    public var isValue: Bool

    /// A parameter's documentation.
    public init(_ key: String, _ type: String, default defaultValue: String, _ summary: String, isValue: Bool = true) {
        self.key = key
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
        self.isValue = isValue
    }
}

/// A parameter value that cannot work, found by a plugin while it is built.
///
/// The configuration layer turns `keyPath` into a file, line and column.
public struct ParameterError: Error, Sendable, Equatable {
    /// The keys from the stage's mapping down to the offending value, e.g. `["weights", "popularr"]`.
    public var keyPath: [String]
    /// What is wrong, in users' words.
    public var message: String
    /// Whether the last key itself is wrong (a name), rather than its value.
    public var isAboutKey: Bool

    /// An error at `keyPath`.
    public init(keyPath: [String], message: String, isAboutKey: Bool = false) {
        self.keyPath = keyPath
        self.message = message
        self.isAboutKey = isAboutKey
    }
}

/// A coding key made from any parameter name.
public struct ParameterKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// Decodes any ``PluginParameters`` through `Decodable`, e.g. from JSON.
public struct DecodedParameters<Params: PluginParameters>: Decodable, Sendable {
    /// The decoded parameters.
    public let value: Params

    public init(from decoder: any Decoder) throws { value = try Params(decoding: decoder) }
}

/// A value as compact JSON with sorted keys.
private func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}

private func jsonString(_ text: String) -> String { encodeJSON(text) }
