import Foundation
public import ShortlistConfig
import ShortlistCore
public import ShortlistPipeline

/// The first dataset loader (strings per field, one thread), kept unchanged as the oracle the
/// loader tests and the loader fuzzer compare ``DatasetLoader`` with.
public enum ReferenceLoader {
    /// Loads the dataset a pipelines file describes, as the first loader did.
    public static func load(_ spec: DatasetSpec) throws(DataError) -> (
        ReferenceDataset, LoadReport
    ) {
        var loader = Loader(skipMalformed: spec.skipMalformed, unit: spec.timestampUnit)
        switch spec.format {
        case .recbole:
            try loader.loadRecBole(
                folder: spec.path, name: spec.name ?? spec.fetch.flatMap(DatasetFetcher.stem))
        case .grouplens: try loader.loadGroupLens(folder: spec.path)
        case .delimited: try loader.loadDelimited(spec)
        }
        guard loader.builder.interactionCount > 0 else {
            throw DataError(
                .empty, "the dataset has no interactions",
                file: spec.interactions?.file ?? spec.path)
        }
        let unlisted = loader.builder.unlisted()
        let report = LoadReport(
            skippedRows: loader.skippedRows,
            mergedDuplicates: loader.builder.mergeDuplicateInteractions(),
            missing: loader.missing, unlistedItems: loader.listsItems ? unlisted.items : 0,
            unlistedUsers: loader.listsUsers ? unlisted.users : 0)
        return (loader.builder.build(), report)
    }
}

