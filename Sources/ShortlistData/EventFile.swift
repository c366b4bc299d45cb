import Foundation
import ShortlistCore

/// The events of a file, one per line, read as they come in bounded memory: CSV or TSV with a
/// header naming the columns `user`, `item`, `kind` and optionally `value`, `time`, `id` and
/// `request` (in any order; other columns are refused), or JSON Lines, one object per line with
/// those keys.
/// A time is seconds since 1970 or an ISO 8601 date and time (`2026-12-07T10:00:00Z`, a space
/// for the `T`, no zone meaning UTC). Blank lines are skipped. Every problem is one error
/// naming `FILE:LINE`.
public final class EventFile {
    /// How the file is written.
    public enum Format: String, Sendable, CaseIterable {
        case csv, tsv, jsonl

        /// The format a file's extension says (`.csv`, `.tsv` or `.tab`, `.jsonl` or
        /// `.ndjson`), or nil.
        public init?(extensionOf path: String) {
            switch (path as NSString).pathExtension.lowercased() {
            case "csv": self = .csv
            case "tsv", "tab": self = .tsv
            case "jsonl", "ndjson": self = .jsonl
            default: return nil
            }
        }
    }

    /// The columns an events file may have.
    public static let columns = ["user", "item", "kind", "value", "time", "id", "request"]

    private let reader: LineReader
    private let format: Format
    /// For CSV and TSV, the field position of each of ``columns``.
    private var positions: [Int?] = []
    private var fieldCount = 0
    private let decoder = JSONDecoder()

    /// The file as it names itself in errors.
    public var name: String { reader.name }
    /// The line last read.
    public var line: Int { reader.line }

    /// Opens `path` (`-` for standard input) written as `format`; a CSV or TSV file's header is
    /// read at once.
    public init(path: String, format: Format) throws {
        reader = try LineReader(path: path)
        self.format = format
        if format != .jsonl { try readHeader() }
    }

