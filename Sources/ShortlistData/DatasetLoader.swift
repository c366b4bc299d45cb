import Dispatch
import Foundation
public import ShortlistCore

/// Reads a dataset in any supported format into a ``Dataset``.
public enum DatasetLoader {
    /// Loads the dataset a pipelines file describes.
    ///
    /// A malformed row stops the load with an error naming its file and line, unless the spec
    /// says `skip-malformed`, in which case it is skipped and counted in the report. The
    /// interactions file is read in pieces of at least `pieceBytes` bytes on up to `threads`
    /// threads; ids, rows and errors do not depend on either.
    public static func load(
        _ spec: DatasetSpec, threads: Int = Cores.available,
        pieceBytes: Int = 1 << 18, progress: ProgressReporter = .silent
    ) throws(DataError) -> (Dataset, LoadReport) {
        var loader = Loader(
            skipMalformed: spec.skipMalformed, unit: spec.timestampUnit, progress: progress,
            threads: max(1, threads), pieceBytes: max(1, pieceBytes))
        defer { FileBytes.freeSpare() }
        switch spec.format {
        case .recbole:
            try loader.loadRecBole(folder: spec.path, stem: recBoleStem(of: spec))
        case .grouplens: try loader.loadGroupLens(folder: spec.path)
        case .delimited: try loader.loadDelimited(spec)
        }
        guard loader.interactions.count > 0 else {
            throw DataError(
                .empty, "the dataset has no interactions",
                file: spec.interactions?.file ?? spec.path)
        }
        loader.countUnlisted()
        var parts = loader.parts()
        loader.report.mergedDuplicates = parts.mergeDuplicateInteractions()
        return (parts.build(threads: loader.threads), loader.report)
    }
}

extension DatasetLoader {
    /// The stem of a RecBole dataset's files (`ml-100k` for `ml-100k.inter`): `name:`, else
    /// what the fetch writes, else the folder's name.
    static func recBoleStem(of spec: DatasetSpec) -> String {
        spec.name ?? spec.fetch?.stem
            ?? (spec.path as NSString).lastPathComponent
    }
}

/// Where an interactions file's fields are.
private struct InteractionColumns: Sendable {
    var user: Int
    var item: Int
    var rating: Int?
    var timestamp: Int?
    /// The fields a row holds: the header's, or the format's.
    var width: Int
}

/// The users and items declared so far, with their features, and the interactions read.
private struct Loader {
    let skipMalformed: Bool
    let unit: TimestampUnit
    let progress: ProgressReporter
    let threads: Int
    let pieceBytes: Int
    var catalogue = Catalogue()
    var interactions = Interactions()
    var report = LoadReport()
    /// Whether an items file, or a users file, listed the catalogue's items or users.
    var listsItems = false
    var listsUsers = false

    /// Counts the interactions naming items or users that the items or users file lacks (the
    /// ones it lists are the first ids declared).
    mutating func countUnlisted() {
        if listsItems {
            let listed = catalogue.itemFeatures.count
            report.unlistedItems = interactions.items.count { Int($0) >= listed }
        }
        if listsUsers {
            let listed = catalogue.userFeatures.count
            report.unlistedUsers = interactions.users.count { Int($0) >= listed }
        }
    }

    /// Runs `body` on every row of a small file, skipping and counting malformed ones when
    /// allowed.
    mutating func each(
        _ table: TextTable,
        _ body: (inout Catalogue, TextTable.Row, FieldParser) throws(DataError) -> Void
    ) throws(DataError) {
        if table.skipped > 0 { report.skippedRows[table.file, default: 0] += table.skipped }
        for row in table.rows {
            do {
                try body(&catalogue, row, FieldParser(file: table.file, line: row.line, unit: unit))
            } catch  where error.code == .malformedRow && skipMalformed {
                report.skippedRows[table.file, default: 0] += 1
            }
        }
    }

    /// The ids, features and interactions read.
    func parts() -> DatasetParts {
        let userIDs = catalogue.users.strings
        let itemIDs = catalogue.items.strings
        var items = catalogue.itemFeatures
        for index in items.count..<itemIDs.count {
            items.append(ItemFeatures(title: itemIDs[index]))
        }
        var users = catalogue.userFeatures
        users += Array(repeating: UserFeatures(), count: userIDs.count - users.count)
        return DatasetParts(
            userIDs: userIDs, itemIDs: itemIDs, items: items, users: users,
            interactionUsers: interactions.users, interactionItems: interactions.items,
            ratings: interactions.ratings, timestamps: interactions.timestamps,
            hasRatings: interactions.hasRatings, hasTimestamps: interactions.hasTimestamps)
    }

