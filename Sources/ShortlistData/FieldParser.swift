import Foundation
import ShortlistCore

/// Parses fields of a row, throwing errors that name the file and line.
struct FieldParser {
    let file: String
    var line: Int
    /// What the file's timestamps count.
    var unit = TimestampUnit.seconds

    /// Ratings must lie within ±1,000,000, so no sum over them can overflow.
    static let ratingLimit = Float(InteractionLimits.ratingMagnitude)

    func rating(_ text: String) throws(DataError) -> Float {
        let trimmed = text.trimmingSpaces
        guard isDecimalNumber(trimmed), let value = Float(trimmed) else {
            throw DataError(
                .malformedRow, "rating '\(excerpt(text))' is not a number", file: file, line: line)
        }
        guard value.isFinite, abs(value) <= Self.ratingLimit else {
            throw DataError(
                .malformedRow,
                "rating '\(excerpt(text))' is outside \(InteractionLimits.ratingDescription)",
                file: file,
                line: line)
        }
        return value
    }

    /// Timestamps must fall within the years 1900–2200, in seconds since 1970.
    static let timestampRange = InteractionLimits.seconds

    /// A timestamp in seconds since 1970, from a number of `unit`s within the years 1900–2200.
    func timestamp(_ text: String) throws(DataError) -> Int64 {
        let trimmed = text.trimmingSpaces
        guard isDecimalNumber(trimmed), let value = Double(trimmed) else {
            throw DataError(
                .malformedRow, "timestamp '\(excerpt(text))' is not a number of \(unit.rawValue)",
                file: file,
                line: line)
        }
        let seconds = unit == .milliseconds ? value / 1000 : value
        guard Self.timestampRange.contains(seconds) else {
            var message =
                "timestamp '\(excerpt(trimmed))' is outside the years 1900–2200 in "
                + "\(unit.rawValue)"
            if unit == .seconds, Self.timestampRange.contains(value / 1000) {
                message +=
                    "; it looks like milliseconds: set 'timestamp-unit: milliseconds' "
                    + "in the dataset section"
            }
            throw DataError(.malformedRow, message, file: file, line: line)
        }
        return Int64(seconds.rounded(.down))
    }

    func id(_ text: String, _ what: String) throws(DataError) -> String {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else {
            throw DataError(.malformedRow, "the \(what) id is empty", file: file, line: line)
        }
        if let control = firstControlCharacter(in: trimmed) {
            throw DataError(
                .malformedRow, FeatureField.controlCharacterMessage(what, control), file: file,
                line: line)
        }
        return trimmed
    }

    /// The id in an ASCII field's bytes, without the spaces and tabs around it.
    @inline(__always)
    func id(_ bytes: UnsafeBufferPointer<UInt8>, _ what: String) throws(DataError)
        -> UnsafeBufferPointer<UInt8>
    {
        let trimmed = Self.trimmed(bytes)
        var isClean = !trimmed.isEmpty
        for byte in trimmed { isClean = isClean && byte >= 0x20 && byte != 0x7F }
        guard isClean else { throw refusal(trimmed, what) }
        return trimmed
    }

    /// Why an id's bytes (empty, or holding a control character) are refused.
    private func refusal(_ id: UnsafeBufferPointer<UInt8>, _ what: String) -> DataError {
        guard let control = id.first(where: { $0 < 0x20 || $0 == 0x7F }) else {
            return DataError(.malformedRow, "the \(what) id is empty", file: file, line: line)
        }
        return DataError(
            .malformedRow, FeatureField.controlCharacterMessage(what, Unicode.Scalar(control)),
            file: file, line: line)
    }

    /// A rating from an ASCII field's bytes; a short decimal (seven digits at most) is read
    /// without a string, exactly as `Float(String)` reads it.
    func rating(_ bytes: UnsafeBufferPointer<UInt8>) throws(DataError) -> Float {
        if let value = Self.shortDecimal(Self.trimmed(bytes)), abs(value) <= Self.ratingLimit {
            return value
        }
        return try rating(String(decoding: bytes, as: UTF8.self))
    }

