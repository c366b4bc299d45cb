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
/// only in the statement that inserted the row. Calls block their thread on the database's
/// answer (the request path is synchronous); connections are opened as calls need them and kept.
///
/// No call waits longer than ``timeout`` for the database, to connect or for a statement's
/// answer. A call that fails for want of the database (refused, closed, unanswered) marks it
/// out of reach: calls then fail at once, and one call a second tries it again, until one
/// succeeds. A database that answers with an error is within reach.
public final class PostgresFeedbackStore: FeedbackStorage {
    public let location: String
    /// How long a call waits for the database: to connect, and for each statement's answer.
    public let timeout: Duration
    private let configuration: PostgresConnection.Configuration
    private let idle = NIOLockedValueBox<[PostgresConnection]>([])
    private let outage = NIOLockedValueBox<Outage?>(nil)
    private let logger = Logger(label: "shortlist.postgres")
    private static let group = MultiThreadedEventLoopGroup.singleton
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

    /// Connects to the database `url` names and creates the store's schema and tables when
    /// missing; no call waits more than `timeout` for the database.
    public convenience init(url: String, timeout: Duration = .seconds(5)) throws(StoreError) {
        let place: PostgresLocation
        do throws(PostgresLocation.Invalid) {
            place = try PostgresLocation(url: url)
        } catch {
            throw StoreError(error.message)
        }
        try self.init(place, url: url, timeout: timeout)
    }

    /// Connects to the database at `place` (named by `url`, which messages show without its
    /// password) and creates the store's schema and tables when missing; no call waits more
    /// than `timeout` for the database.
    public init(_ place: PostgresLocation, url: String, timeout: Duration = .seconds(5))
        throws(StoreError)
    {
        location = PostgresLocation.redacted(url)
        self.timeout = timeout
        var configuration = PostgresConnection.Configuration(
            host: place.host, port: place.port, username: place.user, password: place.password,
            database: place.database, tls: .disable)
        if place.requiresTLS {
            do {
                configuration.tls = .require(
                    try NIOSSLContext(configuration: .makeClientConfiguration()))
            } catch {
                throw StoreError("cannot set up TLS for the feedback store \(location): \(error)")
            }
        }
        configuration.options.additionalStartupParameters = [("search_path", place.schema)]
        configuration.options.connectTimeout = TimeAmount(timeout)
        self.configuration = configuration
        try migrate(schema: place.schema)
    }

    deinit {
        for connection in idle.withLockedValue({ $0 }) { Self.close(connection) }
    }

