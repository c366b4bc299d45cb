import Foundation
public import ShortlistCore
public import ShortlistData

/// Where served requests, feedback and each bandit arm's pulls and rewards live: the SQLite
/// ``FeedbackStore`` beside the artifacts, or a database that several replicas share.
///
/// Every write is atomic and durable when it returns; reads see every write that returned,
/// from any process using the same store. Besides the bandit's reads and logs
/// (``BanditStateSource``, whose errors are ``StoreError``s), it records feedback and answers
/// what reports and replays ask.
public protocol FeedbackStorage: BanditStateSource {
    /// The file or the database, as messages name it (never with a password).
    var location: String { get }
    /// Records a reward in [0, 1] for an item of a logged response and adds it to the rewards
    /// of the arm that placed the item. The same feedback again counts once; feedback for an
    /// unknown request, for an item the response did not show, or a different reward for an
    /// item already rewarded is refused.
    func recordFeedback(request: String, item: String, reward: Double) throws(StoreError)
        -> FeedbackOutcome
    /// What a logged response showed, in order, or nil when no response has the id.
    func shown(request: String) throws(StoreError) -> ServedRequest?
    /// The names of the arms a pipeline has logged, sorted.
    func arms(pipeline: String) throws(StoreError) -> [String]
    /// The pipelines that logged responses, sorted.
    func pipelines() throws(StoreError) -> [String]
    /// Every impression a pipeline logged, with its arm, propensity and reward (0 without
    /// feedback), oldest first.
    func impressions(pipeline: String) throws(StoreError) -> [LoggedImpression]
    /// Every response a pipeline logged, oldest first: its shown items in order, each with its
    /// propensity and reward: the exposure log. A shown item's reward is its feedback, else
    /// the most that `eventReward` gives the kinds of the events that name the response's
    /// request id and the item (nil: the kind earns nothing), else 0.
    func exposures(
        pipeline: String, eventReward: @escaping @Sendable (_ kind: String) -> Double?
    ) throws(StoreError) -> [LoggedList]
    /// Removes a pipeline's requests, feedback and arm statistics; returns how many requests
    /// went.
    func reset(pipeline: String) throws(StoreError) -> Int
    /// Appends events to the log, all or none: an event without a time is recorded as of now;
    /// one whose id the log holds counts once when it is the same event sent again, and is
    /// refused (nothing of the batch stored) when it is another.
    func recordEvents(_ events: [Event]) throws(StoreError) -> EventsOutcome
    /// A user's latest `limit` events by time, oldest first.
    func events(user: String, limit: Int) throws(StoreError) -> UserEvents
    /// Every event recorded at log positions after `start` through `end`, in the order they
    /// were recorded: what a refresh folds into the data.
    func events(after start: Int64, through end: Int64) throws(StoreError) -> [Event]
    /// The log position of the newest event (0 for an empty log).
    func newestEventPosition() throws(StoreError) -> Int64
    /// Appends the events `next` gives until it gives nil, all or none: when `next` throws, or
    /// an event is refused as by ``recordEvents(_:)``, nothing of the import is stored and the
    /// error is rethrown as it is. `progress` is told the count so far now and then.
    func importEvents(_ next: () throws -> Event?, progress: (Int) -> Void) throws
        -> EventsOutcome
    /// Adds catalogue entries, all or none, each over the item's earlier entry (a field it sets
    /// replaces the earlier value, one it leaves nil keeps it); returns the catalogue's version
    /// after.
    func recordItems(_ entries: [CatalogueEntry]) throws(StoreError) -> Int64
    /// Every catalogue entry, one per item in the order items were first added, and the
    /// catalogue's version.
    func catalogue() throws(StoreError) -> StoredCatalogue
    /// The catalogue's version: it grows with every write of entries (0 for none).
    func catalogueVersion() throws(StoreError) -> Int64
    /// Every event for one of `items`, in the order they were recorded.
    func events(items: [String]) throws(StoreError) -> [Event]
}