    // MARK: RecBole atomic files

    mutating func loadRecBole(folder: String, stem: String) throws(DataError) {
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
            let item = try column(fields, ["item_id"], table.file)
            let title = try optionalColumn(fields, ["movie_title", "title", "name"], table.file)
            let year = try optionalColumn(fields, ["release_year", "year"], table.file)
            let genres = try optionalColumn(fields, ["class", "genre", "genres"], table.file)
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: fields.count)
                let id = try parse.id(row.fields[item], "item")
                let features = ItemFeatures(
                    title: title.map { row.fields[$0] } ?? id,
                    year: try year.flatMap { i throws(DataError) in try parse.year(row.fields[i]) },
                    genres: genres.map { row.fields[$0].split(separator: " ").map(String.init) }
                        ?? []
                )
                try parse.declareItem(into: &catalogue, id, features: features)
            }
            report.missing.countYears(catalogue.itemFeatures, hasColumn: year != nil)
            listsItems = true
        }
        if FileManager.default.fileExists(atPath: "\(base).user") {
            let (table, fields) = try atomic("\(base).user")
            let user = try column(fields, ["user_id"], table.file)
            let age = try optionalColumn(fields, ["age"], table.file)
            let gender = try optionalColumn(fields, ["gender"], table.file)
            let occupation = try optionalColumn(fields, ["occupation"], table.file)
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: fields.count)
                try parse.declareUser(
                    into: &catalogue,
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
            report.missing.countUsers(
                catalogue.userFeatures, age: age != nil, gender: gender != nil,
                occupation: occupation != nil)
            listsUsers = true
        }
        let layout = TextLayout(delimiter: "\t", quoted: false)
        let text = try TextFile("\(base).inter", latin1: false)
        let header = try header(
            of: text, layout: layout, expected: "a header of name:type fields"
        ) { fields in
            fields.map { String($0.split(separator: ":", maxSplits: 1).first ?? "") }
        }
        let fields = header.fields
        let columns: InteractionColumns
        do {
            columns = InteractionColumns(
                user: try column(fields, ["user_id"], text.path),
                item: try column(fields, ["item_id"], text.path),
                rating: try optionalColumn(fields, ["rating"], text.path),
                timestamp: try optionalColumn(fields, ["timestamp"], text.path),
                width: fields.count)
        } catch {
            throw try text.problem(
                from: text.start, layout: layout, lineOffset: 0, skipMalformed: skipMalformed)
                ?? error
        }
        try readInteractions(text, from: header.end, afterLine: header.line, layout, columns)
    }

    /// An atomic file's rows after the header, and its field names without `:type`.
    private func atomic(_ file: String) throws(DataError) -> (TextTable, [String]) {
        let table = try TextTable(
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
            TextTable(file: file, rows: Array(table.rows.dropFirst()), skipped: table.skipped),
            fields
        )
    }

    private func column(_ fields: [String], _ names: [String], _ file: String) throws(DataError)
        -> Int
    {
        guard let index = try optionalColumn(fields, names, file) else {
            throw DataError(
                .missingColumn,
                "no '\(names[0])' field in the header (fields: \(fields.joined(separator: ", ")))",
                file: file, line: 1)
        }
        return index
    }

    /// The position of the one field named by any of `names`, nil when there is none; two such
    /// fields are an error naming both.
    private func optionalColumn(_ fields: [String], _ names: [String], _ file: String)
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
                file: file, line: 1)
        }
        return index
    }

    // MARK: GroupLens MovieLens files

    /// Reads a MovieLens folder as GroupLens publishes it: ML-100K's `u.data`, ML-1M's and
    /// ML-10M's `ratings.dat` (`::` between fields), or ML-20M's and ML-25M's `ratings.csv`.
    mutating func loadGroupLens(folder: String) throws(DataError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder),
            isFolder.boolValue
        else {
            throw DataError(
                .missingFile,
                FileManager.default.fileExists(atPath: folder)
                    ? "is a file; a GroupLens dataset is a folder" : "the folder does not exist",
                file: folder)
        }
        let exists = { (name: String) in FileManager.default.fileExists(atPath: "\(folder)/\(name)")
        }
        if exists("u.data") {
            try loadML100K(folder: folder)
        } else if exists("ratings.dat") {
            try loadColonSeparated(folder: folder)
        } else if exists("ratings.csv") {
            try loadMovieLensCSV(folder: folder)
        } else {
            throw DataError(
                .missingFile,
                "no GroupLens ratings file in the folder: expected 'u.data' (ML-100K), "
                    + "'ratings.dat' (ML-1M, ML-10M) or 'ratings.csv' (ML-20M, ML-25M)",
                file: folder)
        }
    }

    private mutating func loadML100K(folder: String) throws(DataError) {
        var genreNames = [
            "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
            "Documentary",
            "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi",
            "Thriller", "War", "Western",
        ]
        if FileManager.default.fileExists(atPath: "\(folder)/u.genre") {
            let table = try TextTable(
                file: "\(folder)/u.genre", delimiter: "|", quoted: false, latin1: true)
            genreNames = table.rows.filter { $0.fields.count >= 2 }.sorted {
                Int($0.fields[1]) ?? 0 < Int($1.fields[1]) ?? 0
            }.map { $0.fields[0] }
        }
        if FileManager.default.fileExists(atPath: "\(folder)/u.item") {
            let table = try TextTable(
                file: "\(folder)/u.item", delimiter: "|", quoted: false, latin1: true,
                skipMalformed: skipMalformed)
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 5 + genreNames.count)
                let flags = row.fields.dropFirst(5)
                let genres = zip(genreNames, flags).filter { $0.1 == "1" }.map(\.0)
                try parse.declareItem(
                    into: &catalogue,
                    try parse.id(row.fields[0], "item"),
                    features: ItemFeatures(
                        title: row.fields[1],
                        year: try parse.year(row.fields[2]) ?? parseYear(row.fields[1]),
                        genres: genres
                    ))
            }
            report.missing.countYears(catalogue.itemFeatures, hasColumn: true)
            listsItems = true
        }
        if FileManager.default.fileExists(atPath: "\(folder)/u.user") {
            let table = try TextTable(
                file: "\(folder)/u.user", delimiter: "|", quoted: false, latin1: true,
                skipMalformed: skipMalformed)
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 5)
                try parse.declareUser(
                    into: &catalogue,
                    try parse.id(row.fields[0], "user"),
                    features: UserFeatures(
                        age: try parse.age(row.fields[1]), gender: try parse.gender(row.fields[2]),
                        occupation: FeatureField.occupation(row.fields[3])
                    ))
            }
            report.missing.countUsers(
                catalogue.userFeatures, age: true, gender: true, occupation: true)
            listsUsers = true
        }
        let text = try TextFile("\(folder)/u.data", latin1: true)
        try readInteractions(
            text, from: text.start, afterLine: 0,
            TextLayout(delimiter: "\t", quoted: false, latin1: true),
            InteractionColumns(user: 0, item: 1, rating: 2, timestamp: 3, width: 4))
    }

    /// ML-1M and ML-10M: `ratings.dat` (`UserID::MovieID::Rating::Timestamp`), `movies.dat`
    /// (`MovieID::Title::Genres`, genres separated by `|`) and ML-1M's `users.dat`
    /// (`UserID::Gender::Age::Occupation::Zip-code`, the occupation a code). Files are UTF-8,
    /// or ISO-8859-1 (as ML-1M's are) where they are not valid UTF-8.
    private mutating func loadColonSeparated(folder: String) throws(DataError) {
        if FileManager.default.fileExists(atPath: "\(folder)/movies.dat") {
            let table = try table("\(folder)/movies.dat", delimiter: "::")
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 3)
                try parse.declareItem(
                    into: &catalogue, try parse.id(row.fields[0], "item"),
                    features: Self.movieFeatures(title: row.fields[1], genres: row.fields[2]))
            }
            listsItems = true
        }
        if FileManager.default.fileExists(atPath: "\(folder)/users.dat") {
            let table = try table("\(folder)/users.dat", delimiter: "::")
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: 5)
                let code = Int(row.fields[3].trimmingSpaces)
                try parse.declareUser(
                    into: &catalogue, try parse.id(row.fields[0], "user"),
                    features: UserFeatures(
                        age: try parse.age(row.fields[2]),
                        gender: try parse.gender(row.fields[1]),
                        occupation: code.flatMap {
                            Self.occupations.indices.contains($0) ? Self.occupations[$0] : nil
                        }
                            ?? FeatureField.occupation(row.fields[3])))
            }
            report.missing.countUsers(
                catalogue.userFeatures, age: true, gender: true, occupation: true)
            listsUsers = true
        }
        let columns = InteractionColumns(user: 0, item: 1, rating: 2, timestamp: 3, width: 4)
        let file = "\(folder)/ratings.dat"
        do {
            let text = try TextFile(file, latin1: false)
            try readInteractions(
                text, from: text.start, afterLine: 0, TextLayout(delimiter: "::", quoted: false),
                columns)
        } catch  where error.code == .badEncoding {
            let text = try TextFile(file, latin1: true)
            try readInteractions(
                text, from: text.start, afterLine: 0,
                TextLayout(delimiter: "::", quoted: false, latin1: true), columns)
        }
    }

    /// ML-1M's occupation codes, as its README lists them.
    private static let occupations = [
        "other", "academic/educator", "artist", "clerical/admin", "college/grad student",
        "customer service", "doctor/health care", "executive/managerial", "farmer", "homemaker",
        "K-12 student", "lawyer", "programmer", "retired", "sales/marketing", "scientist",
        "self-employed", "technician/engineer", "tradesman/craftsman", "unemployed", "writer",
    ]

    /// A small file's rows, read as UTF-8 or, where that fails, as ISO-8859-1.
    private func table(_ file: String, delimiter: String) throws(DataError) -> TextTable {
        do {
            return try TextTable(
                file: file, layout: TextLayout(delimiter: delimiter, quoted: false),
                skipMalformed: skipMalformed)
        } catch  where error.code == .badEncoding {
            return try TextTable(
                file: file, layout: TextLayout(delimiter: delimiter, quoted: false, latin1: true),
                skipMalformed: skipMalformed)
        }
    }

    /// ML-20M and ML-25M: `ratings.csv` (`userId,movieId,rating,timestamp`) and `movies.csv`
    /// (`movieId,title,genres`, titles quoted where they hold a comma).
    private mutating func loadMovieLensCSV(folder: String) throws(DataError) {
        let comma: Character = ","
        if FileManager.default.fileExists(atPath: "\(folder)/movies.csv") {
            try loadDelimitedItems(
                TableSpec(
                    file: "\(folder)/movies.csv", delimiter: comma,
                    columns: [.item: "movieId", .title: "title", .genres: "genres"]),
                noGenres: "(no genres listed)")
        }
        try loadDelimitedInteractions(
            TableSpec(
                file: "\(folder)/ratings.csv", delimiter: comma,
                columns: [
                    .user: "userId", .item: "movieId", .rating: "rating", .timestamp: "timestamp",
                ]))
    }

    /// A MovieLens title and `|`-separated genres (`(no genres listed)` is none).
    private static func movieFeatures(title: String, genres: String) -> ItemFeatures {
        let list = genres.split(separator: "|").map {
            $0.trimmingSpaces
        }.filter { !$0.isEmpty && $0 != "(no genres listed)" }
        return ItemFeatures(title: title, year: parseYear(title), genres: list)
    }

    // MARK: Delimited files with mapped columns

    mutating func loadDelimited(_ spec: DatasetSpec) throws(DataError) {
        if let items = spec.items { try loadDelimitedItems(items) }
        if let users = spec.users {
            let (table, columns) = try mapped(users, .users)
            try each(table) { catalogue, row, parse throws(DataError) in
                try parse.fieldCount(row, exactly: columns.width)
                try parse.declareUser(
                    into: &catalogue,
                    try parse.id(row.fields[try columns.position(of: .user)], "user"),
                    features: UserFeatures(
                        age: try columns[.age].flatMap { i throws(DataError) in
                            try parse.age(row.fields[i])
                        },
                        gender: try columns[.gender].flatMap { i throws(DataError) in
                            try parse.gender(row.fields[i])
                        },
                        occupation: columns[.occupation].flatMap {
                            FeatureField.occupation(row.fields[$0])
                        }
                    ))
            }
            report.missing.countUsers(
                catalogue.userFeatures, age: columns[.age] != nil,
                gender: columns[.gender] != nil, occupation: columns[.occupation] != nil)
            listsUsers = true
        }
        if let interactions = spec.interactions { try loadDelimitedInteractions(interactions) }
    }

    /// Declares the items of an items file; a genres value of `noGenres` is none.
    private mutating func loadDelimitedItems(_ items: TableSpec, noGenres: String? = nil)
        throws(DataError)
    {
        let (table, columns) = try mapped(items, .items)
        try each(table) { catalogue, row, parse throws(DataError) in
            try parse.fieldCount(row, exactly: columns.width)
            let id = try parse.id(row.fields[try columns.position(of: .item)], "item")
            let title = columns[.title].map { row.fields[$0] } ?? id
            var features = ItemFeatures(
                title: title,
                year: try columns[.year].flatMap { i throws(DataError) in
                    try parse.year(row.fields[i])
                } ?? parseYear(title),
                genres: columns[.genres].map {
                    row.fields[$0].split(separator: items.genreSeparator).map {
                        $0.trimmingSpaces
                    }
                } ?? [])
            if let noGenres { features.genres.removeAll { $0 == noGenres } }
            try parse.declareItem(into: &catalogue, id, features: features)
        }
        report.missing.countYears(catalogue.itemFeatures, hasColumn: columns[.year] != nil)
        listsItems = true
    }

    private mutating func loadDelimitedInteractions(_ spec: TableSpec) throws(DataError) {
        let layout = TextLayout(delimiter: spec.delimiter, quoted: true)
        try ColumnMap.checkMapped(spec, .interactions)
        let text = try TextFile(spec.file, latin1: false)
        let header = try header(of: text, layout: layout, expected: "a header row") { fields in
            fields.map { $0.trimmingSpaces }
        }
        let columns: ColumnMap
        do {
            columns = try ColumnMap(spec, header: header.fields, line: header.line)
        } catch {
            throw try text.problem(
                from: text.start, layout: layout, lineOffset: 0, skipMalformed: skipMalformed)
                ?? error
        }
        try readInteractions(
            text, from: header.end, afterLine: header.line, layout,
            InteractionColumns(
                user: try columns.position(of: .user), item: try columns.position(of: .item),
                rating: columns[.rating], timestamp: columns[.timestamp], width: columns.width))
    }

    /// A small delimited file's rows after the header, and each mapped role's column position.
    private func mapped(_ spec: TableSpec, _ kind: TableKind) throws(DataError) -> (
        TextTable, ColumnMap
    ) {
        try ColumnMap.checkMapped(spec, kind)
        let table = try TextTable(
            file: spec.file, delimiter: spec.delimiter, quoted: true, skipMalformed: skipMalformed)
        guard let header = table.rows.first else {
            throw DataError(
                .empty, "the file is empty; expected a header row", file: spec.file, line: 1)
        }
        let names = header.fields.map { $0.trimmingSpaces }
        return (
            TextTable(file: spec.file, rows: Array(table.rows.dropFirst()), skipped: table.skipped),
            try ColumnMap(spec, header: names, line: header.line)
        )
    }

    // MARK: Interactions, read in pieces on several threads

    /// A file's header row: its fields (named by `names`), its line and where the rows start.
    private func header(
        of text: TextFile, layout: TextLayout, expected: String, names: ([String]) -> [String]
    ) throws(DataError) -> (fields: [String], line: Int, end: Int) {
        var found: (fields: [String], line: Int, end: Int)?
        var problem: ScanProblem?
        var offset = text.start
        // Blank lines may come first; the first row ends the reading.
        try text.forEachBlock(of: text.start..<text.size) { bytes, count, before in
            var reader = RowReader(bytes, count: count, layout: layout)
            do throws(ScanProblem) {
                if try reader.next() {
                    found = (names(reader.strings), before + reader.line, offset + reader.position)
                    return nil
                }
            } catch {
                problem = error.offset(by: before)
                return nil
            }
            offset += count
            return reader.line
        }
        if let problem {
            try text.file.checkUnchanged()
            throw try text.problem(
                from: text.start, layout: layout, lineOffset: 0, skipMalformed: skipMalformed)
                ?? text.error(problem)
        }
        guard let found else {
            throw DataError(
                .empty, "the file is empty; expected \(expected)", file: text.path, line: 1)
        }
        return found
    }

    /// Reads the interactions from `start` (after line `afterLine`) to the end of the file.
    private mutating func readInteractions(
        _ text: TextFile, from start: Int, afterLine: Int, _ layout: TextLayout,
        _ columns: InteractionColumns
    ) throws(DataError) {
        let size = text.size - start
        let wanted = min(threads * 8, max(1, size / pieceBytes))
        let cuts = try text.cuts(of: start..<text.size, pieces: wanted)
        let name = (text.path as NSString).lastPathComponent
        let done = Counter()
        let totalMB = max(1, size >> 20)
        let context = PieceContext(
            text: text, layout: layout, columns: columns, skipMalformed: skipMalformed, unit: unit)
        let progress = self.progress
        var pieces = concurrentMap(cuts.count - 1, threads: threads, chunk: 1) { index in
            let piece = InteractionPiece(context, cuts[index]..<cuts[index + 1])
            let read = done.add(cuts[index + 1] - cuts[index])
            progress.report("reading \(name) (MB)", done: min(totalMB, read >> 20), total: totalMB)
            return piece
        }
        if let failure = pieces.lazy.compactMap(\.readError).first { throw failure }
        try text.file.checkUnchanged()
        var offset = afterLine
        for piece in pieces {
            if let problem = piece.problem, case .badEncoding = problem {
                throw text.error(problem, lineOffset: offset)
            }
            offset += piece.lines
        }
        offset = afterLine
        for piece in pieces {
            if let problem = piece.problem { throw text.error(problem, lineOffset: offset) }
            offset += piece.lines
        }
        offset = afterLine
        for piece in pieces {
            if var error = piece.rowError {
                error.line = (error.line ?? 0) + offset
                throw error
            }
            offset += piece.lines
        }
        let skipped = pieces.reduce(0) { $0 + $1.skipped }
        if skipped > 0 { report.skippedRows[text.path, default: 0] += skipped }
        try interactions.append(
            &pieces, catalogue: &catalogue, columns: columns, file: text.path, threads: threads)
    }
}

