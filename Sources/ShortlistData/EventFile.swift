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
    public typealias Format = RecordFormat

    /// The columns an events file may have.
    public static let columns = ["user", "item", "kind", "value", "time", "id", "request"]

    private let lines: RecordLines
    private let decoder = JSONDecoder()

    /// The file as it names itself in errors.
    public var name: String { lines.name }
    /// The line last read.
    public var line: Int { lines.line }

    /// Opens `path` (`-` for standard input) written as `format`; a CSV or TSV file's header is
    /// read at once.
    public init(path: String, format: Format) throws {
        lines = try RecordLines(
            path: path, format: format, columns: Self.columns, required: 3,
            words: RecordLines.Words(
                records: "events", file: "an events file",
                columns: "user, item, kind and optionally value, time, id",
                needs: "an event needs user, item and kind"))
    }

    /// The next event, or nil at the end of the file.
    public func next() throws -> Event? {
        guard let text = try lines.next() else { return nil }
        return lines.format == .jsonl ? try jsonEvent(text) : try delimitedEvent(text)
    }

    private func located(_ message: String) -> RequestError { lines.located(message) }

    private func delimitedEvent(_ text: String) throws -> Event {
        let fields = try lines.fields(of: text)
        let value = try fields[3].flatMap { text -> Double? in
            if text.isEmpty { return nil }
            guard let number = decimalNumber(text) else {
                throw located("the value '\(excerpt(text))' is not a decimal number")
            }
            return number
        }
        let time = try fields[4].flatMap { $0.isEmpty ? nil : try seconds($0) }
        let id = fields[5].flatMap { $0.isEmpty ? nil : $0 }
        return Event(
            id: id, user: fields[0]!, item: fields[1]!, kind: fields[2]!, value: value, time: time,
            request: fields[6].flatMap { $0.isEmpty ? nil : $0 })
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
}
