import Foundation

/// One interaction of a file of rows by external ids.
public struct InteractionRow: Sendable, Equatable {
    public var user: String
    public var item: String
    public var rating: Float?
    public var timestamp: Int64?
}

extension DatasetLoader {
    /// The rows of a split's training or test file (`file:TRAIN,TEST`): a header naming `user`,
    /// `item` and optionally `rating` and `timestamp`; comma-separated for a `.csv` file, else
    /// tab-separated.
    public static func interactionRows(_ file: String) throws(DataError) -> [InteractionRow] {
        let delimiter: Character = file.hasSuffix(".csv") ? "," : "\t"
        let table = try TextTable(file: file, delimiter: delimiter, quoted: true)
        guard let header = table.rows.first else {
            throw DataError(.empty, "the file is empty; expected a header row", file: file, line: 1)
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let user = names.firstIndex(of: "user"), let item = names.firstIndex(of: "item")
        else {
            throw DataError(
                .missingColumn,
                "the header needs 'user' and 'item' columns; it has "
                    + "\(names.joined(separator: ", "))",
                file: file, line: header.line)
        }
        let rating = names.firstIndex(of: "rating")
        let timestamp = names.firstIndex(of: "timestamp")
        var rows: [InteractionRow] = []
        for row in table.rows.dropFirst() {
            let parse = FieldParser(file: file, line: row.line)
            try parse.fieldCount(row, exactly: names.count)
            rows.append(
                InteractionRow(
                    user: try parse.id(row.fields[user], "user"),
                    item: try parse.id(row.fields[item], "item"),
                    rating: try rating.map { i throws(DataError) in try parse.rating(row.fields[i])
                    },
                    timestamp: try timestamp.map { i throws(DataError) in
                        try parse.timestamp(row.fields[i])
                    }))
        }
        return rows
    }
}