/// What every thread reading a piece of an interactions file shares.
private struct PieceContext: @unchecked Sendable {
    let text: TextFile
    let layout: TextLayout
    let columns: InteractionColumns
    let skipMalformed: Bool
    let unit: TimestampUnit
}

/// What one thread read from a piece of an interactions file: ids interned in the piece's own
/// order, rows, and the first problem (with line numbers counted from the piece's start).
private struct InteractionPiece: Sendable {
    var users = ByteInterner()
    var items = ByteInterner()
    var rowUsers: [Int32] = []
    var rowItems: [Int32] = []
    var ratings: [Float] = []
    var timestamps: [Int64] = []
    /// The lines the piece holds.
    var lines = 0
    var skipped = 0
    /// The first row that does not parse (and cannot be skipped).
    var rowError: DataError?
    /// The first reason the piece cannot be read as rows; a bad encoding wins over a quote
    /// or a line too long.
    var problem: ScanProblem?
    /// Why the piece could not be read from the file at all.
    var readError: DataError?

    init(_ context: PieceContext, _ range: Range<Int>) {
        var parse = FieldParser(file: context.text.path, line: 0, unit: context.unit)
        var isReading = true
        var blocks = TextBlocks(context.text, range)
        var held = 0
        // A plain loop, not a closure over `self`: the rows are appended here, once per row.
        reading: while true {
            let block: (bytes: FileBytes, count: Int)
            do {
                guard let next = try blocks.next(afterHolding: held) else { break }
                block = next
            } catch {
                readError = error
                return
            }
            let before = blocks.linesBefore
            reserve(for: block.bytes, block.count, piece: range.count)
            var reader = RowReader(block.bytes, count: block.count, layout: context.layout)
            while true {
                do throws(ScanProblem) {
                    guard try reader.next() else { break }
                } catch {
                    if case .badEncoding = error {
                        problem = error.offset(by: before)
                        lines = before + reader.line
                        break reading
                    }
                    // A quote left open or a line too long is a malformed row.
                    if context.skipMalformed {
                        if isReading { skipped += 1 }
                    } else if problem == nil {
                        problem = error.offset(by: before)
                        isReading = false
                    }
                    continue
                }
                guard isReading else { continue }
                parse.line = before + reader.line
                do throws(DataError) {
                    try add(reader, context.columns, parse)
                } catch  where error.code == .malformedRow && context.skipMalformed {
                    skipped += 1
                } catch {
                    rowError = error
                    isReading = false
                }
            }
            held = reader.line
            lines = before + held
        }
    }

