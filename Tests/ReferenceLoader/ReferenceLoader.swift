import Foundation
import ShortlistCore
public import ShortlistData

/// The first dataset loader's interactions reader (strings per field, one thread), kept
/// unchanged as the oracle the loader tests and the loader fuzzer compare ``DatasetLoader``
/// with. It reads the interactions file only: items and users files are read by one loader and
/// tested against expected values, not against a copy of themselves.
public enum ReferenceLoader {
    /// Loads the interactions of the dataset `spec` describes, as the first loader did; its
    /// items and users files, if any, are not read.
    public static func load(_ spec: DatasetSpec) throws(DataError) -> (
        ReferenceDataset, LoadReport
    ) {
        var loader = Loader(skipMalformed: spec.skipMalformed, unit: spec.timestampUnit)
        switch spec.format {
        case .recbole:
            try loader.loadRecBole(
                folder: spec.path, name: spec.name ?? spec.fetch?.stem)
        case .grouplens: try loader.loadGroupLens(folder: spec.path)
        case .delimited: try loader.loadDelimited(spec)
        }
        guard loader.builder.interactionCount > 0 else {
            throw DataError(
                .empty, "the dataset has no interactions",
                file: spec.interactions?.file ?? spec.path)
        }
        let report = LoadReport(
            skippedRows: loader.skippedRows,
            mergedDuplicates: loader.builder.mergeDuplicateInteractions(),
            missing: LoadReport.MissingValues(), unlistedItems: 0, unlistedUsers: 0)
        return (loader.builder.build(), report)
    }
}

private struct Loader {
    let skipMalformed: Bool
    let unit: TimestampUnit
    var builder = ReferenceBuilder()
    var skippedRows: [String: Int] = [:]

    /// Runs `body` on every row, skipping and counting malformed ones when allowed.
    mutating func each(
        _ table: ReferenceTable,
        _ body: (inout ReferenceBuilder, ReferenceTable.Row, ReferenceFieldParser) throws(DataError)
            -> Void
    ) throws(DataError) {
        if table.skipped > 0 { skippedRows[table.file, default: 0] += table.skipped }
        for row in table.rows {
            do {
                try body(
                    &builder, row,
                    ReferenceFieldParser(file: table.file, line: row.line, unit: unit))
            } catch  where error.code == .malformedRow && skipMalformed {
                skippedRows[table.file, default: 0] += 1
            }
        }
    }

    // MARK: RecBole atomic files