    private func migrate(schema: String) throws(StoreError) {
        // One replica at a time creates the tables (an advisory lock on the store's name).
        let statements: [PostgresQuery] = [
            "SELECT pg_advisory_lock(7142026)",
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
            CREATE TABLE IF NOT EXISTS arm (
                pipeline TEXT NOT NULL, name TEXT NOT NULL, pulls BIGINT NOT NULL DEFAULT 0,
                rewards DOUBLE PRECISION NOT NULL DEFAULT 0, PRIMARY KEY (pipeline, name))
            """,
            "SELECT pg_advisory_unlock(7142026)",
        ]
        try withConnection { connection in
            for statement in statements {
                _ = try answer(connection.query(statement, logger: logger))
            }
        }
    }

    public func armStates(pipeline: String, arms: [String]) throws(StoreError) -> [ArmState] {
        let rows = try query("SELECT name, pulls, rewards FROM arm WHERE pipeline = \(pipeline)")
        var states: [String: ArmState] = [:]
        for row in rows {
            let (name, pulls, rewards) = try decode(row, as: (String, Int, Double).self)
            states[name] = ArmState(pulls: pulls, rewards: rewards)
        }
        return arms.map { states[$0] ?? ArmState() }
    }

    public func record(_ request: ServedRequest) throws(StoreError) {
        let items = request.impressions.map(\.item)
        let positions = request.impressions.map(\.position)
        let arms = request.impressions.map(\.arm)
        let propensities = request.impressions.map(\.propensity)
        _ = try query(
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
        throws(StoreError) -> FeedbackOutcome
    {
        try Self.checkReward(reward)
        let rows = try query(
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
        guard shown > 0 else { throw try refusal(request: request, item: item) }
        if added > 0 { return .recorded }
        // Recorded before, perhaps by another replica a moment ago.
        var stored = earlier
        if stored == nil,
            let row = try query(
                "SELECT reward FROM feedback WHERE request = \(request) AND item = \(item)"
            ).first
        {
            stored = try decode(row, as: Double.self)
        }
        guard let stored, stored == reward else {
            throw .refusal(
                "item '\(excerpt(item))' of request '\(excerpt(request))' already has the "
                    + "reward \(plainNumber(stored ?? .nan)); feedback is recorded once")
        }
        return .repeated
    }

    /// Why feedback for an item no response showed is refused, in the SQLite store's words.
    private func refusal(request: String, item: String) throws(StoreError) -> StoreError {
        guard !(try query("SELECT 1 FROM request WHERE id = \(request)")).isEmpty else {
            return .refusal("no response has the request id '\(excerpt(request))'")
        }
        let shown = try query(
            "SELECT item FROM impression WHERE request = \(request) ORDER BY position"
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
        return .refusal(
            "item '\(excerpt(item))' was not in the response to request '\(excerpt(request))', "
                + "which showed " + (shown.isEmpty ? "nothing" : shown.joined(separator: ", ")))
    }

    public func shown(request: String) throws(StoreError) -> ServedRequest? {
        guard
            let row = try query(
                "SELECT pipeline, \"user\", states FROM request WHERE id = \(request)"
            ).first
        else { return nil }
        let (pipeline, user, states) = try decode(row, as: (String, String, String).self)
        let impressions = try query(
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

    public func arms(pipeline: String) throws(StoreError) -> [String] {
        try query(
            "SELECT name FROM arm WHERE pipeline = \(pipeline) ORDER BY name COLLATE \"C\""
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
    }

    public func pipelines() throws(StoreError) -> [String] {
        try query(
            "SELECT DISTINCT pipeline COLLATE \"C\" AS name FROM arm ORDER BY name"
        ).map { row throws(StoreError) in try decode(row, as: String.self) }
    }

    public func impressions(pipeline: String) throws(StoreError) -> [LoggedImpression] {
        try query(
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

    public func reset(pipeline: String) throws(StoreError) -> Int {
        let rows = try query(
            """
            WITH gone AS (DELETE FROM request WHERE pipeline = \(pipeline) RETURNING 1),
            arms AS (DELETE FROM arm WHERE pipeline = \(pipeline) RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM arms)
            """)
        guard let row = rows.first else { return 0 }
        return try decode(row, as: (Int, Int).self).0
    }

    /// Runs one statement on a connection of the pool and collects its rows.
    private func query(_ statement: PostgresQuery) throws(StoreError) -> [PostgresRow] {
        try withConnection { connection in
            try answer(connection.query(statement, logger: logger)).rows
        }
    }

    /// The value of `future`, waiting at most ``timeout`` for it.
    private func answer<Value: Sendable>(_ future: EventLoopFuture<Value>) throws -> Value {
        let promise = future.eventLoop.makePromise(of: Value.self)
        let timer = future.eventLoop.scheduleTask(in: TimeAmount(timeout)) { [timeout] in
            promise.fail(Unanswered(timeout: timeout))
        }
        defer { timer.cancel() }
        future.cascade(to: promise)
        return try promise.futureResult.wait()
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

    /// Runs `body` on an idle connection (opening one when none is idle) and keeps the
    /// connection unless the call failed; fails at once while the database is out of reach and
    /// this call is not the one that tries it again.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws(StoreError)
        -> T
    {
        try admit()
        let connection: PostgresConnection
        do {
            // The connection's own timeout bounds the wait (set to ``timeout``).
            connection =
                try idleConnection()
                ?? PostgresConnection.connect(
                    on: Self.group.any(), configuration: configuration, id: 0, logger: logger
                ).wait()
        } catch {
            let reason = describe(error)
            lost(reason)
            throw StoreError("cannot connect to the feedback store \(location): \(reason)")
        }
        do {
            let result = try body(connection)
            idle.withLockedValue { $0.append(connection) }
            reached()
            return result
        } catch {
            // A connection a call failed on is not kept: whatever it holds (the schema lock of a
            // migration that stopped halfway) goes with its session.
            Self.close(connection)
            let reason = describe(error)
            if (error as? PSQLError)?.serverInfo != nil { reached() } else { lost(reason) }
            throw StoreError("the feedback store \(location): \(reason)")
        }
    }

    /// An idle connection that is still open; those the database closed meanwhile (as it does
    /// when it stops) are closed here, since a statement sent on one is never answered.
    private func idleConnection() -> PostgresConnection? {
        while let connection = idle.withLockedValue({ $0.popLast() }) {
            if !connection.isClosed { return connection }
            Self.close(connection)
        }
        return nil
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

    /// Closes a connection, which lives until it has closed.
    private static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
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