    /// Reserves room for the rows a sample of a block (`count` bytes) promises: at the first
    /// block, for a piece of `piece` bytes as dense as the sample, at most four blocks' worth
    /// (a line that never ends can follow a few short ones); at a later block, when the rows so
    /// far and the block's would not fit, twice the room, so the arrays rarely regrow.
    private mutating func reserve(for bytes: FileBytes, _ count: Int, piece: Int) {
        let sample = min(count, 8192)
        let lineEnds = bytes.withBuffer { max(1, $0[0..<sample].lazy.filter { $0 == 0x0A }.count) }
        let perRow = max(1, sample / lineEnds)
        let inBlock = count / perRow + 64
        let needed =
            rowUsers.isEmpty ? min(piece / perRow + 64, 4 * inBlock) : rowUsers.count + inBlock
        guard needed > rowUsers.capacity else { return }
        let capacity = rowUsers.isEmpty ? needed : max(needed, rowUsers.capacity * 2)
        rowUsers.reserveCapacity(capacity)
        rowItems.reserveCapacity(capacity)
        ratings.reserveCapacity(capacity)
        timestamps.reserveCapacity(capacity)
    }

    /// Adds the reader's row; nothing is interned unless every field parses.
    private mutating func add(
        _ row: RowReader, _ columns: InteractionColumns, _ parse: FieldParser
    ) throws(DataError) {
        guard row.count == columns.width else {
            throw DataError(
                .malformedRow, "expected \(columns.width) fields, found \(row.count)",
                file: parse.file, line: parse.line)
        }
        if row.isDecoded {
            let user = try parse.id(row.string(columns.user), "user")
            let item = try parse.id(row.string(columns.item), "item")
            let rating = try columns.rating.map { i throws(DataError) in
                try parse.rating(row.string(i))
            }
            let timestamp = try columns.timestamp.map { i throws(DataError) in
                try parse.timestamp(row.string(i))
            }
            rowUsers.append(users.id(user))
            rowItems.append(items.id(item))
            ratings.append(rating ?? 1)
            timestamps.append(timestamp ?? 0)
        } else {
            let user = try parse.id(row.bytes(columns.user), "user")
            let item = try parse.id(row.bytes(columns.item), "item")
            let rating = try columns.rating.map { i throws(DataError) in
                try parse.rating(row.bytes(i))
            }
            let timestamp = try columns.timestamp.map { i throws(DataError) in
                try parse.timestamp(row.bytes(i))
            }
            rowUsers.append(users.id(user))
            rowItems.append(items.id(item))
            ratings.append(rating ?? 1)
            timestamps.append(timestamp ?? 0)
        }
    }
}

