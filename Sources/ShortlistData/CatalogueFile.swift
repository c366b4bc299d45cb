import Foundation
public import ShortlistCore

extension CatalogueEntry {
    /// The years an entry may give.
    public static let years = 0...9999

    /// Why the entry cannot be stored, or nil when it can: an empty id, title or genre, one
    /// with a control character, or a year out of range. `field` names the entry in the message
    /// ("items[3]" gives "items[3].year …"); nil names its keys alone.
    public func problem(field: String? = nil) -> RequestError? {
        func key(_ name: String) -> String { field.map { "\($0).\(name)" } ?? name }
        var texts = [("item", id)]
        if let title { texts.append(("title", title)) }
        for (index, genre) in (genres ?? []).enumerated() {
            texts.append(("genres[\(index)]", genre))
        }
        for (name, text) in texts {
            if text.isEmpty { return RequestError("\(key(name)) is empty") }
            if let control = firstControlCharacter(in: text) {
                return RequestError(
                    "\(key(name)) holds a control character (\(control.codePoint)); it is text "
                        + "without tabs or line ends")
            }
        }
        if let year, !Self.years.contains(year) {
            return RequestError(
                "\(key("year")) must be from \(Self.years.lowerBound) to "
                    + "\(Self.years.upperBound), found \(year)")
        }
        return nil
    }
}

/// The catalogue entries of a file, one per line: CSV or TSV with a header naming the columns
/// `item` and optionally `title`, `year`, `genres` (separated by `|`) and `retired` (`true` or
/// `false`), in any order, or JSON Lines, one object per line with those keys (`genres` a list
/// of strings). An empty field, or a key left out, leaves what the item had. Every problem is
/// one error naming `FILE:LINE`.
public final class CatalogueFile {
    /// The columns a catalogue file may have.
    public static let columns = ["item", "title", "year", "genres", "retired"]

    private let lines: RecordLines
    private let decoder = JSONDecoder()

    /// The file as it names itself in errors.
    public var name: String { lines.name }
    /// The line last read.
    public var line: Int { lines.line }

    /// Opens `path` (`-` for standard input) written as `format`; a CSV or TSV file's header is
    /// read at once.
    public init(path: String, format: RecordFormat) throws {
        lines = try RecordLines(
            path: path, format: format, columns: Self.columns, required: 1,
            words: RecordLines.Words(
                records: "catalogue entries", file: "a catalogue file",
                columns: "item and optionally title, year, genres, retired",
                needs: "an entry needs its item"))
    }

    /// The next entry, checked (``CatalogueEntry/problem(field:)``), or nil at the end.
    public func next() throws -> CatalogueEntry? {
        guard let text = try lines.next() else { return nil }
        let entry = lines.format == .jsonl ? try jsonEntry(text) : try delimitedEntry(text)
        if let problem = entry.problem() { throw lines.located(problem.message) }
        return entry
    }

    private func delimitedEntry(_ text: String) throws -> CatalogueEntry {
        let fields = try lines.fields(of: text).map { $0.flatMap { $0.isEmpty ? nil : $0 } }
        let year = try fields[2].map { text -> Int in
            guard let year = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw lines.located("the year '\(excerpt(text))' is not a whole number")
            }
            return year
        }
        let retired = try fields[4].map { text -> Bool in
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default:
                throw lines.located("'retired' is true or false, found '\(excerpt(text))'")
            }
        }
        return CatalogueEntry(
            id: fields[0] ?? "", title: fields[1], year: year,
            genres: fields[3].map { $0.split(separator: "|").map(String.init) },
            retired: retired)
    }

    private func jsonEntry(_ text: String) throws -> CatalogueEntry {
        do {
            return try decoder.decode(JSONLine.self, from: Data(text.utf8)).entry
        } catch let DecodingError.keyNotFound(key, _) {
            throw lines.located("the entry has no '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) where !context.codingPath.isEmpty {
            let key = context.codingPath.first?.stringValue ?? "the line"
            let expected = [
                "year": "a whole number", "genres": "a list of strings", "retired": "true or false",
            ]
            throw lines.located("'\(key)' must be \(expected[key] ?? "a string")")
        } catch let error as JSONLine.UnknownKey {
            throw lines.located(
                suggesting(
                    "unknown key '\(excerpt(error.key))'", for: error.key, in: Self.columns,
                    otherwise: "; an entry's keys are \(Self.columns.joined(separator: ", "))"))
        } catch {
            throw lines.located("the line is not a catalogue entry: '\(excerpt(text))'")
        }
    }

    /// One line of a JSON Lines file, its keys checked.
    private struct JSONLine: Decodable {
        struct UnknownKey: Error { var key: String }
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var entry: CatalogueEntry

        init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: Key.self)
            for key in keys.allKeys where !CatalogueFile.columns.contains(key.stringValue) {
                throw UnknownKey(key: key.stringValue)
            }
            entry = CatalogueEntry(
                id: try keys.decode(String.self, forKey: Key(stringValue: "item")),
                title: try keys.decodeIfPresent(String.self, forKey: Key(stringValue: "title")),
                year: try keys.decodeIfPresent(Int.self, forKey: Key(stringValue: "year")),
                genres: try keys.decodeIfPresent([String].self, forKey: Key(stringValue: "genres")),
                retired: try keys.decodeIfPresent(Bool.self, forKey: Key(stringValue: "retired")))
        }
    }
}