/// The feedback store as a server awaits it: the calls of ``FeedbackStorage``, none of which
/// holds the caller's thread while the database answers, with the same answers and errors.
public protocol AsyncFeedbackStorage: Sendable {
    /// The file or the database, as messages name it (never with a password).
    var location: String { get }
    /// Each arm's pulls and rewards so far, in the order given (zero for an arm never pulled).
    func armStates(pipeline: String, arms: [String]) async throws(StoreError) -> [ArmState]
    /// Logs a response and counts one pull for the arm of each impression.
    func record(_ request: ServedRequest) async throws(StoreError)
    /// As ``FeedbackStorage/recordFeedback(request:item:reward:)``.
    func recordFeedback(request: String, item: String, reward: Double) async throws(StoreError)
        -> FeedbackOutcome
    /// What a logged response showed, in order, or nil when no response has the id.
    func shown(request: String) async throws(StoreError) -> ServedRequest?
    /// The names of the arms a pipeline has logged, sorted.
    func arms(pipeline: String) async throws(StoreError) -> [String]
    /// The pipelines that logged responses, sorted.
    func pipelines() async throws(StoreError) -> [String]
    /// Every impression a pipeline logged, oldest first.
    func impressions(pipeline: String) async throws(StoreError) -> [LoggedImpression]
    /// Removes a pipeline's requests, feedback and arm statistics; returns how many requests
    /// went.
    func reset(pipeline: String) async throws(StoreError) -> Int
    /// As ``FeedbackStorage/recordEvents(_:)``.
    func recordEvents(_ events: [Event]) async throws(StoreError) -> EventsOutcome
    /// As ``FeedbackStorage/events(user:limit:)``.
    func events(user: String, limit: Int) async throws(StoreError) -> UserEvents
    /// As ``FeedbackStorage/events(after:through:)``.
    func events(after start: Int64, through end: Int64) async throws(StoreError) -> [Event]
    /// As ``FeedbackStorage/newestEventPosition()``.
    func newestEventPosition() async throws(StoreError) -> Int64
    /// As ``FeedbackStorage/recordItems(_:)``.
    func recordItems(_ entries: [CatalogueEntry]) async throws(StoreError) -> Int64
    /// As ``FeedbackStorage/catalogue()``.
    func catalogue() async throws(StoreError) -> StoredCatalogue
    /// As ``FeedbackStorage/catalogueVersion()``.
    func catalogueVersion() async throws(StoreError) -> Int64
    /// As ``FeedbackStorage/events(items:)``.
    func events(items: [String]) async throws(StoreError) -> [Event]
}

/// The arms' states of a logged response as the stores keep them: JSON text,
/// `[{"pulls":3,"rewards":1}]`.
public enum LoggedArmStates {
    /// `states` as stored.
    public static func text(_ states: [ArmState]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(states)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The states stored as `text`.
    ///
    /// - Throws: a ``StoreError`` naming the request when the text is not such a list.
    public static func states(_ text: String, request: String) throws(StoreError) -> [ArmState] {
        guard let states = try? JSONDecoder().decode([ArmState].self, from: Data(text.utf8)) else {
            throw StoreError(
                "the arms' states logged with request '\(excerpt(request))' cannot be read")
        }
        return states
    }
}

extension FeedbackStorage {
    /// Refuses a reward outside [0, 1] (or not a number) with the reason.
    public static func checkReward(_ reward: Double) throws(StoreError) {
        guard reward.isFinite, (0...1).contains(reward) else {
            throw .refusal(
                "a reward must be a number from 0 to 1 (a click is 1, a skip 0), found "
                    + plainNumber(reward))
        }
    }
}

/// The store a pipelines file names, as this binary can open it: a SQLite file. A
/// `postgres://` store is for `shortlist-server`, which says so.
public func openFeedbackStore(_ location: FeedbackStoreLocation) throws(StoreError)
    -> any FeedbackStorage
{
    guard case .sqlite(let path) = location else {
        throw StoreError(
            "the feedback store is PostgreSQL (\(location)), which "
                + "only shortlist-server reads and writes (Server/): serve the file with "
                + "'shortlist serve' and use its endpoints (POST /v1/recommend, GET /v1/explain, "
                + "POST /v1/feedback, POST /v1/events, POST /v1/items, GET /v1/ab/report); this "
                + "command reads SQLite stores only")
    }
    return try FeedbackStore(path: path)
}