/// The interactions of a dataset, in file order, with ids of the ``Catalogue``.
private struct Interactions {
    var users: [Int32] = []
    var items: [Int32] = []
    var ratings: [Float] = []
    var timestamps: [Int64] = []
    var hasRatings = false
    var hasTimestamps = false

    var count: Int { users.count }

    /// Appends the pieces' rows in order, giving their ids the catalogue's indices (new ids in
    /// the order a single reader of the whole file would meet them); empties the pieces.
    mutating func append(
        _ pieces: inout [InteractionPiece], catalogue: inout Catalogue,
        columns: InteractionColumns, file: String, threads: Int
    ) throws(DataError) {
        let added = pieces.reduce(0) { $0 + $1.rowUsers.count }
        guard count + added <= Int(Int32.max) else {
            throw DataError(
                .malformedRow, "the file holds more than \(Int32.max) interactions", file: file)
        }
        var userIndices: [[Int32]] = []
        var itemIndices: [[Int32]] = []
        for index in pieces.indices {
            userIndices.append(catalogue.indices(of: pieces[index].users, users: true))
            itemIndices.append(catalogue.indices(of: pieces[index].items, users: false))
            pieces[index].users = ByteInterner()
            pieces[index].items = ByteInterner()
        }
        // One column at a time, each piece's part emptied once copied, so that at most one
        // column is held twice.
        users = Self.joined(users, pieces.map(\.rowUsers), through: userIndices, threads: threads)
        for index in pieces.indices { pieces[index].rowUsers = [] }
        items = Self.joined(items, pieces.map(\.rowItems), through: itemIndices, threads: threads)
        for index in pieces.indices { pieces[index].rowItems = [] }
        ratings = Self.joined(ratings, pieces.map(\.ratings), threads: threads)
        for index in pieces.indices { pieces[index].ratings = [] }
        timestamps = Self.joined(timestamps, pieces.map(\.timestamps), threads: threads)
        for index in pieces.indices { pieces[index].timestamps = [] }
        if added > 0 {
            hasRatings = hasRatings || columns.rating != nil
            hasTimestamps = hasTimestamps || columns.timestamp != nil
        }
    }

