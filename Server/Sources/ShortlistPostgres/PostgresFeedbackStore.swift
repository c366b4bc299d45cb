import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
public import ShortlistCore
public import ShortlistData
public import ShortlistStore

/// The feedback store in a PostgreSQL database that several servers share: served requests,
/// feedback and each arm's pulls and rewards, in the same tables and with the same answers as
/// the SQLite ``FeedbackStore``.
///
/// Every write is one statement, so it is atomic without a transaction held across round trips,
/// and durable when it returns (the server's `synchronous_commit`). Feedback that two replicas
/// record at once counts once: the feedback table's key decides, and the arm's rewards grow
/// only in the statement that inserted the row.
///
/// Calls are awaited, none holding a thread while the database answers, over postgres-nio's
/// `PostgresClient` pool (at most ``maximumConnections`` connections). The store runs its
/// client for as long as it lives: a server opens a store with each set of pipelines it loads,
/// and tests open stores without a server, so the pool's life is the store's. The schema and
/// tables are created on the first call, not when the store is opened, so a server starts
/// while its database is still out of reach.
///
/// No call waits longer than ``timeout`` for the database, to connect or for a statement's
/// answer. A call that fails for want of the database (refused, closed, unanswered) marks it
/// out of reach: calls then fail at once, and one call a second tries it again, until one
/// succeeds. A database that answers with an error is within reach.
public final class PostgresFeedbackStore: AsyncFeedbackStorage {
    public let location: String
    /// How long a call waits for the database: to connect, and for each statement's answer.
    public let timeout: Duration
    /// The most connections the pool opens at once.
    public static let maximumConnections = 64
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let schema: String
    /// The creation of the tables, shared by the calls that wait for it; nil until a call
    /// starts it, and again after one that failed.
    private let migration = NIOLockedValueBox<Task<Void, any Error>?>(nil)
    private let outage = NIOLockedValueBox<Outage?>(nil)
    /// The pool's own log: warnings only (each failed connection attempt of an outage is an
    /// info line; the store's errors say what the calls met).
    private let logger = {
        var logger = Logger(label: "shortlist.postgres")
        logger.logLevel = .warning
        return logger
    }()
    /// How long after a call found the database out of reach the next call tries it again.
    static let retryInterval = Duration.seconds(1)

    /// The database out of reach: why, when a call may try it again, and whether one is.
    private struct Outage {
        var reason: String
        var retry: ContinuousClock.Instant
        var isTrying = false
    }

    /// A statement the database did not answer in time.
    private struct Unanswered: Error, CustomStringConvertible {
        var timeout: Duration
        var description: String {
            let seconds =
                Double(timeout.components.seconds)
                + Double(timeout.components.attoseconds) / 1e18
            return "no answer within \(plainNumber(seconds)) s"
        }
    }

    /// A store in the database `url` names; no call waits more than `timeout` for the
    /// database.
    public convenience init(url: String, timeout: Duration = .seconds(5)) throws(StoreError) {
        let place: PostgresLocation
        do throws(PostgresLocation.Invalid) {
            place = try PostgresLocation(url: url)
        } catch {
            throw StoreError(error.message)
        }
        try self.init(place, url: url, timeout: timeout)
    }

