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
        _ key: String, _ path: WritableKeyPath<Params, Value> & Sendable,
        _ bounds: ParameterBounds?,
        _ summary: String, unset: String? = nil, affectsFit: Bool = true
    ) {
        self.key = key
        self.affectsFit = affectsFit
        let defaultValue = Params()[keyPath: path]
        var type = Value.typeDescription
        if let bounds, !bounds.notation.isEmpty { type += " \(bounds.notation)" }
        let isUnset = defaultValue.yamlText == "unset"
        documentation = ParameterDoc(
            key, type, default: isUnset ? unset ?? "unset" : defaultValue.yamlText, summary,
            isValue: !isUnset)
        decode = { params, container in
            let codingKey = ParameterKey(stringValue: key)
            guard let value = try container.decodeIfPresent(Value.self, forKey: codingKey) else {
                return
            }
            if let bounds, let number = value.numericValue, !bounds.contains(number) {
                throw ParameterError(
                    keyPath: [key],
                    message: "'\(key)' \(bounds.requirement), found \(value.yamlText)")
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