    /// `head` followed by every part, copied on up to `threads` threads.
    private static func joined<T: BitwiseCopyable & Sendable>(
        _ head: [T], _ parts: [[T]], threads: Int
    )
        -> [T]
    {
        joined(head, parts, threads: threads) { _, value in value }
    }

    /// `head` followed by every part, each id `v` of part `p` written as `indices[p][v]`.
    private static func joined(
        _ head: [Int32], _ parts: [[Int32]], through indices: [[Int32]], threads: Int
    ) -> [Int32] {
        joined(head, parts, threads: threads) { part, value in indices[part][Int(value)] }
    }

    private static func joined<T: BitwiseCopyable & Sendable>(
        _ head: [T], _ parts: [[T]], threads: Int, _ transform: @Sendable (Int, T) -> T
    ) -> [T] {
        var offsets = [head.count]
        for part in parts { offsets.append(offsets[offsets.count - 1] + part.count) }
        let starts = offsets
        let total = starts[starts.count - 1]
        return [T](unsafeUninitializedCapacity: total) { buffer, initialized in
            let output = Output(buffer.baseAddress)
            for (i, value) in head.enumerated() { output.write(i, value) }
            let workers = max(1, min(threads, parts.count))
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for p in stride(from: worker, to: parts.count, by: workers) {
                    parts[p].withUnsafeBufferPointer { part in
                        for i in part.indices { output.write(starts[p] + i, transform(p, part[i])) }
                    }
                }
            }
            initialized = total
        }
    }
}

