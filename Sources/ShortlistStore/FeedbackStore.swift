import Foundation
import GRDB
import GRDBSQLite
public import ShortlistCore
public import ShortlistData

/// What recording one feedback did.
public enum FeedbackOutcome: Sendable, Equatable {
    /// Stored, and counted in its arm's rewards.
    case recorded
    /// The same feedback was stored before; it counts once.
    case repeated
}

/// Why the store refused or failed: one message that names the problem.
public struct StoreError: ShortlistError, Equatable {
    /// ``ErrorKind/invalid`` when the store refused what it was asked (a reward out of range),
    /// ``ErrorKind/notFound`` when it names what the store does not have (a request no response
    /// has, an item the response did not show), ``ErrorKind/conflict`` when it contradicts what
    /// was recorded (a different reward for an item already rewarded), and
    /// ``ErrorKind/unavailable`` when the store failed to do it.
    public var kind: ErrorKind
    public var message: String
    /// The line of a feedback batch the error is about, if any.
    public var location: ErrorLocation?

    /// A failure of the store, with its reason.
    public init(_ message: String) {
        kind = .unavailable
        self.message = message
    }

    /// A refusal of what the store was asked, with its reason.
    public static func refusal(_ message: String, kind: ErrorKind = .invalid) -> StoreError {
        var error = StoreError(message)
        error.kind = kind
        return error
    }

    /// Feedback for a request no response has.
    public static func unknownRequest(_ request: String) -> StoreError {
        .refusal("no response has the request id '\(excerpt(request))'", kind: .notFound)
    }

    /// Feedback for an item the response to `request` did not show (it showed `shown`).
    public static func notShown(item: String, request: String, shown: [String]) -> StoreError {
        .refusal(
            "item '\(excerpt(item))' was not in the response to request '\(excerpt(request))', "
                + "which showed " + (shown.isEmpty ? "nothing" : shown.joined(separator: ", ")),
            kind: .notFound)
    }

    /// An event under the id of another event the log holds.
    public static func otherEvent(id: String, stored: Event) -> StoreError {
        .refusal(
            "the event id '\(excerpt(id))' was recorded before for another event (user "
                + "'\(excerpt(stored.user))', item '\(excerpt(stored.item))', kind '\(stored.kind)'"
                + (stored.value.map { ", value \(plainNumber($0))" } ?? "")
                + (stored.time.map { ", time \(plainNumber($0))" } ?? "")
                + (stored.request.map { ", request '\(excerpt($0))'" } ?? "")
                + "); an id is sent again only with the same event", kind: .conflict)
    }

    /// A reward for an item that already has a different one.
    public static func rewardedBefore(item: String, request: String, reward: Double)
        -> StoreError
    {
        .refusal(
            "item '\(excerpt(item))' of request '\(excerpt(request))' already has the reward "
                + "\(plainNumber(reward)); feedback is recorded once", kind: .conflict)
    }
}

/// One logged impression with the reward it earned (0 without feedback): what an off-policy
/// estimate replays.
public struct LoggedImpression: Sendable, Equatable {
    public var arm: String
    public var propensity: Double
    public var reward: Double

    public init(arm: String, propensity: Double, reward: Double) {
        self.arm = arm
        self.propensity = propensity
        self.reward = reward
    }
}

/// Requests served with their propensities, feedback, and each arm's pulls and rewards, in an
/// embedded SQLite database in WAL mode.
///
/// A pull is one impression: the arm that placed an item. Every write is one immediate
/// transaction, so several processes may write at once (each waits up to five seconds for the
/// lock), and a transaction that returned is in the write-ahead log: a process killed right
/// after loses nothing. (`synchronous = NORMAL`: a power cut may lose the last transactions.)
public final class FeedbackStore: FeedbackStorage {
    /// The database file.
    public let path: String
    public var location: String { path }
    private let pool: DatabasePool

