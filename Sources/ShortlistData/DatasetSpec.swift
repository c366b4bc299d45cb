public import ShortlistCore

/// What the numbers in a timestamp column count since 1970-01-01.
public enum TimestampUnit: String, Sendable, CaseIterable, ParameterChoice {
    /// Seconds (MovieLens, most exports).
    case seconds
    /// Milliseconds (JavaScript and many event logs).
    case milliseconds
}

/// How the data is stored on disk.
public enum DatasetFormat: String, Sendable, CaseIterable, ParameterChoice {
    /// RecBole atomic files: `NAME.inter`, `NAME.item`, `NAME.user` with `field:type` headers.
    case recbole
    /// The original GroupLens MovieLens-100K files: `u.data`, `u.item`, `u.user`.
    case grouplens
    /// Delimited text files whose columns are mapped in the pipelines file.
    case delimited
}

/// The pipelines file's `dataset:` section.
public struct DatasetSpec: Sendable, Equatable {
    /// The file layout.
    public var format: DatasetFormat
    /// The data folder (recbole, grouplens), resolved against the pipelines file's folder.
    public var path: String
    /// The stem of RecBole files (`ml-100k` for `ml-100k.inter`); defaults to the folder's name.
    public var name: String?
    /// A dataset `shortlist data fetch` knows, fetched into ``path`` on first use when missing.
    public var fetch: FetchableDataset?
    /// Whether malformed rows are skipped (and counted) rather than stopping the load.
    public var skipMalformed: Bool
    /// What a timestamp counts (`timestamp-unit:`, default seconds since 1970).
    public var timestampUnit: TimestampUnit
    /// Interactions file for the delimited format.
    public var interactions: TableSpec?
    /// Optional item file for the delimited format.
    public var items: TableSpec?
    /// Optional user file for the delimited format.
    public var users: TableSpec?

    /// A dataset section.
    public init(
        format: DatasetFormat, path: String, name: String? = nil, fetch: FetchableDataset? = nil,
        skipMalformed: Bool = false, timestampUnit: TimestampUnit = .seconds,
        interactions: TableSpec? = nil, items: TableSpec? = nil, users: TableSpec? = nil
    ) {
        self.timestampUnit = timestampUnit
        self.format = format
        self.path = path
        self.name = name
        self.fetch = fetch
        self.skipMalformed = skipMalformed
        self.interactions = interactions
        self.items = items
        self.users = users
    }
}
