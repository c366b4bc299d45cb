/// A value a plugin parameter can hold: it decodes from YAML or JSON, and knows how it is
/// described and written in documentation.
public protocol ParameterValue: Codable, Sendable, Equatable {
    /// The type in users' words, e.g. `integer`, `min-max | z-score`.
    static var typeDescription: String { get }
    /// The value as it would be written in YAML.
    var yamlText: String { get }
    /// The value as a number, for range checks; nil for values that are not numbers (or unset).
    var numericValue: Double? { get }
}

extension ParameterValue {
    public var numericValue: Double? { nil }
}

extension Int: ParameterValue {
    public static var typeDescription: String { "integer" }
    public var yamlText: String { String(self) }
    public var numericValue: Double? { Double(self) }
}

extension Int32: ParameterValue {
    public static var typeDescription: String { "integer" }
    public var yamlText: String { String(self) }
    public var numericValue: Double? { Double(self) }
}

extension Double: ParameterValue {
    public static var typeDescription: String { "number" }
    public var yamlText: String { plainNumber(self) }
    public var numericValue: Double? { self }
}

extension Float: ParameterValue {
    public static var typeDescription: String { "number" }
    public var yamlText: String { plainNumber(self) }
    public var numericValue: Double? { Double(self) }
}

extension Bool: ParameterValue {
    public static var typeDescription: String { "true or false" }
    public var yamlText: String { self ? "true" : "false" }
}

extension String: ParameterValue {
    public static var typeDescription: String { "text" }
    public var yamlText: String { self }
}

extension Array: ParameterValue where Element: ParameterValue {
    public static var typeDescription: String { "list of \(Element.typeDescription)" }
    public var yamlText: String { "[" + map(\.yamlText).joined(separator: ", ") + "]" }
}

extension Dictionary: ParameterValue where Key == String, Value: ParameterValue {
    public static var typeDescription: String { "map of name to \(Value.typeDescription)" }
    public var yamlText: String {
        "{"
            + sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.yamlText)" }.joined(
                separator: ", ") + "}"
    }
}

extension Optional: ParameterValue where Wrapped: ParameterValue {
    public static var typeDescription: String { Wrapped.typeDescription }
    public var yamlText: String { map(\.yamlText) ?? "unset" }
    public var numericValue: Double? { flatMap(\.numericValue) }
}

/// A parameter enumeration whose YAML spelling is its raw value.
///
/// The configuration decoder lists the choices when a value is not one of them.
public protocol ParameterChoice: CaseIterable, RawRepresentable, ParameterValue
where RawValue == String {}

extension ParameterChoice {
    public static var typeDescription: String { allCases.map(\.rawValue).joined(separator: " | ") }
    public var yamlText: String { rawValue }
}

/// A number as a person writes it: `3`, `0.25`, `-1e+300`; whole numbers without a fraction,
/// others in the shortest form that reads back as the same value.
public func plainNumber<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ value: Number)
    -> String
{
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
