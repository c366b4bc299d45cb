import ShortlistCore

/// One delimited file and which of its header columns hold which field.
public struct TableSpec: Sendable, Equatable {
    /// The file, resolved against the pipelines file's folder.
    public var file: String
    /// The field separator; by default a tab for `.tsv` and `.tab` files, a comma otherwise.
    public var delimiter: Character
    /// Each mapped role's header column name.
    public var columns: [ColumnRole: String]
    /// The separator between genres inside the genres column (default `|`).
    public var genreSeparator: Character

    /// A table.
    public init(
        file: String, delimiter: Character, columns: [ColumnRole: String],
        genreSeparator: Character = "|"
    ) {
        self.file = file
        self.delimiter = delimiter
        self.columns = columns
        self.genreSeparator = genreSeparator
    }
}

/// The three files of a delimited dataset, and the roles each one's columns can have: declared
/// here once, for the pipelines file's reader and the loader.
public enum TableKind: String, Sendable, CaseIterable {
    /// `user`, `item`, and optionally `rating` and `timestamp`.
    case interactions
    /// `item`, and optionally `title`, `year` and `genres`.
    case items
    /// `user`, and optionally `age`, `gender` and `occupation`.
    case users

    /// The roles a table of this kind must map.
    public var requiredRoles: [ColumnRole] {
        switch self {
        case .interactions: [.user, .item]
        case .items: [.item]
        case .users: [.user]
        }
    }

    /// The roles a table of this kind may map.
    public var optionalRoles: [ColumnRole] {
        switch self {
        case .interactions: [.rating, .timestamp]
        case .items: [.title, .year, .genres]
        case .users: [.age, .gender, .occupation]
        }
    }
}

/// What a column of a delimited file holds.
public enum ColumnRole: String, Sendable, CaseIterable, Comparable {
    case user, item, rating, timestamp, title, year, genres, age, gender, occupation

    public static func < (a: ColumnRole, b: ColumnRole) -> Bool { a.rawValue < b.rawValue }
}
