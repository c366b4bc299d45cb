import Foundation

/// Parses fields of a row, throwing errors that name the file and line.
struct FieldParser {
    let file: String
    let line: Int

    func rating(_ text: String) throws(DataError) -> Float {
        guard let value = Float(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw DataError(
                .malformedRow, "rating '\(text)' is not a number", file: file, line: line)
        }
        return value
    }

    func timestamp(_ text: String) throws(DataError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = Int64(trimmed) { return value }
        guard let value = Double(trimmed), value.isFinite, abs(value) < 9e18 else {
            throw DataError(
                .malformedRow, "timestamp '\(text)' is not a number of seconds", file: file,
                line: line)
        }
        return Int64(value)
    }

    func id(_ text: String, _ what: String) throws(DataError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw DataError(.malformedRow, "the \(what) id is empty", file: file, line: line)
        }
        return trimmed
    }

    func fieldCount(_ row: TextTable.Row, atLeast count: Int) throws(DataError) {
        guard row.fields.count >= count else {
            throw DataError(
                .malformedRow, "expected \(count) fields, found \(row.fields.count)", file: file,
                line: line)
        }
    }
}

/// A year taken from a value such as `1995`, `01-Jan-1995` or a title ending in `(1995)`.
func parseYear(_ text: String) -> Int? {
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