    mutating func loadRecBole(folder: String, name: String?) throws(DataError) {
        let stem = name ?? (folder as NSString).lastPathComponent
        let base = "\(folder)/\(stem)"
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) else {
            throw DataError(.missingFile, "the folder does not exist", file: folder)
        }
        guard isFolder.boolValue else {
            throw DataError(
                .missingFile, "is a file; a RecBole dataset is a folder of atomic files",
                file: folder)
        }
        guard FileManager.default.fileExists(atPath: "\(base).inter") else {
            throw DataError(
                .missingFile, "no RecBole interactions file '\(stem).inter' in the folder",
                file: folder)
        }
        let (table, fields) = try atomic("\(base).inter")
        let user = try column(fields, ["user_id"], table)
        let item = try column(fields, ["item_id"], table)
        let rating = try optionalColumn(fields, ["rating"], table)
        let timestamp = try optionalColumn(fields, ["timestamp"], table)
        try each(table) { builder, row, parse throws(DataError) in
            try parse.fieldCount(row, exactly: fields.count)
            builder.addInteraction(
                user: try parse.id(row.fields[user], "user"),
                item: try parse.id(row.fields[item], "item"),
                rating: try rating.map { i throws(DataError) in try parse.rating(row.fields[i]) },
                timestamp: try timestamp.map { i throws(DataError) in
                    try parse.timestamp(row.fields[i])
                }
            )
        }
    }

    /// An atomic file's rows after the header, and its field names without `:type`.
    private func atomic(_ file: String) throws(DataError) -> (ReferenceTable, [String]) {
        let table = try ReferenceTable(
            file: file, delimiter: "\t", quoted: false, skipMalformed: skipMalformed)
        guard let header = table.rows.first else {
            throw DataError(
                .empty, "the file is empty; expected a header of name:type fields", file: file,
                line: 1)
        }
        let fields = header.fields.map {
            String($0.split(separator: ":", maxSplits: 1).first ?? "")
        }
        return (
            ReferenceTable(file: file, rows: Array(table.rows.dropFirst()), skipped: table.skipped),
            fields
        )
    }

    private func column(_ fields: [String], _ names: [String], _ table: ReferenceTable)
        throws(DataError)
        -> Int
    {
        guard let index = try optionalColumn(fields, names, table) else {
            throw DataError(
                .missingColumn,
                "no '\(names[0])' field in the header (fields: \(fields.joined(separator: ", ")))",
                file: table.file, line: 1)
        }
        return index
    }

    /// The position of the one field named by any of `names`, nil when there is none; two such
    /// fields are an error naming both.
    private func optionalColumn(_ fields: [String], _ names: [String], _ table: ReferenceTable)
        throws(DataError)
        -> Int?
    {
        let found = fields.indices.filter { names.contains(fields[$0]) }
        guard let index = found.first else { return nil }
        guard found.count == 1 else {
            let names =
                fields[index] == fields[found[1]]
                ? "'\(fields[index])' twice" : "both '\(fields[index])' and '\(fields[found[1]])'"
            throw DataError(
                .malformedRow,
                "the header names \(names), as fields \(index + 1) and \(found[1] + 1)",
                file: table.file, line: 1)
        }
        return index
    }

    // MARK: Original GroupLens ML-100K files

    mutating func loadGroupLens(folder: String) throws(DataError) {
        guard FileManager.default.fileExists(atPath: "\(folder)/u.data") else {
            throw DataError(
                .missingFile, "no GroupLens ratings file 'u.data' in the folder", file: folder)
        }
        let table = try ReferenceTable(
            file: "\(folder)/u.data", delimiter: "\t", quoted: false, latin1: true,
            skipMalformed: skipMalformed)
        try each(table) { builder, row, parse throws(DataError) in
            try parse.fieldCount(row, exactly: 4)
            builder.addInteraction(
                user: try parse.id(row.fields[0], "user"),
                item: try parse.id(row.fields[1], "item"),
                rating: try parse.rating(row.fields[2]),
                timestamp: try parse.timestamp(row.fields[3])
            )
        }
    }

    // MARK: Delimited files with mapped columns

    mutating func loadDelimited(_ spec: DatasetSpec) throws(DataError) {
        guard let interactions = spec.interactions else { return }
        let (table, columns) = try mapped(interactions, required: [.user, .item])
        try each(table) { builder, row, parse throws(DataError) in
            try parse.fieldCount(row, exactly: columns.width)
            builder.addInteraction(
                user: try parse.id(row.fields[columns.positions[.user] ?? 0], "user"),
                item: try parse.id(row.fields[columns.positions[.item] ?? 0], "item"),
                rating: try columns.positions[.rating].map { i throws(DataError) in
                    try parse.rating(row.fields[i])
                },
                timestamp: try columns.positions[.timestamp].map { i throws(DataError) in
                    try parse.timestamp(row.fields[i])
                }
            )
        }
    }

    /// A delimited file's rows after the header, and each mapped role's column position.
    private func mapped(_ spec: TableSpec, required: [ColumnRole]) throws(DataError) -> (
        ReferenceTable, ColumnMap
    ) {
        for role in required where spec.columns[role] == nil {
            throw DataError(
                .missingColumn, "no column is mapped to '\(role.rawValue)'", file: spec.file)
        }
        let table = try ReferenceTable(
            file: spec.file, delimiter: spec.delimiter, quoted: true, skipMalformed: skipMalformed)
        guard let header = table.rows.first else {
            throw DataError(
                .empty, "the file is empty; expected a header row", file: spec.file, line: 1)
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var positions: [ColumnRole: Int] = [:]
        for (role, name) in spec.columns.sorted(by: { $0.key < $1.key }) {
            guard let position = names.firstIndex(of: name) else {
                throw DataError(
                    .missingColumn,
                    "no column '\(name)' (for \(role.rawValue)) in the header; the columns are "
                        + "\(names.joined(separator: ", "))"
                        + FeatureField.delimiterHint(header: names, delimiter: spec.delimiter),
                    file: spec.file, line: header.line
                )
            }
            if let second = names[(position + 1)...].firstIndex(of: name) {
                throw DataError(
                    .malformedRow,
                    "the header names column '\(name)' (for \(role.rawValue)) twice, as columns "
                        + "\(position + 1) and \(second + 1)",
                    file: spec.file, line: header.line)
            }
            positions[role] = position
        }
        return (
            ReferenceTable(
                file: spec.file, rows: Array(table.rows.dropFirst()), skipped: table.skipped),
            ColumnMap(positions: positions, width: names.count)
        )
    }
}

private struct ColumnMap {
    /// Each mapped role's column; `mapped(_:required:)` checked the required ones are there.
    let positions: [ColumnRole: Int]
    /// The fields a row holds: as many as the header names.
    let width: Int
}

extension ReferenceTable {
    init(file: String, rows: [Row], skipped: Int = 0) {
        self.file = file
        self.rows = rows
        self.skipped = skipped
    }
}
