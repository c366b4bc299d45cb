import Foundation
import ShortlistCore
import ShortlistData

/// The rows of a delimited text file, split into fields, with their line numbers.
struct ReferenceTable {
    /// One row: its 1-based line number and its fields.
    struct Row {
        var line: Int
        var fields: [String]
    }

    let file: String
    let rows: [Row]
    /// Rows skipped because they could not be split, which `skipMalformed` allows.
    var skipped = 0

    /// Reads `file`, decoding it as UTF-8 (or ISO-8859-1 where `latin1`), skipping blank lines.
    ///
    /// Fields may be quoted with `"` (a doubled `""` is a quote) when `quoted` is set.
    /// With `skipMalformed`, a line with a quote left open or too long is skipped and counted,
    /// but for the first row.
    init(
        file: String, delimiter: Character, quoted: Bool, latin1: Bool = false,
        skipMalformed: Bool = false
    ) throws(DataError) {
        if let problem = referenceProblemReading(file) {
            throw DataError(.missingFile, "the file \(problem)", file: file)
        }
        guard let data = referenceContents(of: file) else {
            throw DataError(.missingFile, "the file cannot be read", file: file)
        }
        var text: String
        if latin1 {
            text = String(decoding: data.map { UInt16($0) }, as: UTF16.self)
        } else if let utf8 = String(data: data, encoding: .utf8) {
            text = utf8
        } else {
            // The line and column of the first byte that is not UTF-8, from the text before it.
            let offset = firstInvalidUTF8(in: data)?.offset ?? 0
            var before = String(decoding: data.prefix(offset), as: UTF8.self)
            while before.hasPrefix("\u{FEFF}") { before.removeFirst() }
            let lines = before.split(omittingEmptySubsequences: false, whereSeparator: isLineEnd)
            throw DataError(
                .badEncoding, "the file is not UTF-8 text", file: file, line: lines.count,
                column: (lines.last?.unicodeScalars.count ?? 0) + 1)
        }
        // A UTF-8 byte-order mark (some spreadsheet exports write one) is not part of the header.
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [Row] = []
        var number = 0
        // A Windows line end "\r\n" is one Character.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: isLineEnd) {
            number += 1
            let fields: [String]
            do throws(DataError) {
                if line.utf8.count > 1 << 20 {
                    throw DataError(
                        .malformedRow, "the line is longer than 1 MiB", file: file, line: number)
                }
                if line.allSatisfy(\.isWhitespace) { continue }
                fields =
                    quoted && line.contains("\"")
                    ? try Self.splitQuoted(line, delimiter: delimiter, file: file, line: number)
                    : line.split(separator: delimiter, omittingEmptySubsequences: false).map(
                        String.init)
            } catch {
                guard skipMalformed, !rows.isEmpty else { throw error }
                skipped += 1
                continue
            }
            rows.append(Row(line: number, fields: fields))
        }
        self.file = file
        self.rows = rows
    }

    private static func splitQuoted(
        _ line: Substring, delimiter: Character, file: String, line number: Int
    ) throws(DataError) -> [String] {
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
            throw DataError(
                .malformedRow, "a quoted field is not closed on its line", file: file, line: number)
        }
        fields.append(field)
        return fields
    }
}

/// Why `path` cannot be read as a file, worded as the loader words it, or nil.
private func referenceProblemReading(_ path: String) -> String? {
    if path.isEmpty { return "has an empty path" }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
        if isFolder.boolValue { return "is a folder, not a file" }
        return FileManager.default.isReadableFile(atPath: path)
            ? nil : "cannot be read (no permission)"
    }
    var ancestor = (path as NSString).deletingLastPathComponent
    while !ancestor.isEmpty, ancestor != "/" {
        var isAncestorFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isAncestorFolder) {
            return isAncestorFolder.boolValue
                ? "does not exist"
                : "cannot exist: \(ancestor) is a file, so nothing can be inside it"
        }
        ancestor = (ancestor as NSString).deletingLastPathComponent
    }
    return "does not exist"
}

/// The file's bytes (an empty file without `FileManager.contents(atPath:)`, which leaks then).
private func referenceContents(of path: String) -> Data? {
    let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    if size == 0 { return Data() }
    return FileManager.default.contents(atPath: path)
}

/// Whether a character ends a line: `\n`, `\r\n` or `\r`; other newline characters (vertical
/// tab, form feed, NEL, LS, PS) are text.
private func isLineEnd(_ character: Character) -> Bool {
    character == "\n" || character == "\r\n" || character == "\r"
}