    /// Opens the database at `path`, creating it (and its folder) when missing.
    public init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError(
                    "cannot create the folder \(folder) for the feedback store \(path)")
            }
        }
        var status = stat()
        if stat(path, &status) != 0, errno == ELOOP {
            throw StoreError(
                "cannot open the feedback store \(path): its symbolic links form a loop")
        }
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw StoreError(
                "cannot open the feedback store \(path): it is "
                    + (status.st_mode & S_IFMT == S_IFDIR ? "a folder" : "not a regular file"))
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError("cannot open the feedback store \(path): \(Self.describe(error))")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE request (
                        id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, user TEXT NOT NULL,
                        time REAL NOT NULL) WITHOUT ROWID;
                    CREATE INDEX request_pipeline ON request(pipeline);
                    CREATE TABLE impression (
                        request TEXT NOT NULL REFERENCES request(id) ON DELETE CASCADE,
                        item TEXT NOT NULL, position INTEGER NOT NULL, arm TEXT NOT NULL,
                        propensity REAL NOT NULL, PRIMARY KEY (request, item)) WITHOUT ROWID;
                    CREATE TABLE feedback (
                        request TEXT NOT NULL, item TEXT NOT NULL, reward REAL NOT NULL,
                        time REAL NOT NULL, PRIMARY KEY (request, item),
                        FOREIGN KEY (request, item) REFERENCES impression(request, item)
                            ON DELETE CASCADE) WITHOUT ROWID;
                    CREATE TABLE arm (
                        pipeline TEXT NOT NULL, name TEXT NOT NULL,
                        pulls INTEGER NOT NULL DEFAULT 0, rewards REAL NOT NULL DEFAULT 0,
                        PRIMARY KEY (pipeline, name)) WITHOUT ROWID;
                    """)
        }
        // The arms' states each response was decided from, for an exact replay.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "ALTER TABLE request ADD COLUMN states TEXT NOT NULL DEFAULT '[]'")
        }
        // The event log: `seq` is the order events were recorded in.
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT,
                        user TEXT NOT NULL, item TEXT NOT NULL, kind TEXT NOT NULL, value REAL,
                        time REAL NOT NULL);
                    CREATE UNIQUE INDEX event_id ON event(id) WHERE id IS NOT NULL;
                    CREATE INDEX event_user ON event(user, time, seq);
                    """)
        }
        // The logged response an event answers, joining the event log to the exposure log.
        migrator.registerMigration("v4") { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN request TEXT;
                    CREATE INDEX event_request ON event(request) WHERE request IS NOT NULL;
                    """)
        }
        // The catalogue's entries since the fit: `seq` orders items by when they were first
        // added, `writes` counts the entries each item had (their sum is the catalogue's
        // version); a NULL field is one no entry set.
        migrator.registerMigration("v5") { db in
            try db.execute(
                sql: """
                    CREATE TABLE item (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                        title TEXT, year INTEGER, genres TEXT, retired INTEGER,
                        writes INTEGER NOT NULL);
                    CREATE INDEX event_item ON event(item);
                    """)
        }
        return migrator
    }

    /// Each arm's pulls and rewards so far, in the order given (zero for an arm never pulled).
    public func armStates(pipeline: String, arms: [String]) throws(StoreError) -> [ArmState] {
        try run(Self.armStatesCall(pipeline: pipeline, arms: arms))
    }

    /// The names of the arms a pipeline has logged, sorted.
    public func arms(pipeline: String) throws(StoreError) -> [String] {
        try run(Self.armsCall(pipeline: pipeline))
    }

    /// What a logged response showed, in order, or nil when no response has the id.
    public func shown(request: String) throws(StoreError) -> ServedRequest? {
        try run(Self.shownCall(request: request))
    }

    /// The pipelines that logged responses, sorted.
    public func pipelines() throws(StoreError) -> [String] {
        try run(Self.pipelinesCall())
    }

    /// Logs a response and counts one pull for the arm of each impression.
    public func record(_ request: ServedRequest) throws(StoreError) {
        try run(Self.recordCall(request))
    }

    /// Records a reward in [0, 1] for an item of a logged response, in one transaction, and
    /// adds it to the rewards of the arm that placed the item. The same feedback again counts
    /// once; feedback for an unknown request, for an item the response did not show, or a
    /// different reward for an item already rewarded is refused.
    public func recordFeedback(request: String, item: String, reward: Double)
        throws(StoreError) -> FeedbackOutcome
    {
        try Self.checkReward(reward)
        return try run(Self.recordFeedbackCall(request: request, item: item, reward: reward))
            .get()
    }

    /// Every impression a pipeline logged, with its arm, propensity and reward (0 without
    /// feedback), oldest first.
    public func impressions(pipeline: String) throws(StoreError) -> [LoggedImpression] {
        try run(Self.impressionsCall(pipeline: pipeline))
    }

    public func exposures(
        pipeline: String, eventReward: @escaping @Sendable (_ kind: String) -> Double?
    ) throws(StoreError) -> [LoggedList] {
        try run(Self.exposuresCall(pipeline: pipeline, eventReward: eventReward))
    }

    /// Removes a pipeline's requests, feedback and arm statistics; returns how many requests
    /// went.
    public func reset(pipeline: String) throws(StoreError) -> Int {
        try run(Self.resetCall(pipeline: pipeline))
    }

    public func recordEvents(_ events: [Event]) throws(StoreError) -> EventsOutcome {
        try run(Self.recordEventsCall(events))
    }

    public func events(user: String, limit: Int) throws(StoreError) -> UserEvents {
        try run(Self.eventsCall(user: user, limit: limit))
    }

    public func events(after start: Int64, through end: Int64) throws(StoreError) -> [Event] {
        try run(Self.logCall(after: start, through: end))
    }

    public func newestEventPosition() throws(StoreError) -> Int64 {
        try run(Self.newestEventCall())
    }

    static func logCall(after start: Int64, through end: Int64) -> Call<[Event]> {
        Call(.read) { db in
            let statement = try db.cachedStatement(
                sql: "SELECT seq, id, user, item, kind, value, time, request FROM event "
                    + "WHERE seq > ? AND seq <= ? ORDER BY seq"
            ).sqliteStatement
            sqlite3_reset(statement)
            sqlite3_bind_int64(statement, 1, start)
            sqlite3_bind_int64(statement, 2, end)
            return try eventRows(statement, db, reading: "the event log").map(\.event)
        }
    }

    /// The rows a statement selecting `seq, id, user, item, kind, value, time, request` gives, read
    /// straight from SQLite's columns (a request reads up to `fold-in` of them, a refresh the
    /// whole log, and GRDB's row values cost more than SQLite's read); the statement is reset
    /// after. `reading` names what failed in the error.
    private static func eventRows(
        _ statement: SQLiteStatement, _ db: Database, reading: String
    ) throws -> [(position: Int64, event: Event)] {
        defer { sqlite3_reset(statement) }
        func text(_ column: Int32) -> String {
            sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
        }
        var rows: [(position: Int64, event: Event)] = []
        var code = sqlite3_step(statement)
        while code == SQLITE_ROW {
            rows.append(
                (
                    sqlite3_column_int64(statement, 0),
                    Event(
                        id: sqlite3_column_type(statement, 1) == SQLITE_NULL ? nil : text(1),
                        user: text(2), item: text(3), kind: text(4),
                        value: sqlite3_column_type(statement, 5) == SQLITE_NULL
                            ? nil : sqlite3_column_double(statement, 5),
                        time: sqlite3_column_double(statement, 6),
                        request: sqlite3_column_type(statement, 7) == SQLITE_NULL ? nil : text(7))
                ))
            code = sqlite3_step(statement)
        }
        guard code == SQLITE_DONE else {
            throw StoreError(
                "cannot read \(reading): " + String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return rows
    }

    static func newestEventCall() -> Call<Int64> {
        Call(.read) { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM event") ?? 0
        }
    }

    /// Appends the events `next` gives in one transaction; `progress` is told the count so far
    /// every 65,536 events.
    public func importEvents(_ next: () throws -> Event?, progress: (Int) -> Void) throws
        -> EventsOutcome
    {
        /// What `next` threw, carried out of the transaction as it is.
        struct Passed: Error { var error: any Error }
        do {
            return try pool.write { db in
                // A page cache that holds a large import's pages, so that the transaction does
                // not spill them to the log and read them back before it commits.
                try db.execute(sql: "PRAGMA cache_size = -262144")
                defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
                var recorder = try EventRecorder(db)
                var count = 0
                while let event = try { () throws(Passed) -> Event? in
                    do { return try next() } catch { throw Passed(error: error) }
                }() {
                    try recorder.record(event)
                    count += 1
                    if count & 0xffff == 0 { progress(count) }
                }
                return recorder.outcome
            }
        } catch let passed as Passed {
            throw passed.error
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("the feedback store \(path): \(Self.describe(error))")
        }
    }

    /// Records events one after another in a write transaction, refusing one under the id of
    /// another.
    private struct EventRecorder {
        let db: Database
        let insert: Statement
        let find: Statement
        let now = Date().timeIntervalSince1970
        var outcome = EventsOutcome()

        init(_ db: Database) throws {
            self.db = db
            insert = try db.cachedStatement(
                sql:
                    "INSERT INTO event (id, user, item, kind, value, time, request) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) WHERE id IS NOT NULL DO NOTHING"
            )
            find = try db.cachedStatement(
                sql: "SELECT user, item, kind, value, time, request FROM event WHERE id = ?")
        }

        mutating func record(_ event: Event) throws {
            try insertRow(event)
            if db.changesCount > 0 {
                outcome.recorded += 1
                return
            }
            guard let id = event.id, let row = try Row.fetchOne(find, arguments: [id]) else {
                throw StoreError("the feedback store did not record an event")
            }
            let stored = Event(
                id: id, user: row[0], item: row[1], kind: row[2], value: row[3], time: row[4],
                request: row[5])
            guard event.isResent(as: stored) else {
                throw StoreError.otherEvent(id: id, stored: stored)
            }
            outcome.repeated += 1
        }

        /// Runs the insert with the event's values bound straight to SQLite: an import
        /// records hundreds of thousands a second, and GRDB's argument values cost more than
        /// SQLite's insert.
        private func insertRow(_ event: Event) throws {
            let statement = insert.sqliteStatement
            sqlite3_reset(statement)
            let transient = transientText
            if let id = event.id {
                sqlite3_bind_text(statement, 1, id, -1, transient)
            } else {
                sqlite3_bind_null(statement, 1)
            }
            sqlite3_bind_text(statement, 2, event.user, -1, transient)
            sqlite3_bind_text(statement, 3, event.item, -1, transient)
            sqlite3_bind_text(statement, 4, event.kind, -1, transient)
            if let value = event.value {
                sqlite3_bind_double(statement, 5, value)
            } else {
                sqlite3_bind_null(statement, 5)
            }
            sqlite3_bind_double(statement, 6, event.time ?? now)
            if let request = event.request {
                sqlite3_bind_text(statement, 7, request, -1, transient)
            } else {
                sqlite3_bind_null(statement, 7)
            }
            let code = sqlite3_step(statement)
            sqlite3_reset(statement)
            guard code == SQLITE_DONE else {
                throw StoreError(
                    "cannot record an event: "
                        + String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    static func recordEventsCall(_ events: [Event]) -> Call<EventsOutcome> {
        Call(.write) { db in
            var recorder = try EventRecorder(db)
            for event in events { try recorder.record(event) }
            return recorder.outcome
        }
    }

    static func eventsCall(user: String, limit: Int) -> Call<UserEvents> {
        Call(.read) { db in
            let statement = try db.cachedStatement(
                sql: "SELECT seq, id, user, item, kind, value, time, request FROM event "
                    + "WHERE user = ? "
                    + "ORDER BY time DESC, seq DESC LIMIT ?"
            ).sqliteStatement
            sqlite3_reset(statement)
            sqlite3_bind_text(statement, 1, user, -1, transientText)
            sqlite3_bind_int64(statement, 2, Int64(limit))
            let rows = try eventRows(
                statement, db, reading: "the events of user '\(excerpt(user))'")
            return UserEvents(
                events: rows.reversed().map(\.event), newest: rows.map(\.position).max() ?? 0)
        }
    }

    // The calls, each a body for the pool to run on one of its connections: the methods above
    // run them blocking their thread, ``Awaited``'s without.

    static func armStatesCall(pipeline: String, arms: [String]) -> Call<[ArmState]> {
        // Through the writer's connection, whose page cache the last write kept current (a
        // reader's would reload the pages it changed); one SELECT needs no transaction.
        Call(.writeWithoutTransaction) { db in
            var states: [String: ArmState] = [:]
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT name, pulls, rewards FROM arm WHERE pipeline = ?"),
                arguments: [pipeline])
            while let row = try rows.next() {
                states[row[0]] = ArmState(pulls: row[1], rewards: row[2])
            }
            return arms.map { states[$0] ?? ArmState() }
        }
    }

    static func armsCall(pipeline: String) -> Call<[String]> {
        Call(.read) { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM arm WHERE pipeline = ? ORDER BY name",
                arguments: [pipeline])
        }
    }

    static func shownCall(request: String) -> Call<ServedRequest?> {
        Call(.read) { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT pipeline, user, states FROM request WHERE id = ?",
                    arguments: [request])
            else { return nil }
            let impressions = try Row.fetchAll(
                db,
                sql: "SELECT item, position, arm, propensity FROM impression "
                    + "WHERE request = ? ORDER BY position",
                arguments: [request]
            ).map {
                Impression(
                    item: $0["item"], position: $0["position"], arm: $0["arm"],
                    propensity: $0["propensity"])
            }
            return ServedRequest(
                id: request, pipeline: row["pipeline"], user: row["user"],
                impressions: impressions,
                armStates: try LoggedArmStates.states(row["states"], request: request))
        }
    }

    static func pipelinesCall() -> Call<[String]> {
        Call(.read) { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT pipeline FROM arm ORDER BY pipeline")
        }
    }

    static func recordCall(_ request: ServedRequest) -> Call<Void> {
        Call(.write) { db in
            try db.cachedStatement(
                sql: "INSERT INTO request (id, pipeline, user, time, states) "
                    + "VALUES (?, ?, ?, ?, ?)"
            ).execute(
                arguments: [
                    request.id, request.pipeline, request.user,
                    Date().timeIntervalSince1970, LoggedArmStates.text(request.armStates),
                ])
            var pulls: [String: Int] = [:]
            let insert = try db.cachedStatement(
                sql: "INSERT INTO impression (request, item, position, arm, propensity) "
                    + "VALUES (?, ?, ?, ?, ?)")
            for impression in request.impressions {
                pulls[impression.arm, default: 0] += 1
                try insert.execute(arguments: [
                    request.id, impression.item, impression.position, impression.arm,
                    impression.propensity,
                ])
            }
            let count = try db.cachedStatement(
                sql: """
                    INSERT INTO arm (pipeline, name, pulls) VALUES (?, ?, ?)
                    ON CONFLICT (pipeline, name) DO UPDATE SET pulls = pulls + excluded.pulls
                    """)
            for (arm, pulled) in pulls.sorted(by: { $0.key < $1.key }) {
                try count.execute(arguments: [request.pipeline, arm, pulled])
            }
        }
    }

    static func recordFeedbackCall(request: String, item: String, reward: Double) -> Call<
        Result<FeedbackOutcome, StoreError>
    > {
        Call(.write) { db in
            guard
                let pipeline = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT pipeline FROM request WHERE id = ?"),
                    arguments: [request])
            else {
                return .failure(.unknownRequest(request))
            }
            guard
                let arm = try String.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT arm FROM impression WHERE request = ? AND item = ?"),
                    arguments: [request, item])
            else {
                let shown = try String.fetchAll(
                    db,
                    sql: "SELECT item FROM impression WHERE request = ? ORDER BY position",
                    arguments: [request])
                return .failure(.notShown(item: item, request: request, shown: shown))
            }
            if let earlier = try Double.fetchOne(
                db.cachedStatement(
                    sql: "SELECT reward FROM feedback WHERE request = ? AND item = ?"),
                arguments: [request, item])
            {
                guard earlier == reward else {
                    return .failure(
                        .rewardedBefore(item: item, request: request, reward: earlier))
                }
                return .success(.repeated)
            }
            try db.cachedStatement(
                sql: "INSERT INTO feedback (request, item, reward, time) VALUES (?, ?, ?, ?)"
            ).execute(
                arguments: [request, item, reward, Date().timeIntervalSince1970])
            try db.cachedStatement(
                sql: "UPDATE arm SET rewards = rewards + ? WHERE pipeline = ? AND name = ?"
            ).execute(
                arguments: [reward, pipeline, arm])
            return .success(.recorded)
        }
    }

    static func impressionsCall(pipeline: String) -> Call<[LoggedImpression]> {
        Call(.read) { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.arm, i.propensity, COALESCE(f.reward, 0) AS reward
                    FROM impression i JOIN request r ON r.id = i.request
                    LEFT JOIN feedback f ON f.request = i.request AND f.item = i.item
                    WHERE r.pipeline = ? ORDER BY r.time, r.id, i.position
                    """,
                arguments: [pipeline]
            ).map {
                LoggedImpression(
                    arm: $0["arm"], propensity: $0["propensity"], reward: $0["reward"])
            }
        }
    }

    static func exposuresCall(
        pipeline: String, eventReward: @escaping @Sendable (_ kind: String) -> Double?
    ) -> Call<[LoggedList]> {
        Call(.read) { db in
            var earned: [String: [String: Double]] = [:]
            let events = try Row.fetchCursor(
                db,
                sql: """
                    SELECT e.request, e.item, e.kind FROM event e
                    JOIN request r ON r.id = e.request WHERE r.pipeline = ?
                    """,
                arguments: [pipeline])
            while let row = try events.next() {
                guard let reward = eventReward(row["kind"]) else { continue }
                let (request, item): (String, String) = (row["request"], row["item"])
                earned[request, default: [:]][item] = max(
                    earned[request]?[item] ?? 0, reward)
            }
            var lists: [LoggedList] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT r.id, r.user, r.time, i.item, i.propensity, f.reward
                    FROM impression i JOIN request r ON r.id = i.request
                    LEFT JOIN feedback f ON f.request = i.request AND f.item = i.item
                    WHERE r.pipeline = ? ORDER BY r.time, r.id, i.position
                    """,
                arguments: [pipeline])
            while let row = try rows.next() {
                let id: String = row["id"]
                if lists.last?.request != id {
                    lists.append(
                        LoggedList(request: id, user: row["user"], time: row["time"], shown: []))
                }
                let item: String = row["item"]
                let feedback: Double? = row["reward"]
                lists[lists.count - 1].shown.append(
                    .init(
                        item: item, propensity: row["propensity"],
                        reward: feedback ?? earned[id]?[item] ?? 0))
            }
            return lists
        }
    }

    static func resetCall(pipeline: String) -> Call<Int> {
        Call(.write) { db in
            try db.execute(sql: "DELETE FROM request WHERE pipeline = ?", arguments: [pipeline])
            let requests = db.changesCount
            try db.execute(sql: "DELETE FROM arm WHERE pipeline = ?", arguments: [pipeline])
            return requests
        }
    }

    /// How a call uses the pool: a read, a write in a transaction, or one statement on the
    /// writer's connection.
    enum Access {
        case read, write, writeWithoutTransaction
    }

    /// A call's body and how it uses the pool.
    struct Call<Value: Sendable> {
        var access: Access
        var body: @Sendable (Database) throws -> Value

        init(_ access: Access, _ body: @escaping @Sendable (Database) throws -> Value) {
            self.access = access
            self.body = body
        }
    }

    /// Runs a call, its thread waiting for the database, turning its errors into one message
    /// that names the file.
    func run<T>(_ call: Call<T>) throws(StoreError) -> T {
        do {
            switch call.access {
            case .read: return try pool.read(call.body)
            case .write: return try pool.write(call.body)
            case .writeWithoutTransaction: return try pool.writeWithoutTransaction(call.body)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("the feedback store \(path): \(Self.describe(error))")
        }
    }

    /// Runs a call on GRDB's own threads, awaiting it without holding the caller's, with the
    /// same errors as ``run(_:)``.
    func awaiting<T>(_ call: Call<T>) async throws(StoreError) -> T {
        do {
            switch call.access {
            case .read: return try await pool.read(call.body)
            case .write: return try await pool.write(call.body)
            case .writeWithoutTransaction: return try await pool.writeWithoutTransaction(call.body)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError("the feedback store \(path): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_CONSTRAINT {
                return "a request with that id was already logged"
            }
            return error.message ?? "\(error.resultCode)"
        }
        return "\(error)"
    }
}

extension FeedbackStore {
    /// The store awaited: the same calls, run on GRDB's threads while the caller's thread goes
    /// on with other work (a server's requests).
    public struct Awaited: AsyncFeedbackStorage {
        let store: FeedbackStore

        public var location: String { store.location }

        public func armStates(pipeline: String, arms: [String]) async throws(StoreError)
            -> [ArmState]
        {
            try await store.awaiting(FeedbackStore.armStatesCall(pipeline: pipeline, arms: arms))
        }

        public func record(_ request: ServedRequest) async throws(StoreError) {
            try await store.awaiting(FeedbackStore.recordCall(request))
        }

        public func recordFeedback(request: String, item: String, reward: Double)
            async throws(StoreError) -> FeedbackOutcome
        {
            try FeedbackStore.checkReward(reward)
            return try await store.awaiting(
                FeedbackStore.recordFeedbackCall(request: request, item: item, reward: reward)
            ).get()
        }

        public func shown(request: String) async throws(StoreError) -> ServedRequest? {
            try await store.awaiting(FeedbackStore.shownCall(request: request))
        }

        public func arms(pipeline: String) async throws(StoreError) -> [String] {
            try await store.awaiting(FeedbackStore.armsCall(pipeline: pipeline))
        }

        public func pipelines() async throws(StoreError) -> [String] {
            try await store.awaiting(FeedbackStore.pipelinesCall())
        }

        public func impressions(pipeline: String) async throws(StoreError) -> [LoggedImpression] {
            try await store.awaiting(FeedbackStore.impressionsCall(pipeline: pipeline))
        }

        public func reset(pipeline: String) async throws(StoreError) -> Int {
            try await store.awaiting(FeedbackStore.resetCall(pipeline: pipeline))
        }

        public func recordEvents(_ events: [Event]) async throws(StoreError) -> EventsOutcome {
            try await store.awaiting(FeedbackStore.recordEventsCall(events))
        }

        public func events(user: String, limit: Int) async throws(StoreError) -> UserEvents {
            try await store.awaiting(FeedbackStore.eventsCall(user: user, limit: limit))
        }

        public func events(after start: Int64, through end: Int64) async throws(StoreError)
            -> [Event]
        {
            try await store.awaiting(FeedbackStore.logCall(after: start, through: end))
        }

        public func newestEventPosition() async throws(StoreError) -> Int64 {
            try await store.awaiting(FeedbackStore.newestEventCall())
        }
    }

    /// This store, awaited.
    public var awaited: Awaited { Awaited(store: self) }
}

/// SQLite's `SQLITE_TRANSIENT`: a text bound with it is copied before the call returns.
private let transientText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
