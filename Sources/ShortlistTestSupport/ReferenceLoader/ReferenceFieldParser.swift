import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistPipeline

/// Parses fields of a row, throwing errors that name the file and line.
struct ReferenceFieldParser {
    let file: String
    let line: Int
    /// What the file's timestamps count.
    var unit = TimestampUnit.seconds

    /// Ratings must lie within ±1,000,000, so no sum over them can overflow.
    static let ratingLimit: Float = 1_000_000

    func rating(_ text: String) throws(DataError) -> Float {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard isDecimalNumber(trimmed), let value = Float(trimmed) else {
            throw DataError(
                .malformedRow, "rating '\(excerpt(text))' is not a number", file: file, line: line)
        }
        guard value.isFinite, abs(value) <= Self.ratingLimit else {
            throw DataError(
                .malformedRow, "rating '\(excerpt(text))' is outside ±1000000", file: file,
                line: line)
        }
        return value
    }

    /// Timestamps must fall within the years 1900–2200, in seconds since 1970.
    static let timestampRange: ClosedRange<Double> = -2_208_988_800...7_258_118_400

    /// A timestamp in seconds since 1970, from a number of `unit`s within the years 1900–2200.
    func timestamp(_ text: String) throws(DataError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
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
        let trimmed = text.trimmingCharacters(in: .whitespaces)
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

    /// Declares an item of an items file; an id the file declared before is a malformed row.
    func declareItem(into builder: inout ReferenceBuilder, _ id: String, features: ItemFeatures)
        throws(DataError)
    {
        guard builder.declareItem(id, features: features) else {
            throw DataError(
                .malformedRow, "item '\(excerpt(id))' appears twice in the file", file: file,
                line: line)
        }
    }

    /// Declares a user of a users file; an id the file declared before is a malformed row.
    func declareUser(into builder: inout ReferenceBuilder, _ id: String, features: UserFeatures)
        throws(DataError)
    {
        guard builder.declareUser(id, features: features) else {
            throw DataError(
                .malformedRow, "user '\(excerpt(id))' appears twice in the file", file: file,
                line: line)
        }
    }

    func year(_ text: String) throws(DataError) -> Int? {
        try FeatureField.year(text, file: file, line: line)
    }

    func age(_ text: String) throws(DataError) -> Int? {
        try FeatureField.age(text, file: file, line: line)
    }

    func gender(_ text: String) throws(DataError) -> String? {
        try FeatureField.gender(text, file: file, line: line)
    }

    func fieldCount(_ row: ReferenceTable.Row, exactly count: Int) throws(DataError) {
        guard row.fields.count == count else {
            throw DataError(
                .malformedRow, "expected \(count) fields, found \(row.fields.count)", file: file,
                line: line)
        }
    }
}

/// A year taken from a value such as `1995`, `01-Jan-1995` or a title ending in `(1995)`.
func referenceYear(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
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