/// An array's storage that several threads write at distinct positions.
private struct Output<T>: @unchecked Sendable {
    let start: UnsafeMutablePointer<T>?

    init(_ start: UnsafeMutablePointer<T>?) { self.start = start }

    func write(_ position: Int, _ value: T) { start.unsafelyUnwrapped[position] = value }
}

/// Users and items by external id, in the order first seen, with what the files declare.
struct Catalogue {
    var users = ByteInterner()
    var items = ByteInterner()
    /// Features of the items (and users) up to the last one declared.
    var itemFeatures: [ItemFeatures] = []
    var userFeatures: [UserFeatures] = []
    private var declaredItems: Set<Int32> = []
    private var declaredUsers: Set<Int32> = []

    /// Declares an item with its features; false, changing nothing, when declared before.
    mutating func declareItem(_ id: String, features: ItemFeatures) -> Bool {
        let index = items.id(id)
        guard declaredItems.insert(index).inserted else { return false }
        if Int(index) == itemFeatures.count {
            itemFeatures.append(features)
        } else {
            itemFeatures[Int(index)] = features
        }
        return true
    }

    /// Declares a user with their features; false, changing nothing, when declared before.
    mutating func declareUser(_ id: String, features: UserFeatures) -> Bool {
        let index = users.id(id)
        guard declaredUsers.insert(index).inserted else { return false }
        if Int(index) == userFeatures.count {
            userFeatures.append(features)
        } else {
            userFeatures[Int(index)] = features
        }
        return true
    }