    /// A store in the database at `place` (named by `url`, which messages show without its
    /// password); no call waits more than `timeout` for the database.
    public init(_ place: PostgresLocation, url: String, timeout: Duration = .seconds(5))
        throws(StoreError)
    {
        location = PostgresLocation.redacted(url)
        self.timeout = timeout
        var configuration = PostgresClient.Configuration(
            host: place.host, port: place.port, username: place.user, password: place.password,
            database: place.database, tls: .disable)
        if place.requiresTLS { configuration.tls = .require(.makeClientConfiguration()) }
        configuration.options.additionalStartupParameters = [("search_path", place.schema)]
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = Self.maximumConnections
        schema = place.schema
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    deinit {
        running.cancel()
    }

    /// Creates the store's schema and tables when missing, once: calls that come meanwhile
    /// wait for the same creation.
    private func migrate() async throws(StoreError) {
        let task = migration.withLockedValue { running in
            if let running { return running }
            let task = Task { try await self.createTables() }
            running = task
            return task
        }
        do {
            try await task.value
        } catch {
            migration.withLockedValue { if $0 == task { $0 = nil } }
            throw error as? StoreError ?? StoreError("the feedback store \(location): \(error)")
        }
    }

    private func createTables() async throws(StoreError) {
        // One replica at a time creates a schema's tables: an advisory lock on the schema's
        // name that the transaction holds, so that a migration that stops halfway leaves
        // neither tables nor the lock, and stores in other schemas of the database do not wait
        // for it.
        let statements: [PostgresQuery] = [
            "SELECT pg_advisory_xact_lock(7142026, hashtext(\(schema)))",
            PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""),
            """
            CREATE TABLE IF NOT EXISTS request (
                id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, "user" TEXT NOT NULL,
                time DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS request_pipeline ON request (pipeline)",
            // The arms' states each response was decided from, for an exact replay.
            "ALTER TABLE request ADD COLUMN IF NOT EXISTS states TEXT NOT NULL DEFAULT '[]'",
            """
            CREATE TABLE IF NOT EXISTS impression (
                request TEXT NOT NULL REFERENCES request (id) ON DELETE CASCADE,
                item TEXT NOT NULL, position INTEGER NOT NULL, arm TEXT NOT NULL,
                propensity DOUBLE PRECISION NOT NULL, PRIMARY KEY (request, item))
            """,
            """
            CREATE TABLE IF NOT EXISTS feedback (
                request TEXT NOT NULL, item TEXT NOT NULL, reward DOUBLE PRECISION NOT NULL,
                time DOUBLE PRECISION NOT NULL, PRIMARY KEY (request, item),
                FOREIGN KEY (request, item) REFERENCES impression (request, item)
                    ON DELETE CASCADE)
            """,
            """
            CREATE TABLE IF NOT EXISTS event (
                seq BIGSERIAL PRIMARY KEY, id TEXT UNIQUE, "user" TEXT NOT NULL,
                item TEXT NOT NULL, kind TEXT NOT NULL, value DOUBLE PRECISION,
                time DOUBLE PRECISION NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS event_user ON event (\"user\", time, seq)",
            // The logged response an event answers, joining the event log to the exposure log.
            "ALTER TABLE event ADD COLUMN IF NOT EXISTS request TEXT",
            """
            CREATE TABLE IF NOT EXISTS item (
                seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT, year INTEGER,
                genres TEXT, retired BOOLEAN, writes BIGINT NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS event_item ON event (item)",
            """
            CREATE TABLE IF NOT EXISTS arm (
                pipeline TEXT NOT NULL, name TEXT NOT NULL, pulls BIGINT NOT NULL DEFAULT 0,
                rewards DOUBLE PRECISION NOT NULL DEFAULT 0, PRIMARY KEY (pipeline, name))
            """,
        ]
        // In one transaction on one connection; one that fails is closed, and whatever it
        // held (the lock, tables created halfway) goes with its session.
        _ = try await reaching(statements: statements.count + 2) { [logger] connection in
            do {
                try await connection.query("BEGIN", logger: logger)
                for statement in statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    public func armStates(pipeline: String, arms: [String]) async throws(StoreError) -> [ArmState] {
        let rows = try await query(
            "SELECT name, pulls, rewards FROM arm WHERE pipeline = \(pipeline)")
        var states: [String: ArmState] = [:]
        for row in rows {
            let (name, pulls, rewards) = try decode(row, as: (String, Int, Double).self)
            states[name] = ArmState(pulls: pulls, rewards: rewards)
        }
        return arms.map { states[$0] ?? ArmState() }
    }

    public func record(_ request: ServedRequest) async throws(StoreError) {
        let items = request.impressions.map(\.item)
        let positions = request.impressions.map(\.position)
        let arms = request.impressions.map(\.arm)
        let propensities = request.impressions.map(\.propensity)
        _ = try await query(
            """
            WITH logged AS (
                INSERT INTO request (id, pipeline, "user", time, states)
                VALUES (\(request.id), \(request.pipeline), \(request.user),
                    \(Date().timeIntervalSince1970), \(LoggedArmStates.text(request.armStates)))
                RETURNING id),
            shown AS (
                INSERT INTO impression (request, item, position, arm, propensity)
                SELECT logged.id, x.item, x.position, x.arm, x.propensity
                FROM logged, unnest(\(items)::text[], \(positions)::int[], \(arms)::text[],
                    \(propensities)::float8[]) AS x (item, position, arm, propensity))
            INSERT INTO arm (pipeline, name, pulls)
            SELECT \(request.pipeline), x.arm, count(*) FROM unnest(\(arms)::text[]) AS x (arm)
            GROUP BY x.arm
            ON CONFLICT (pipeline, name) DO UPDATE SET pulls = arm.pulls + excluded.pulls
            """)
    }

    public func recordFeedback(request: String, item: String, reward: Double)
        async throws(StoreError) -> FeedbackOutcome
    {
        try FeedbackStore.checkReward(reward)
        let rows = try await query(
            """
            WITH shown AS (
                SELECT i.arm, r.pipeline FROM impression i JOIN request r ON r.id = i.request
                WHERE i.request = \(request) AND i.item = \(item)),
            added AS (
                INSERT INTO feedback (request, item, reward, time)
                SELECT \(request), \(item), \(reward), \(Date().timeIntervalSince1970) FROM shown
                ON CONFLICT (request, item) DO NOTHING RETURNING reward),
            counted AS (
                UPDATE arm SET rewards = arm.rewards + \(reward) FROM shown, added
                WHERE arm.pipeline = shown.pipeline AND arm.name = shown.arm RETURNING 1)
            SELECT (SELECT count(*) FROM shown), (SELECT count(*) FROM added),
                (SELECT reward FROM feedback WHERE request = \(request) AND item = \(item))
            """)
        guard let row = rows.first else { throw StoreError("the feedback store gave no answer") }
        let (shown, added, earlier) = try decode(row, as: (Int, Int, Double?).self)
        guard shown > 0 else { throw try await refusal(request: request, item: item) }
        if added > 0 { return .recorded }
        // Recorded before, perhaps by another replica a moment ago.
        var stored = earlier
        if stored == nil,
            let row = try await query(
                "SELECT reward FROM feedback WHERE request = \(request) AND item = \(item)"
            ).first
        {
            stored = try decode(row, as: Double.self)
        }
        guard let stored, stored == reward else {
            throw .rewardedBefore(item: item, request: request, reward: stored ?? .nan)
        }
        return .repeated
    }

    /// Why feedback for an item no response showed is refused, in the SQLite store's words.
    private func refusal(request: String, item: String) async throws(StoreError) -> StoreError {
        guard !(try await query("SELECT 1 FROM request WHERE id = \(request)")).isEmpty else {
            return .unknownRequest(request)
        }
        let shown = try await query(
            "SELECT item FROM impression WHERE request = \(request) ORDER BY position"
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
        return .notShown(item: item, request: request, shown: shown)
    }

    public func shown(request: String) async throws(StoreError) -> ServedRequest? {
        guard
            let row = try await query(
                "SELECT pipeline, \"user\", states FROM request WHERE id = \(request)"
            ).first
        else { return nil }
        let (pipeline, user, states) = try decode(row, as: (String, String, String).self)
        let impressions = try await query(
            """
            SELECT item, position, arm, propensity FROM impression WHERE request = \(request)
            ORDER BY position
            """
        ).map { row throws(StoreError) in
            let (item, position, arm, propensity) = try decode(
                row, as: (String, Int, String, Double).self)
            return Impression(item: item, position: position, arm: arm, propensity: propensity)
        }
        return ServedRequest(
            id: request, pipeline: pipeline, user: user, impressions: impressions,
            armStates: try LoggedArmStates.states(states, request: request))
    }

    public func arms(pipeline: String) async throws(StoreError) -> [String] {
        try await query(
            "SELECT name FROM arm WHERE pipeline = \(pipeline) ORDER BY name COLLATE \"C\""
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
    }

    public func pipelines() async throws(StoreError) -> [String] {
        try await query(
            "SELECT DISTINCT pipeline COLLATE \"C\" AS name FROM arm ORDER BY name"
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
    }

    public func impressions(pipeline: String) async throws(StoreError) -> [LoggedImpression] {
        try await query(
            """
            SELECT i.arm, i.propensity, COALESCE(f.reward, 0)
            FROM impression i JOIN request r ON r.id = i.request
            LEFT JOIN feedback f ON f.request = i.request AND f.item = i.item
            WHERE r.pipeline = \(pipeline) ORDER BY r.time, r.id COLLATE "C", i.position
            """
        ).map { row throws(StoreError) in
            let (arm, propensity, reward) = try decode(row, as: (String, Double, Double).self)
            return LoggedImpression(arm: arm, propensity: propensity, reward: reward)
        }
    }

    public func reset(pipeline: String) async throws(StoreError) -> Int {
        let rows = try await query(
            """
            WITH gone AS (DELETE FROM request WHERE pipeline = \(pipeline) RETURNING 1),
            arms AS (DELETE FROM arm WHERE pipeline = \(pipeline) RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM arms)
            """)
        guard let row = rows.first else { return 0 }
        return try decode(row, as: (Int, Int).self).0
    }

    public func recordEvents(_ events: [Event]) async throws(StoreError) -> EventsOutcome {
        try await migrate()
        let now = Date().timeIntervalSince1970
        // Arrays without NULLs: an event without an id is '' (no id is empty), one without a
        // value NaN (no value is NaN).
        let ids = events.map { $0.id ?? "" }
        let users = events.map(\.user)
        let items = events.map(\.item)
        let kinds = events.map(\.kind)
        let values = events.map { $0.value ?? .nan }
        let times = events.map { $0.time ?? now }
        let requests = events.map { $0.request ?? "" }
        // In one transaction: the batch inserted at once, then the events the log holds under
        // the batch's ids, compared; a refused event takes its batch with it.
        return try await reaching(statements: 4) { [logger] connection in
            do {
                try await connection.query("BEGIN", logger: logger)
                let inserted = try await connection.query(
                    """
                    INSERT INTO event (id, "user", item, kind, value, time, request)
                    SELECT NULLIF(x.id, ''), x."user", x.item, x.kind,
                        CASE WHEN x.value = 'NaN'::float8 THEN NULL ELSE x.value END, x.time,
                        NULLIF(x.request, '')
                    FROM unnest(\(ids)::text[], \(users)::text[], \(items)::text[],
                        \(kinds)::text[], \(values)::float8[], \(times)::float8[],
                        \(requests)::text[])
                        WITH ORDINALITY AS x (id, "user", item, kind, value, time, request, n)
                    ORDER BY x.n
                    ON CONFLICT (id) DO NOTHING RETURNING 1
                    """, logger: logger
                ).collect().count
                // Every id of the batch as the log holds it now: the event inserted by the
                // statement above, or the one stored before; each event under it must be the
                // same event.
                let withIDs = Array(Set(ids.filter { !$0.isEmpty }))
                var stored: [String: Event] = [:]
                if !withIDs.isEmpty {
                    for row in try await connection.query(
                        """
                        SELECT id, "user", item, kind, value, time, request FROM event
                        WHERE id = ANY(\(withIDs)::text[])
                        """, logger: logger
                    ).collect() {
                        let (id, user, item, kind, value, time, request) = try row.decode(
                            (String, String, String, String, Double?, Double, String?).self)
                        stored[id] = Event(
                            id: id, user: user, item: item, kind: kind, value: value, time: time,
                            request: request)
                    }
                }
                for event in events {
                    guard let id = event.id, let kept = stored[id] else { continue }
                    guard event.isResent(as: kept) else {
                        throw StoreError.otherEvent(id: id, stored: kept)
                    }
                }
                try await connection.query("COMMIT", logger: logger)
                return EventsOutcome(recorded: inserted, repeated: events.count - inserted)
            } catch {
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                } catch {
                    try? await connection.close()
                }
                throw error
            }
        }
    }

    public func events(user: String, limit: Int) async throws(StoreError) -> UserEvents {
        let rows = try await query(
            """
            SELECT seq, id, item, kind, value, time, request FROM event WHERE "user" = \(user)
            ORDER BY time DESC, seq DESC LIMIT \(limit)
            """)
        var found = UserEvents()
        for row in rows.reversed() {
            let (seq, id, item, kind, value, time, request) = try decode(
                row, as: (Int64, String?, String, String, Double?, Double, String?).self)
            found.events.append(
                Event(
                    id: id, user: user, item: item, kind: kind, value: value, time: time,
                    request: request))
            found.newest = max(found.newest, seq)
        }
        return found
    }

    public func events(after start: Int64, through end: Int64) async throws(StoreError)
        -> [Event]
    {
        try await query(
            """
            SELECT id, "user", item, kind, value, time, request FROM event
            WHERE seq > \(start) AND seq <= \(end) ORDER BY seq
            """
        ).map(event)
    }

    /// The event a row selecting `id, "user", item, kind, value, time, request` holds.
    private func event(_ row: PostgresRow) throws(StoreError) -> Event {
        let (id, user, item, kind, value, time, request) = try decode(
            row, as: (String?, String, String, String, Double?, Double, String?).self)
        return Event(
            id: id, user: user, item: item, kind: kind, value: value, time: time,
            request: request)
    }

    public func newestEventPosition() async throws(StoreError) -> Int64 {
        guard let row = try await query("SELECT COALESCE(MAX(seq), 0) FROM event").first else {
            return 0
        }
        return try decode(row, as: Int64.self)
    }

    public func recordItems(_ entries: [CatalogueEntry]) async throws(StoreError) -> Int64 {
        // Arrays without NULLs: a field no entry set is '' for a title (no title is empty),
        // -1 for a year (none is negative), U+001E for genres (no genre holds a control
        // character), -1 for retired.
        let ids = entries.map(\.id)
        let titles = entries.map { $0.title ?? "" }
        let years = entries.map { $0.year ?? -1 }
        let genres = entries.map { StoredCatalogue.genresText($0.genres) ?? "\u{1E}" }
        let retired = entries.map { $0.retired.map { $0 ? 1 : 0 } ?? -1 }
        _ = try await query(
            """
            INSERT INTO item (id, title, year, genres, retired, writes)
            SELECT x.id, NULLIF(x.title, ''), NULLIF(x.year, -1), NULLIF(x.genres, E'\\x1E'),
                CASE x.retired WHEN -1 THEN NULL ELSE x.retired = 1 END, 1
            FROM unnest(\(ids)::text[], \(titles)::text[], \(years)::int[], \(genres)::text[],
                \(retired)::int[]) WITH ORDINALITY AS x (id, title, year, genres, retired, n)
            ORDER BY x.n
            ON CONFLICT (id) DO UPDATE SET
                title = COALESCE(excluded.title, item.title),
                year = COALESCE(excluded.year, item.year),
                genres = COALESCE(excluded.genres, item.genres),
                retired = COALESCE(excluded.retired, item.retired),
                writes = item.writes + 1
            """)
        return try await catalogueVersion()
    }

    public func catalogue() async throws(StoreError) -> StoredCatalogue {
        var catalogue = StoredCatalogue()
        for row in try await query(
            "SELECT id, title, year, genres, retired, writes FROM item ORDER BY seq")
        {
            let (id, title, year, genres, retired, writes) = try decode(
                row, as: (String, String?, Int?, String?, Bool?, Int64).self)
            catalogue.entries.append(
                CatalogueEntry(
                    id: id, title: title, year: year, genres: StoredCatalogue.genres(genres),
                    retired: retired))
            catalogue.version += writes
        }
        return catalogue
    }

    public func catalogueVersion() async throws(StoreError) -> Int64 {
        guard let row = try await query("SELECT COALESCE(SUM(writes), 0)::bigint FROM item").first
        else { return 0 }
        return try decode(row, as: Int64.self)
    }

    public func events(items: [String]) async throws(StoreError) -> [Event] {
        try await query(
            """
            SELECT id, "user", item, kind, value, time, request FROM event
            WHERE item = ANY(\(items)::text[]) ORDER BY seq
            """
        ).map(event)
    }

    /// Runs one statement on a connection of the pool and collects its rows.
    private func query(_ statement: PostgresQuery) async throws(StoreError) -> [PostgresRow] {
        try await migrate()
        return try await reaching { [logger] connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(statement, logger: logger) {
                rows.append(row)
            }
            return rows
        }
    }

    /// Runs `body` on a connection of the pool, waiting at most ``timeout`` for it; fails at
    /// once while the database is out of reach and this call is not the one that tries it
    /// again.
    ///
    /// A call that is not answered in time fails then, whatever its connection is doing: the
    /// connection is closed (a statement sent on it may never be answered), which ends the
    /// wait of the task that holds it and drops it from the pool.
    ///
    /// - Parameter statements: how many statements `body` sends in turn: it may take that many
    ///   ``timeout``s.
    private func reaching<T: Sendable>(
        statements: Int = 1, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(StoreError) -> T {
        try admit()
        let (client, timeout) = (client, self.timeout * max(1, statements))
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            let finished = NIOLockedValueBox(false)
            let held = NIOLockedValueBox<PostgresConnection?>(nil)
            /// Resumes the caller once, with whichever outcome comes first; true if it did.
            @Sendable func finish(_ outcome: Result<T, any Error>) -> Bool {
                let first = finished.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: outcome) }
                return first
            }
            let timer = Task {
                guard (try? await Task.sleep(for: timeout)) != nil,
                    finish(.failure(Unanswered(timeout: timeout)))
                else { return }
                try? await held.withLockedValue { $0 }?.close()
            }
            Task {
                let outcome: Result<T, any Error>
                do {
                    outcome = .success(
                        try await client.withConnection { connection in
                            held.withLockedValue { $0 = connection }
                            return try await body(connection)
                        })
                } catch {
                    outcome = .failure(error)
                }
                if finish(outcome) { timer.cancel() }
            }
        }
        switch outcome {
        case .success(let value):
            reached()
            return value
        case .failure(let error as StoreError):
            // The database answered, and the store refused what it said.
            reached()
            throw error
        case .failure(let error):
            let reason = describe(error)
            if (error as? PSQLError)?.serverInfo != nil { reached() } else { lost(reason) }
            throw StoreError("the feedback store \(location): \(reason)")
        }
    }

    private func decode<each Column: PostgresDecodable>(
        _ row: PostgresRow, as _: (repeat each Column).Type
    ) throws(StoreError) -> (repeat each Column) {
        do {
            return try row.decode((repeat each Column).self)
        } catch {
            throw StoreError("the feedback store \(location) gave an unexpected row: \(error)")
        }
    }

    /// Lets a call through, unless the database is out of reach and either another call is
    /// trying it again or the time to try has not come: then the call fails at once.
    private func admit() throws(StoreError) {
        let reason = outage.withLockedValue { outage -> String? in
            guard var found = outage else { return nil }
            guard !found.isTrying, ContinuousClock.now >= found.retry else { return found.reason }
            found.isTrying = true
            outage = found
            return nil
        }
        if let reason {
            throw StoreError(
                "the feedback store \(location) is out of reach (\(reason)); it is tried again "
                    + "once a second")
        }
    }

    /// The database answered: calls go through again.
    private func reached() {
        outage.withLockedValue { $0 = nil }
    }

    /// The database is out of reach for `reason`: calls fail at once until the next try.
    private func lost(_ reason: String) {
        outage.withLockedValue {
            $0 = Outage(reason: reason, retry: .now + Self.retryInterval)
        }
    }

    private func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let state = error.serverInfo?[.sqlState], state == "23505",
            error.serverInfo?[.constraintName] == "request_pkey"
        {
            return "a request with that id was already logged"
        }
        if let message = error.serverInfo?[.message] { return message }
        if let failed = error.underlying as? NIOConnectionError,
            let cause = failed.connectionErrors.first?.error as? IOError
        {
            return String(cString: strerror(cause.errnoCode))
        }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
