/// Where a pipelines file keeps its feedback store (`feedback-store:`): read once, by the
/// pipelines file's reader, and opened by what can open it.
public enum FeedbackStoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file, its path resolved against the pipelines file's folder.
    case sqlite(path: String)
    /// A PostgreSQL database, with the URL that named it.
    case postgres(PostgresLocation, url: String)

    /// The file's path, or the URL with its password replaced by `***`.
    /// The SQLite file's path, or nil for a PostgreSQL database.
    public var sqlitePath: String? {
        guard case .sqlite(let path) = self else { return nil }
        return path
    }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(_, let url): PostgresLocation.redacted(url)
        }
    }
}
