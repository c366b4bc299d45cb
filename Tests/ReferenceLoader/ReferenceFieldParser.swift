import Foundation
import ShortlistCore
import ShortlistData

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

    func fieldCount(_ row: ReferenceTable.Row, exactly count: Int) throws(DataError) {
        guard row.fields.count == count else {
            throw DataError(
                .malformedRow, "expected \(count) fields, found \(row.fields.count)", file: file,
                line: line)
        }
    }
}
