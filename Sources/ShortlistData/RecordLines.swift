import Foundation
import ShortlistCore

/// How a file of records (events, catalogue entries) is written.
public enum RecordFormat: String, Sendable, CaseIterable {
    case csv, tsv, jsonl

    /// The format a file's extension says (`.csv`, `.tsv` or `.tab`, `.jsonl` or `.ndjson`),
    /// or nil.
    public init?(extensionOf path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}

/// The lines of a file of records, one record per line: CSV or TSV with a header naming the
/// columns (any of `columns`, in any order, the first `required` of them present), or JSON
/// Lines. Blank lines are skipped; every problem is one error naming `FILE:LINE`.
final class RecordLines {
    private let reader: LineReader
    let format: RecordFormat
    let columns: [String]
    /// For CSV and TSV, the field position of each of ``columns``.
    private var positions: [Int?] = []
    private var fieldCount = 0

    /// The file as it names itself in errors.
    var name: String { reader.name }
    /// The line last read.
    var line: Int { reader.line }

    /// How messages speak of the file and its records.
    struct Words {
        /// The records, as in "columns that events do not have".
        var records: String
        /// The file, as in "an events file starts with a header".
        var file: String
        /// Its columns, as in "naming its columns (user, item, kind and optionally …)".
        var columns: String
        /// What a record needs, as in "an event needs user, item and kind".
        var needs: String
    }

    private let words: Words

    /// Opens `path` (`-` for standard input); a CSV or TSV file's header is read at once.
    init(path: String, format: RecordFormat, columns: [String], required: Int, words: Words)
        throws
    {
        reader = try LineReader(path: path)
        self.format = format
        self.columns = columns
        self.words = words
        if format != .jsonl { try readHeader(required: required) }
    }

    private func readHeader(required: Int) throws {
        var header: String?
        while let text = try reader.next() {
            if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                header = text
                break
            }
        }
        guard let header else {
            throw RequestError(
                "the file is empty; \(words.file) starts with a header naming its columns "
                    + "(\(words.columns))",
                location: ErrorLocation(file: reader.name))
        }
        let names = try split(header).map { $0.trimmingCharacters(in: .whitespaces) }
        fieldCount = names.count
        for name in names where !columns.contains(name) {
            throw located(
                suggesting(
                    "the header names a column '\(excerpt(name))' that \(words.records) do not have",
                    for: name, in: columns,
                    otherwise: "; the columns are \(columns.joined(separator: ", "))")
                    + (format == .csv && names.count == 1 && header.contains("\t")
                        ? " (the header has tabs: is it a TSV file?)" : ""))
        }
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw located("the header names the column '\(name)' twice")
        }
        positions = columns.map { names.firstIndex(of: $0) }
        for (column, position) in zip(columns.prefix(required), positions) where position == nil {
            throw located("the header has no '\(column)' column; \(words.needs)")
        }
    }

    /// The next line that is not blank, or nil at the end of the file.
    func next() throws -> String? {
        while let text = try reader.next() {
            if !text.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                return text
            }
        }
        return nil
    }

    /// A CSV or TSV line's field of each of ``columns`` (nil for a column the header lacks).
    func fields(of text: String) throws -> [String?] {
        let fields = try split(text)
        guard fields.count == fieldCount else {
            throw located(
                "expected \(fieldCount) fields as the header has, found \(fields.count)")
        }
        return positions.map { $0.map { fields[$0] } }
    }

    /// An error at the line last read.
    func located(_ message: String) -> RequestError {
        RequestError(message, location: ErrorLocation(file: reader.name, line: reader.line))
    }

    /// The fields of a CSV or TSV line: a field may be quoted (`"a, b"`, a quote inside
    /// written twice).
    private func split(_ text: String) throws -> [String] {
        let byte = format == .tsv ? UInt8(ascii: "\t") : UInt8(ascii: ",")
        guard !text.utf8.contains(UInt8(ascii: "\"")) else { return try quotedFields(of: text) }
        return text.utf8.split(separator: byte, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The fields of a line with quotes in it.
    private func quotedFields(of text: String) throws -> [String] {
        let delimiter: Character = format == .tsv ? "\t" : ","
        enum State { case fieldStart, unquoted, quoted, closingQuote }
        var fields: [String] = []
        var current = ""
        var state = State.fieldStart
        for character in text {
            switch (state, character) {
            case (.fieldStart, "\""): state = .quoted
            case (.fieldStart, delimiter), (.unquoted, delimiter), (.closingQuote, delimiter):
                fields.append(current)
                current = ""
                state = .fieldStart
            case (.fieldStart, _), (.unquoted, _):
                current.append(character)
                state = .unquoted
            case (.quoted, "\""): state = .closingQuote
            case (.quoted, _): current.append(character)
            case (.closingQuote, "\""):
                current.append("\"")
                state = .quoted
            case (.closingQuote, _):
                throw located("a quoted field goes on after its closing quote")
            }
        }
        let quoted = state == .quoted
        guard !quoted else { throw located("a quoted field has no closing quote") }
        fields.append(current)
        return fields
    }
}
