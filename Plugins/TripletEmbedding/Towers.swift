import ShortlistCore

/// The embedding tables of both towers.
enum Table: Int, CaseIterable {
    case userID, itemID, genre, decade, age, gender, occupation
}

/// One term of a tower's output: `scale` × row `row` of `table`.
struct Part {
    var table: Table
    var row: Int
    var scale: Float
}

/// Which feature rows each user and item uses; fixed at fit time.
struct Towers: Sendable {
    let dimensions: Int
    let userCount: Int
    let itemCount: Int
    /// Rows per table, indexed by ``Table/rawValue``.
    let tableRows: [Int]
    let genreOffsets: [Int]
    let genres: [Int32]
    let decade: [Int32]
    let age: [Int32]
    let gender: [Int32]
    let occupation: [Int32]
    /// The genre and decade of each row of those tables (the fit's ``FeatureVocabulary``
    /// lists), for items added later.
    let genreNames: [String]
    let decadeValues: [Int]

    /// The items with a row of their own in the item-id table: those fitted.
    var idRows: Int { tableRows[Table.itemID.rawValue] }

    init(
        dimensions: Int, userCount: Int, itemCount: Int, tableRows: [Int], genreOffsets: [Int],
        genres: [Int32],
        decade: [Int32], age: [Int32], gender: [Int32], occupation: [Int32],
        genreNames: [String], decadeValues: [Int]
    ) {
        self.genreNames = genreNames
        self.decadeValues = decadeValues
        self.dimensions = dimensions
        self.userCount = userCount
        self.itemCount = itemCount
        self.tableRows = tableRows
        self.genreOffsets = genreOffsets
        self.genres = genres
        self.decade = decade
        self.age = age
        self.gender = gender
        self.occupation = occupation
    }

    /// The rows of every user's and item's features under the dataset's ``FeatureVocabulary``:
    /// a value's row is its id − 1, and −1 is none.
    init(dataset: Dataset, dimensions: Int) {
        let vocabulary = FeatureVocabulary(dataset)
        func rows(_ ids: [Int32]) -> [Int32] { ids.map { $0 - 1 } }
        var offsets = [0]
        var genres: [Int32] = []
        for item in vocabulary.itemGenres {
            genres += rows(item)
            offsets.append(genres.count)
        }
        self.init(
            dimensions: dimensions, userCount: dataset.userCount, itemCount: dataset.itemCount,
            tableRows: [
                dataset.userCount, dataset.itemCount, vocabulary.genres.count,
                vocabulary.decades.count, FeatureVocabulary.ageBands.count - 1,
                vocabulary.genders.count, vocabulary.occupations.count,
            ],
            genreOffsets: offsets, genres: genres, decade: rows(vocabulary.itemDecade),
            age: rows(vocabulary.userAge), gender: rows(vocabulary.userGender),
            occupation: rows(vocabulary.userOccupation), genreNames: vocabulary.genres,
            decadeValues: vocabulary.decades
        )
    }

    /// The towers over the catalogue as `update` has it: each new or changed item's genres and
    /// decade from its features (those the fit never saw left out); a new item has no id row.
    ///
    /// - Complexity: O(items + genre entries).
    func cataloguing(_ update: CatalogueUpdate) -> Towers {
        let coder = FeatureVocabulary.ItemCoder(genres: genreNames, decades: decadeValues)
        let changed = Set(update.changed)
        var offsets = [0]
        var grownGenres: [Int32] = []
        var grownDecade: [Int32] = []
        for item in 0..<update.dataset.itemCount {
            if changed.contains(item) {
                let (genres, decade) = coder.ids(update.dataset.items[item])
                grownGenres += genres.map { $0 - 1 }
                grownDecade.append(decade - 1)
            } else {
                grownGenres += genres[genreOffsets[item]..<genreOffsets[item + 1]]
                grownDecade.append(decade[item])
            }
            offsets.append(grownGenres.count)
        }
        return Towers(
            dimensions: dimensions, userCount: userCount, itemCount: update.dataset.itemCount,
            tableRows: tableRows, genreOffsets: offsets, genres: grownGenres, decade: grownDecade,
            age: age, gender: gender, occupation: occupation, genreNames: genreNames,
            decadeValues: decadeValues)
    }

