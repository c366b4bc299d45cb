import Foundation

/// The rows of a delimited text file, split into fields, with their line numbers.
struct TextTable {
    /// One row: its 1-based line number and its fields.
    struct Row {
        var line: Int
        var fields: [String]
    }

    let file: String
    let rows: [Row]

    /// Reads `file`, decoding it as UTF-8 (or ISO-8859-1 where `latin1`), skipping blank lines.
    ///
    /// Fields may be quoted with `"` (a doubled `""` is a quote) when `quoted` is set.
    init(file: String, delimiter: Character, quoted: Bool, latin1: Bool = false) throws(DataError) {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
            throw DataError(.missingFile, "the file \(reason)", file: file)
        }
        let text: String
        if latin1 {
            text = String(decoding: data.map { UInt16($0) }, as: UTF16.self)
        } else if let utf8 = String(data: data, encoding: .utf8) {
            text = utf8
        } else {
            throw DataError(.malformedRow, "the file is not UTF-8 text", file: file)
        }
        var rows: [Row] = []
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = quoted && line.contains("\"")
                ? try Self.splitQuoted(line, delimiter: delimiter, file: file, line: number)
                : line.split(separator: delimiter, omittingEmptySubsequences: false).map(String.init)
            rows.append(Row(line: number, fields: fields))
        }
        self.file = file
        self.rows = rows
    }

    private static func splitQuoted(_ line: Substring, delimiter: Character, file: String, line number: Int) throws(DataError) -> [String] {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            index = line.index(after: index)
            if inQuotes {
                if character == "\"" {
                    if index < line.endIndex, line[index] == "\"" {
                        field.append("\"")
                        index = line.index(after: index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == delimiter {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        if inQuotes {
            throw DataError(.malformedRow, "a quoted field is not closed on its line", file: file, line: number)
        }
        fields.append(field)
        return fields
    }
}

/// Parses fields of a row, throwing errors that name the file and line.
struct FieldParser {
    let file: String
    let line: Int

    func rating(_ text: String) throws(DataError) -> Float {
        guard let value = Float(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw DataError(.malformedRow, "rating '\(text)' is not a number", file: file, line: line)
        }
        return value
    }

    func timestamp(_ text: String) throws(DataError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = Int64(trimmed) { return value }
        guard let value = Double(trimmed), value.isFinite, abs(value) < 9e18 else {
            throw DataError(.malformedRow, "timestamp '\(text)' is not a number of seconds", file: file, line: line)
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
            throw DataError(.malformedRow, "expected \(count) fields, found \(row.fields.count)", file: file, line: line)
        }
    }
}

/// A year taken from a value such as `1995`, `01-Jan-1995` or a title ending in `(1995)`.
func parseYear(_ text: String) -> Int? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let year = Int(trimmed), (1000 ... 9999).contains(year) { return year }
    if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
        let inside = trimmed[trimmed.index(after: open) ..< trimmed.index(before: trimmed.endIndex)]
        if let year = Int(inside), (1000 ... 9999).contains(year) { return year }
    }
    if trimmed.count >= 4, let year = Int(trimmed.suffix(4)), (1000 ... 9999).contains(year) { return year }
    return nil
}