    /// The catalogue's index of each id of a piece, adding the ids it lacks in piece order.
    fileprivate mutating func indices(of piece: ByteInterner, users isUsers: Bool) -> [Int32] {
        var indices: [Int32] = []
        indices.reserveCapacity(piece.count)
        piece.forEachKey { key, hash, spelling in
            indices.append(
                isUsers
                    ? users.id(key, hash: hash, spelling: spelling)
                    : items.id(key, hash: hash, spelling: spelling))
        }
        return indices
    }
}

/// A delimited file's mapped roles and their column positions.
private struct ColumnMap {
    let positions: [ColumnRole: Int]

    /// Throws for a role `kind` requires that `spec` maps to no column, before the file is read.
    static func checkMapped(_ spec: TableSpec, _ kind: TableKind) throws(DataError) {
        for role in kind.requiredRoles where spec.columns[role] == nil {
            throw DataError(
                .missingColumn, "no column is mapped to '\(role.rawValue)'", file: spec.file)
        }
    }

    /// Finds each mapped column in the header, or names the one that is missing or that the
    /// header names twice.
    init(_ spec: TableSpec, header names: [String], line: Int) throws(DataError) {
        var positions: [ColumnRole: Int] = [:]
        for (role, name) in spec.columns.sorted(by: { $0.key < $1.key }) {
            let found = names.indices.filter { names[$0] == name }
            guard let position = found.first else {
                throw DataError(
                    .missingColumn,
                    "no column '\(name)' (for \(role.rawValue)) in the header; the columns are "
                        + "\(names.joined(separator: ", "))"
                        + FeatureField.delimiterHint(header: names, delimiter: spec.delimiter),
                    file: spec.file, line: line
                )
            }
            guard found.count == 1 else {
                throw DataError(
                    .malformedRow,
                    "the header names column '\(name)' (for \(role.rawValue)) twice, as columns "
                        + "\(found[0] + 1) and \(found[1] + 1)",
                    file: spec.file, line: line)
            }
            positions[role] = position
        }
        self.positions = positions
        file = spec.file
        width = names.count
    }

    /// The file, for errors.
    private let file: String
    /// The fields a row holds: as many as the header names.
    let width: Int
    /// The column of a role, or nil when the table does not map it.
    subscript(role: ColumnRole) -> Int? { positions[role] }

    /// The column of a role the table must map.
    func position(of role: ColumnRole) throws(DataError) -> Int {
        guard let position = positions[role] else {
            throw DataError(.missingColumn, "no column is mapped to '\(role.rawValue)'", file: file)
        }
        return position
    }
}

/// A running total several threads add to.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    /// Adds `amount`; returns the new total.
    func add(_ amount: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        total += amount
        return total
    }
}