    /// The item tower: id (for a fitted item) + mean of genres + decade.
    func itemParts(_ item: Int) -> [Part] {
        var parts = item < idRows ? [Part(table: .itemID, row: item, scale: 1)] : []
        let range = genreOffsets[item]..<genreOffsets[item + 1]
        for entry in range {
            parts.append(
                Part(table: .genre, row: Int(genres[entry]), scale: 1 / Float(range.count)))
        }
        if decade[item] >= 0 {
            parts.append(Part(table: .decade, row: Int(decade[item]), scale: 1))
        }
        return parts
    }

    /// The user tower: id + mean of the history's item ids + demographics; nil user for unknown ids.
    func userParts(_ user: Int?, history: [Int]) -> [Part] {
        var parts: [Part] = []
        if let user, user < userCount {
            parts.append(Part(table: .userID, row: user, scale: 1))
            if age[user] >= 0 { parts.append(Part(table: .age, row: Int(age[user]), scale: 1)) }
            if gender[user] >= 0 {
                parts.append(Part(table: .gender, row: Int(gender[user]), scale: 1))
            }
            if occupation[user] >= 0 {
                parts.append(Part(table: .occupation, row: Int(occupation[user]), scale: 1))
            }
        }
        for item in history {
            parts.append(Part(table: .itemID, row: item, scale: 1 / Float(history.count)))
        }
        return parts
    }

    /// Σ scale · row over `parts`, written into `target`.
    func compose(_ parts: [Part], tables: [[Float]], into target: Matrix.MutableRow) {
        target.fill(0)
        for part in parts {
            tables[part.table.rawValue].withRows(width: dimensions) {
                Vector.axpy(part.scale, $0[part.row], target)
            }
        }
    }

    func write(to writer: inout ArtifactWriter) {
        writer.write(dimensions)
        writer.write(userCount)
        writer.write(itemCount)
        writer.write(tableRows)
        writer.write(genreOffsets)
        writer.write(genres)
        writer.write(decade)
        writer.write(age)
        writer.write(gender)
        writer.write(occupation)
        writer.write(genreNames)
        writer.write(decadeValues)
    }

    init(reading reader: inout ArtifactReader) throws(ArtifactError) {
        let dimensions = try reader.readInt()
        let userCount = try reader.readInt()
        let itemCount = try reader.readInt()
        let tableRows = try reader.readArray(of: Int.self)
        let offsets = try reader.readArray(of: Int.self)
        let genres = try reader.readArray(of: Int32.self)
        let decade = try reader.readArray(of: Int32.self)
        let age = try reader.readArray(of: Int32.self)
        let gender = try reader.readArray(of: Int32.self)
        let occupation = try reader.readArray(of: Int32.self)
        let genreNames = try reader.readStrings()
        let decadeValues = try reader.readArray(of: Int.self)
        func within(_ ids: [Int32], _ table: Table) -> Bool {
            ids.allSatisfy { $0 >= -1 && Int($0) < tableRows[table.rawValue] }
        }
        try reader.expectUsers(userCount, "triplet-embedding")
        try reader.expectItems(itemCount, "triplet-embedding")
        guard (1...4096).contains(dimensions), tableRows.count == Table.allCases.count,
            tableRows.allSatisfy({ $0 >= 0 }), tableRows[0] == userCount, tableRows[1] == itemCount,
            offsets.count - 1 == itemCount, offsets.first == 0, offsets.last == genres.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
            genres.allSatisfy({ $0 >= 0 }), within(genres, .genre),
            decade.count == itemCount, within(decade, .decade),
            [age, gender, occupation].allSatisfy({ $0.count == userCount }),
            within(age, .age), within(gender, .gender), within(occupation, .occupation),
            genreNames.count == tableRows[Table.genre.rawValue],
            decadeValues.count == tableRows[Table.decade.rawValue]
        else {
            throw ArtifactError(
                .corrupt, "triplet-embedding: the feature indices do not match the tables")
        }
        self.init(
            dimensions: dimensions, userCount: userCount, itemCount: itemCount,
            tableRows: tableRows, genreOffsets: offsets,
            genres: genres, decade: decade, age: age, gender: gender, occupation: occupation,
            genreNames: genreNames, decadeValues: decadeValues)
    }
}
