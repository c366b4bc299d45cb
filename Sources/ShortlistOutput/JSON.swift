import Foundation

/// Pretty, key-sorted JSON of any encodable value.
public func json(_ value: some Encodable, pretty: Bool = true) throws -> String {
    let encoder = JSONEncoder()
    // Total: no number can make the output fail (scores are finite; this is the last guard).
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    encoder.outputFormatting =
        pretty
        ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        : [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
