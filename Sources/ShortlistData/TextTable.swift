import Foundation
import ShortlistCore

/// The rows of a delimited text file, split into string fields, with their line numbers.
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
    init(
        file: String, delimiter: Character, quoted: Bool, latin1: Bool = false,
        skipMalformed: Bool = false
    ) throws(DataError) {
        try self.init(
            file: file, layout: TextLayout(delimiter: delimiter, quoted: quoted, latin1: latin1),
            skipMalformed: skipMalformed)
    }

    /// Rows skipped because they could not be split (a quote left open, a line too long), which
    /// `skipMalformed` allows.
    let skipped: Int

    /// Reads `file` a block at a time; with `skipMalformed`, a line with a quote left open or
    /// too long is skipped and counted rather than an error, but for the first row (a header,
    /// where the file has one).
    init(file: String, layout: TextLayout, skipMalformed: Bool = false) throws(DataError) {
        let text = try TextFile(file, latin1: layout.latin1)
        var rows: [Row] = []
        var skipped = 0
        var problem: ScanProblem?
        var problemLines = 0
        try text.forEachBlock(of: text.start..<text.size) { bytes, count, before in
            var reader = RowReader(bytes, count: count, layout: layout)
            while true {
                do throws(ScanProblem) {
                    guard try reader.next() else { break }
                } catch {
                    if case .badEncoding = error {
                        problem = error
                        problemLines = before
                        return nil
                    }
                    if skipMalformed, !rows.isEmpty {
                        skipped += 1
                    } else if problem == nil {
                        problem = error
                        problemLines = before
                    }
                    continue
                }
                if problem == nil {
                    rows.append(Row(line: before + reader.line, fields: reader.strings))
                }
            }
            return reader.line
        }
        try text.file.checkUnchanged()
        if let problem { throw text.error(problem, lineOffset: problemLines) }
        self.file = file
        self.rows = rows
        self.skipped = skipped
    }

    init(file: String, rows: [Row], skipped: Int = 0) {
        self.file = file
        self.rows = rows
        self.skipped = skipped
    }
}