    /// A timestamp from an ASCII field's bytes; an integer of 15 digits at most is read
    /// without a string.
    func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) throws(DataError) -> Int64 {
        if let integer = Self.shortInteger(Self.trimmed(bytes)) {
            let value = Double(integer)
            let seconds = unit == .milliseconds ? value / 1000 : value
            if Self.timestampRange.contains(seconds) { return Int64(seconds.rounded(.down)) }
        }
        return try timestamp(String(decoding: bytes, as: UTF8.self))
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lower = 0
        var upper = bytes.count
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }

    /// Powers of ten that a `Float` holds exactly.
    private static let tens: [Float] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]

    /// `[+-]digits[.digits]` with at most seven digits, or nil. Such a value and its power of
    /// ten are exact in a `Float`, so one division rounds it correctly, as `Float(String)` does.
    private static func shortDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? {
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa = 0
        var digits = 0
        var fraction = -1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9"), digits < 7 {
                mantissa = mantissa * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
                if fraction >= 0 { fraction += 1 }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let value = Float(mantissa) / tens[max(fraction, 0)]
        return negative ? -value : value
    }

    /// `[+-]digits` with at most 15 digits (exact in a `Double`), or nil.
    private static func shortInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < bytes.count, bytes.count - i <= 15 else { return nil }
        var value: Int64 = 0
        while i < bytes.count {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
            i += 1
        }
        return negative ? -value : value
    }

    /// A year field (``FeatureField/year(_:file:line:)``).
    func year(_ text: String) throws(DataError) -> Int? {
        try FeatureField.year(text, file: file, line: line)
    }

    /// An age field (``FeatureField/age(_:file:line:)``).
    func age(_ text: String) throws(DataError) -> Int? {
        try FeatureField.age(text, file: file, line: line)
    }

    /// A gender field (``FeatureField/gender(_:file:line:)``).
    func gender(_ text: String) throws(DataError) -> String? {
        try FeatureField.gender(text, file: file, line: line)
    }

    /// Declares an item of an items file; an id the file declared before is a malformed row.
    func declareItem(into catalogue: inout Catalogue, _ id: String, features: ItemFeatures)
        throws(DataError)
    {
        guard catalogue.declareItem(id, features: features) else {
            throw DataError(
                .malformedRow, "item '\(excerpt(id))' appears twice in the file", file: file,
                line: line)
        }
    }

    /// Declares a user of a users file; an id the file declared before is a malformed row.
    func declareUser(into catalogue: inout Catalogue, _ id: String, features: UserFeatures)
        throws(DataError)
    {
        guard catalogue.declareUser(id, features: features) else {
            throw DataError(
                .malformedRow, "user '\(excerpt(id))' appears twice in the file", file: file,
                line: line)
        }
    }

    /// Throws unless a row holds as many fields as its file's header (or format) says.
    func fieldCount(_ row: TextTable.Row, exactly count: Int) throws(DataError) {
        guard row.fields.count == count else {
            throw DataError(
                .malformedRow, "expected \(count) fields, found \(row.fields.count)", file: file,
                line: line)
        }
    }

}

/// A year taken from a value such as `1995`, `01-Jan-1995` or a title ending in `(1995)`.
func parseYear(_ text: String) -> Int? {
    let trimmed = text.trimmingSpaces
    if let year = Int(trimmed), (1000...9999).contains(year) { return year }
    if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
        let inside = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        if let year = Int(inside), (1000...9999).contains(year) { return year }
    }
    if trimmed.count >= 4, let year = Int(trimmed.suffix(4)), (1000...9999).contains(year) {
        return year
    }
    return nil
}

extension StringProtocol {
    /// The text without the spaces and tabs (`CharacterSet.whitespaces`) around it; text that
    /// starts and ends with a visible ASCII character is returned as it is, without Foundation.
    var trimmingSpaces: String {
        let text = String(self)
        if let first = text.utf8.first, let last = text.utf8.last, (0x21..<0x80).contains(first),
            (0x21..<0x80).contains(last)
        {
            return text
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