    private func readHeader() throws {
        var header: String?
        while let text = try reader.next() {
            if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                header = text
                break
            }
        }
        guard let header else {
            throw RequestError(
                "the file is empty; an events file starts with a header naming its columns "
                    + "(user, item, kind and optionally value, time, id)",
                location: ErrorLocation(file: reader.name))
        }
        let names = try fields(of: header).map { $0.trimmingCharacters(in: .whitespaces) }
        fieldCount = names.count
        for name in names where !Self.columns.contains(name) {
            throw located(
                suggesting(
                    "the header names a column '\(excerpt(name))' that events do not have",
                    for: name, in: Self.columns,
                    otherwise: "; the columns are \(Self.columns.joined(separator: ", "))")
                    + (format == .csv && names.count == 1 && header.contains("\t")
                        ? " (the header has tabs: is it a TSV file?)" : ""))
        }
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw located("the header names the column '\(name)' twice")
        }
        positions = Self.columns.map { names.firstIndex(of: $0) }
        for (column, position) in zip(Self.columns.prefix(3), positions) where position == nil {
            throw located(
                "the header has no '\(column)' column; an event needs user, item and kind")
        }
    }

    /// The next event, or nil at the end of the file.
    public func next() throws -> Event? {
        while let text = try reader.next() {
            if text.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                continue
            }
            return format == .jsonl ? try jsonEvent(text) : try delimitedEvent(text)
        }
        return nil
    }

    private func located(_ message: String) -> RequestError {
        RequestError(message, location: ErrorLocation(file: reader.name, line: reader.line))
    }

    private func delimitedEvent(_ text: String) throws -> Event {
        let fields = try fields(of: text)
        guard fields.count == fieldCount else {
            throw located(
                "expected \(fieldCount) fields as the header has, found \(fields.count)")
        }
        func field(_ column: Int) -> String? {
            positions[column].map { fields[$0] }
        }
        let value = try field(3).flatMap { text -> Double? in
            if text.isEmpty { return nil }
            guard let number = decimalNumber(text) else {
                throw located("the value '\(excerpt(text))' is not a decimal number")
            }
            return number
        }
        let time = try field(4).flatMap { $0.isEmpty ? nil : try seconds($0) }
        let id = field(5).flatMap { $0.isEmpty ? nil : $0 }
        return Event(
            id: id, user: fields[positions[0]!], item: fields[positions[1]!],
            kind: fields[positions[2]!], value: value, time: time,
            request: field(6).flatMap { $0.isEmpty ? nil : $0 })
    }

    private func jsonEvent(_ text: String) throws -> Event {
        let line: JSONLine
        do {
            line = try decoder.decode(JSONLine.self, from: Data(text.utf8))
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw located("the line is not a JSON object: '\(excerpt(text))'")
        } catch let DecodingError.keyNotFound(key, _) {
            throw located("the event has no '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw located("the line is not a JSON object: '\(excerpt(text))'")
        } catch let DecodingError.typeMismatch(_, context) {
            let key = context.codingPath.last?.stringValue ?? "the line"
            throw located(
                key == "time"
                    ? "'time' must be seconds since 1970 or an ISO 8601 date and time"
                    : key == "value" ? "'value' must be a number" : "'\(key)' must be a string")
        } catch let error as JSONLine.UnknownKey {
            throw located(
                suggesting(
                    "unknown key '\(excerpt(error.key))'", for: error.key, in: Self.columns,
                    otherwise: "; an event's keys are \(Self.columns.joined(separator: ", "))"))
        } catch {
            throw located("the line is not an event: '\(excerpt(text))'")
        }
        let time: Double?
        switch line.time {
        case .none: time = nil
        case .seconds(let seconds): time = seconds
        case .written(let written): time = try seconds(written)
        }
        return Event(
            id: line.id, user: line.user, item: line.item, kind: line.kind, value: line.value,
            time: time, request: line.request)
    }

    /// One line of a JSON Lines file, its keys checked.
    private struct JSONLine: Decodable {
        struct UnknownKey: Error { var key: String }
        enum Time {
            case none
            case seconds(Double)
            case written(String)
        }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var user: String
        var item: String
        var kind: String
        var value: Double?
        var time: Time
        var id: String?
        var request: String?

        init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: Key.self)
            for key in keys.allKeys where !EventFile.columns.contains(key.stringValue) {
                throw UnknownKey(key: key.stringValue)
            }
            user = try keys.decode(String.self, forKey: Key(stringValue: "user"))
            item = try keys.decode(String.self, forKey: Key(stringValue: "item"))
            kind = try keys.decode(String.self, forKey: Key(stringValue: "kind"))
            value = try keys.decodeIfPresent(Double.self, forKey: Key(stringValue: "value"))
            id = try keys.decodeIfPresent(String.self, forKey: Key(stringValue: "id"))
            request = try keys.decodeIfPresent(String.self, forKey: Key(stringValue: "request"))
            let timeKey = Key(stringValue: "time")
            if try !keys.contains(timeKey) || keys.decodeNil(forKey: timeKey) {
                time = .none
            } else if let seconds = try? keys.decode(Double.self, forKey: timeKey) {
                time = .seconds(seconds)
            } else {
                time = .written(try keys.decode(String.self, forKey: timeKey))
            }
        }
    }

    /// A time as written: seconds since 1970, or an ISO 8601 date and time.
    private func seconds(_ text: String) throws -> Double {
        if let seconds = Self.seconds(text) { return seconds }
        throw located(
            "the time '\(excerpt(text))' is neither seconds since 1970 nor an ISO 8601 date and "
                + "time such as 2026-12-07T10:00:00Z")
    }

    /// A time as events give it: seconds since 1970, or an ISO 8601 date and time (a space
    /// for the `T` and no zone, meaning UTC, as spreadsheets write it); nil for neither.
    public static func seconds(_ text: String) -> Double? {
        if let number = decimalNumber(text) { return number }
        return isoDate(text)?.timeIntervalSince1970
    }

    private static func isoDate(_ text: String) -> Date? {
        var written = text.trimmingCharacters(in: .whitespaces)
        if written.count > 10, written[written.index(written.startIndex, offsetBy: 10)] == " " {
            written.replaceSubrange(
                written.index(
                    written.startIndex, offsetBy: 10)...written.index(
                        written.startIndex, offsetBy: 10), with: "T")
        }
        let hasZone =
            written.hasSuffix("Z") || written.dropFirst(19).contains("+")
            || written.dropFirst(19).contains("-")
        if !hasZone, written.count >= 19 { written += "Z" }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: written) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: written)
    }

    /// The fields of a CSV or TSV line: a field may be quoted (`"a, b"`, a quote inside
    /// written twice).
    private func fields(of text: String) throws -> [String] {
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