private struct Loader {
    let skipMalformed: Bool
    let unit: TimestampUnit
    var builder = ReferenceBuilder()
    var skippedRows: [String: Int] = [:]
    var missing = LoadReport.MissingValues()
    var listsItems = false
    var listsUsers = false

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
        if FileManager.default.fileExists(atPath: "\(base).item") {
            let (table, fields) = try atomic("\(base).item")
            let item = try column(fields, ["item_id"], table)
            let title = try optionalColumn(fields, ["movie_title", "title", "name"], table)
            let year = try optionalColumn(fields, ["release_year", "year"], table)
            let genres = try optionalColumn(fields, ["class", "genre", "genres"], table)
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: fields.count)
                let id = try parse.id(row.fields[item], "item")
                let features = ItemFeatures(
                    title: title.map { row.fields[$0] } ?? id,
                    year: try year.flatMap { i throws(DataError) in try parse.year(row.fields[i]) },
                    genres: genres.map { row.fields[$0].split(separator: " ").map(String.init) }
                        ?? []
                )
                try parse.declareItem(into: &builder, id, features: features)
            }
            missing.countYears(builder.itemFeatures, hasColumn: year != nil)
            listsItems = true
        }
        if FileManager.default.fileExists(atPath: "\(base).user") {
            let (table, fields) = try atomic("\(base).user")
            let user = try column(fields, ["user_id"], table)
            let age = try optionalColumn(fields, ["age"], table)
            let gender = try optionalColumn(fields, ["gender"], table)
            let occupation = try optionalColumn(fields, ["occupation"], table)
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: fields.count)
                try parse.declareUser(
                    into: &builder,
                    try parse.id(row.fields[user], "user"),
                    features: UserFeatures(
                        age: try age.flatMap { i throws(DataError) in try parse.age(row.fields[i])
                        },
                        gender: try gender.flatMap { i throws(DataError) in
                            try parse.gender(row.fields[i])
                        },
                        occupation: occupation.flatMap { FeatureField.occupation(row.fields[$0]) }
                    ))
            }
            missing.countUsers(
                builder.userFeatures, age: age != nil, gender: gender != nil,
                occupation: occupation != nil)
            listsUsers = true
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
        var genreNames = [
            "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
            "Documentary",
            "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
            "Thriller", "War", "Western",
        ]
        if FileManager.default.fileExists(atPath: "\(folder)/u.genre") {
            let table = try ReferenceTable(
                file: "\(folder)/u.genre", delimiter: "|", quoted: false, latin1: true)
            genreNames = table.rows.filter { $0.fields.count >= 2 }.sorted {
                Int($0.fields[1]) ?? 0 < Int($1.fields[1]) ?? 0
            }.map { $0.fields[0] }
        }
        if FileManager.default.fileExists(atPath: "\(folder)/u.item") {
            let table = try ReferenceTable(
                file: "\(folder)/u.item", delimiter: "|", quoted: false, latin1: true,
                skipMalformed: skipMalformed)
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 5 + genreNames.count)
                let flags = row.fields.dropFirst(5)
                let genres = zip(genreNames, flags).filter { $0.1 == "1" }.map(\.0)
                try parse.declareItem(
                    into: &builder,
                    try parse.id(row.fields[0], "item"),
                    features: ItemFeatures(
                        title: row.fields[1],
                        year: try parse.year(row.fields[2]) ?? referenceYear(row.fields[1]),
                        genres: genres
                    ))
            }
            missing.countYears(builder.itemFeatures, hasColumn: true)
            listsItems = true
        }
        if FileManager.default.fileExists(atPath: "\(folder)/u.user") {
            let table = try ReferenceTable(
                file: "\(folder)/u.user", delimiter: "|", quoted: false, latin1: true,
                skipMalformed: skipMalformed)
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 5)
                try parse.declareUser(
                    into: &builder,
                    try parse.id(row.fields[0], "user"),
                    features: UserFeatures(
                        age: try parse.age(row.fields[1]), gender: try parse.gender(row.fields[2]),
                        occupation: FeatureField.occupation(row.fields[3])
                    ))
            }
            missing.countUsers(builder.userFeatures, age: true, gender: true, occupation: true)
            listsUsers = true
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
        if let items = spec.items {
            let (table, columns) = try mapped(items, required: ["item"])
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: columns.width)
                let id = try parse.id(row.fields[columns.required("item")], "item")
                let title = columns["title"].map { row.fields[$0] } ?? id
                try parse.declareItem(
                    into: &builder,
                    id,
                    features: ItemFeatures(
                        title: title,
                        year: try columns["year"].flatMap { i throws(DataError) in
                            try parse.year(row.fields[i])
                        } ?? referenceYear(title),
                        genres: columns["genres"].map {
                            row.fields[$0].split(separator: items.genreSeparator).map {
                                $0.trimmingCharacters(in: .whitespaces)
                            }
                        } ?? []
                    ))
            }
            missing.countYears(builder.itemFeatures, hasColumn: columns["year"] != nil)
            listsItems = true
        }
        if let users = spec.users {
            let (table, columns) = try mapped(users, required: ["user"])
            try each(table) { builder, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: columns.width)
                try parse.declareUser(
                    into: &builder,
                    try parse.id(row.fields[columns.required("user")], "user"),
                    features: UserFeatures(
                        age: try columns["age"].flatMap { i throws(DataError) in
                            try parse.age(row.fields[i])
                        },
                        gender: try columns["gender"].flatMap { i throws(DataError) in
                            try parse.gender(row.fields[i])
                        },
                        occupation: columns["occupation"].flatMap {
                            FeatureField.occupation(row.fields[$0])
                        }
                    ))
            }
            missing.countUsers(
                builder.userFeatures, age: columns["age"] != nil,
                gender: columns["gender"] != nil, occupation: columns["occupation"] != nil)
            listsUsers = true
        }
        guard let interactions = spec.interactions else { return }
        let (table, columns) = try mapped(interactions, required: ["user", "item"])
        try each(table) { builder, row, parse throws(DataError) in
            try parse.fieldCount(row, exactly: columns.width)
            builder.addInteraction(
                user: try parse.id(row.fields[columns.required("user")], "user"),
                item: try parse.id(row.fields[columns.required("item")], "item"),
                rating: try columns["rating"].map { i throws(DataError) in
                    try parse.rating(row.fields[i])
                },
                timestamp: try columns["timestamp"].map { i throws(DataError) in
                    try parse.timestamp(row.fields[i])
                }
            )
        }
    }

    /// A delimited file's rows after the header, and each mapped role's column position.
    private func mapped(_ spec: TableSpec, required: [String]) throws(DataError) -> (
        ReferenceTable, ColumnMap
    ) {
        for role in required where spec.columns[role] == nil {
            throw DataError(.missingColumn, "no column is mapped to '\(role)'", file: spec.file)
        }
        let table = try ReferenceTable(
            file: spec.file, delimiter: spec.delimiter, quoted: true, skipMalformed: skipMalformed)
        guard let header = table.rows.first else {
            throw DataError(
                .empty, "the file is empty; expected a header row", file: spec.file, line: 1)
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        var positions: [String: Int] = [:]
        for (role, name) in spec.columns.sorted(by: { $0.key < $1.key }) {
            guard let position = names.firstIndex(of: name) else {
                throw DataError(
                    .missingColumn,
                    "no column '\(name)' (for \(role)) in the header; the columns are "
                        + "\(names.joined(separator: ", "))"
                        + FeatureField.delimiterHint(header: names, delimiter: spec.delimiter),
                    file: spec.file, line: header.line
                )
            }
            if let second = names[(position + 1)...].firstIndex(of: name) {
                throw DataError(
                    .malformedRow,
                    "the header names column '\(name)' (for \(role)) twice, as columns "
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
    let positions: [String: Int]
    /// The fields a row holds: as many as the header names.
    let width: Int
    subscript(role: String) -> Int? { positions[role] }
    /// The column of a role that `mapped(_:required:)` checked is present.
    func required(_ role: String) -> Int { positions[role] ?? 0 }
}

extension ReferenceTable {
    init(file: String, rows: [Row], skipped: Int = 0) {
        self.file = file
        self.rows = rows
        self.skipped = skipped
    }
}
