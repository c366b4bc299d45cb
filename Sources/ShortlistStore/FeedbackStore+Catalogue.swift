import GRDB
public import ShortlistCore
public import ShortlistData

/// The catalogue's entries since the fit as the store keeps them.
public struct StoredCatalogue: Sendable, Equatable {
    /// One entry per item, in the order the items were first added.
    public var entries: [CatalogueEntry]
    /// The catalogue's version: it grows with every write of entries, in whatever order
    /// writes commit (0 for none).
    public var version: Int64

    /// A catalogue.
    public init(entries: [CatalogueEntry] = [], version: Int64 = 0) {
        self.entries = entries
        self.version = version
    }

    /// Genres as one column: joined by the unit separator, which no genre holds (entries with
    /// control characters are refused before they reach a store).
    public static func genresText(_ genres: [String]?) -> String? {
        genres?.joined(separator: "\u{1F}")
    }

    /// Genres from their column.
    public static func genres(_ text: String?) -> [String]? {
        text.map { $0.isEmpty ? [] : $0.split(separator: "\u{1F}").map(String.init) }
    }
}

extension FeedbackStore {
    public func recordItems(_ entries: [CatalogueEntry]) throws(StoreError) -> Int64 {
        try run(Self.recordItemsCall(entries))
    }

    public func catalogue() throws(StoreError) -> StoredCatalogue {
        try run(Self.catalogueCall())
    }

    public func catalogueVersion() throws(StoreError) -> Int64 {
        try run(Self.catalogueVersionCall())
    }

    public func events(items: [String]) throws(StoreError) -> [Event] {
        try run(Self.itemEventsCall(items))
    }

    static func recordItemsCall(_ entries: [CatalogueEntry]) -> Call<Int64> {
        Call(.write) { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO item (id, title, year, genres, retired, writes)
                    VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT (id) DO UPDATE SET
                        title = COALESCE(excluded.title, title),
                        year = COALESCE(excluded.year, year),
                        genres = COALESCE(excluded.genres, genres),
                        retired = COALESCE(excluded.retired, retired),
                        writes = writes + 1
                    """)
            for entry in entries {
                try statement.execute(arguments: [
                    entry.id, entry.title, entry.year, StoredCatalogue.genresText(entry.genres),
                    entry.retired,
                ])
            }
            return try version(db)
        }
    }

    /// The sum of every item's writes: it grows with each write, in whatever order writes
    /// commit.
    private static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(writes), 0) FROM item") ?? 0
    }

    static func catalogueCall() -> Call<StoredCatalogue> {
        Call(.read) { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, title, year, genres, retired FROM item ORDER BY seq")
            return StoredCatalogue(
                entries: rows.map { row in
                    CatalogueEntry(
                        id: row[0], title: row[1], year: row[2],
                        genres: StoredCatalogue.genres(row[3]), retired: row[4])
                }, version: try version(db))
        }
    }

    static func catalogueVersionCall() -> Call<Int64> {
        Call(.read) { db in try version(db) }
    }

    static func itemEventsCall(_ items: [String]) -> Call<[Event]> {
        Call(.read) { db in
            var rows: [(seq: Int64, event: Event)] = []
            // In chunks, each well within SQLite's limit on bound values.
            for start in stride(from: 0, to: items.count, by: 500) {
                let chunk = Array(items[start..<min(items.count, start + 500)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                rows += try Row.fetchAll(
                    db,
                    sql: "SELECT seq, id, user, item, kind, value, time, request FROM event "
                        + "WHERE item IN (\(marks))", arguments: StatementArguments(chunk)
                ).map { row in
                    (
                        row[0],
                        Event(
                            id: row[1], user: row[2], item: row[3], kind: row[4], value: row[5],
                            time: row[6], request: row[7])
                    )
                }
            }
            return rows.sorted { $0.seq < $1.seq }.map(\.event)
        }
    }
}

extension FeedbackStore.Awaited {
    public func recordItems(_ entries: [CatalogueEntry]) async throws(StoreError) -> Int64 {
        try await store.awaiting(FeedbackStore.recordItemsCall(entries))
    }

    public func catalogue() async throws(StoreError) -> StoredCatalogue {
        try await store.awaiting(FeedbackStore.catalogueCall())
    }

    public func catalogueVersion() async throws(StoreError) -> Int64 {
        try await store.awaiting(FeedbackStore.catalogueVersionCall())
    }

    public func events(items: [String]) async throws(StoreError) -> [Event] {
        try await store.awaiting(FeedbackStore.itemEventsCall(items))
    }
}
