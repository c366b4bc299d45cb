public import ShortlistCore

/// What freshness is worth: the data's interactions from a date on, streamed in time order one
/// step at a time. Each step's interactions are the targets of requests made at the step's
/// start, served three ways: by the pipeline as fitted on the data before the date, by the
/// same pipeline with each user's interactions since the date folded into the request (as
/// stored events are), and by the pipeline refreshed at every step (refitted on everything
/// before the step, warm-started where the model allows).
public struct ReplayReport: Sendable, Encodable {
    /// How the requests of a step are served.
    public enum Variant: String, Sendable, Encodable, CaseIterable {
        /// The pipeline as fitted on the data before the replay.
        case fitted
        /// The same, each user's interactions since the replay began folded into the request.
        case foldIn = "fold-in"
        /// Refitted on all the data before each step.
        case refreshed = "fold-in + refresh"
    }

    /// One variant's scores over a step's requests (or all of them).
    public struct Scores: Sendable, Encodable, Hashable {
        /// NDCG@K averaged over the requests.
        public var ndcg: Double
        /// Recall@K averaged over the requests.
        public var recall: Double
    }

    /// One step of the stream.
    public struct Step: Sendable, Encodable {
        /// The step's start, in seconds since 1970.
        public var start: Int64
        /// Users with a relevant interaction in the step: the step's requests.
        public var users: Int
        /// The step's interactions.
        public var interactions: Int
        /// Each variant's scores, in ``Variant/allCases`` order.
        public var scores: [Scores]
    }

    public var pipeline: String
    public var k: Int
    /// Ratings at least this are relevant; nil when the data has no ratings.
    public var relevanceThreshold: Double?
    /// The length of a step, in seconds.
    public var stepSeconds: Int64
    /// Interactions before the replay: what the pipeline is first fitted on.
    public var fittedInteractions: Int
    public var steps: [Step]
    /// Each variant's scores over every request of every step, in ``Variant/allCases`` order.
    public var overall: [Scores]
    /// The refreshes' fit time, in seconds (every stage, every step).
    public var refreshSeconds: Double
}

/// Streams a dataset's interactions from a date on (``ReplayReport``).
public enum Replay {
    /// Replays `dataset` from `start` in steps of `step` seconds, through the data's end or
    /// `steps` steps.
    ///
    /// - Parameters:
    ///   - workspace: prepares the pipeline; the replay's refreshes store their artifacts in
    ///     its artifact folder like any fit (a caller that wants them gone gives a workspace
    ///     of its own folder, ``Workspace/storingArtifacts(in:)``).
    ///   - foldIn: the most recent interactions folded into a request (the event log's
    ///     `fold-in`).
    ///   - warm: whether a refresh starts from the models of the step before (else every
    ///     refresh fits from scratch).
    ///   - progress: told each step's start as it begins, with the step's number and count.
    /// - Throws: a ``RequestError`` when the data has no timestamps, or nothing before or
    ///   after `start`; what preparing the pipeline throws.
    public static func run(
        _ workspace: Workspace, pipeline name: String?, dataset: Dataset, from start: Int64,
        step: Int64, steps limit: Int? = nil, k: Int, threshold: Double, foldIn: Int,
        warm: Bool = true, progress: (_ step: Int, _ of: Int) -> Void = { _, _ in }
    ) throws -> ReplayReport {
        guard dataset.hasTimestamps else {
            throw RequestError("the data has no timestamps: there is no order to replay it in")
        }
        let times = dataset.byUser.timestamps
        guard let last = times.max(), last >= start else {
            throw RequestError("the data has no interaction at or after the replay's start")
        }
        let before = dataset.keeping { times[$1] < start }
        guard before.interactionCount > 0 else {
            throw RequestError("the data has no interaction before the replay's start to fit on")
        }
        let count = min(Int((last - start) / step) + 1, limit ?? Int.max)
        let fitted = try workspace.prepare(pipeline: name, dataset: before)
        var refreshed = fitted
        var refreshSeconds = 0.0
        var report = ReplayReport(
            pipeline: fitted.name, k: k, relevanceThreshold: dataset.hasRatings ? threshold : nil,
            stepSeconds: step, fittedInteractions: before.interactionCount, steps: [],
            overall: [], refreshSeconds: 0)
        var totals = [ReplayReport.Scores](
            repeating: .init(ndcg: 0, recall: 0), count: ReplayReport.Variant.allCases.count)
        var requests = 0
        for index in 0..<count {
            progress(index + 1, count)
            let (from, to) = (start + Int64(index) * step, start + Int64(index + 1) * step)
            if index > 0 {
                let data = dataset.keeping { times[$1] < from }
                let previous = refreshed.dataset
                let clock = ContinuousClock.now
                refreshed = try workspace.prepare(
                    pipeline: name, dataset: data, warmFrom: warm ? previous : nil)
                let elapsed = ContinuousClock.now - clock
                refreshSeconds +=
                    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds)
                    / 1e18
            }
            let users = (0..<dataset.userCount).filter { user in
                dataset.byUser.range(of: user).contains {
                    (from..<to).contains(times[$0])
                        && (!dataset.hasRatings || Double(dataset.byUser.ratings[$0]) >= threshold)
                }
            }
            let current = refreshed
            let scored = concurrentMap(users.count) { position -> [RankingScores] in
                let user = users[position]
                let entries = dataset.byUser.range(of: user)
                let relevant = Set(
                    entries.filter {
                        (from..<to).contains(times[$0])
                            && (!dataset.hasRatings
                                || Double(dataset.byUser.ratings[$0]) >= threshold)
                    }.map { Int(dataset.byUser.columns[$0]) })
                let recent = entries.filter { (start..<from).contains(times[$0]) }.suffix(foldIn)
                    .map {
                        FreshInteraction(
                            item: Int(dataset.byUser.columns[$0]),
                            rating: dataset.hasRatings ? dataset.byUser.ratings[$0] : nil,
                            timestamp: times[$0])
                    }
                let id = dataset.userIDs[user]
                return [
                    (fitted, [FreshInteraction]()), (fitted, Array(recent)), (current, []),
                ].map { pipeline, history in
                    var observer = NoObserver()
                    let items = pipeline.run(
                        Request(userID: id, n: k, time: from, history: history),
                        observer: &observer
                    ).items
                    return RankingScores(
                        recommended: items.map(\.item), relevant: relevant, k: k)
                }
            }
            var sums = [ReplayReport.Scores](
                repeating: .init(ndcg: 0, recall: 0), count: totals.count)
            for user in scored {
                for (variant, scores) in user.enumerated() {
                    sums[variant].ndcg += scores.ndcg
                    sums[variant].recall += scores.recall
                }
            }
            for variant in sums.indices {
                totals[variant].ndcg += sums[variant].ndcg
                totals[variant].recall += sums[variant].recall
            }
            requests += users.count
            let n = Double(max(users.count, 1))
            report.steps.append(
                ReplayReport.Step(
                    start: from, users: users.count,
                    interactions: times.lazy.filter { (from..<to).contains($0) }.count,
                    scores: sums.map { .init(ndcg: $0.ndcg / n, recall: $0.recall / n) }))
        }
        let n = Double(max(requests, 1))
        report.overall = totals.map { .init(ndcg: $0.ndcg / n, recall: $0.recall / n) }
        report.refreshSeconds = refreshSeconds
        return report
    }
}
