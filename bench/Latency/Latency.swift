import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistStore
import Synchronization

/// Times one request and each of its stages on one thread, for a pipeline of a pipelines file,
/// over a sample of its users: the benchmark behind latency figures (release builds only).
///
///     swift run -c release shortlist-latency [--config FILE] [--pipeline NAME] [--users N] [--repeat R]
///     swift run -c release shortlist-latency --feedback N [--config FILE]
///     swift run -c release shortlist-latency --events N [--config FILE] [--pipeline NAME] [--users N] [--repeat R]
///
/// Each pool is ranked R times and its median kept; the table gives the median and 90th
/// percentile over users of thread CPU time (other processes on the machine do not count).
/// With `--feedback N` it instead times, in wall-clock time, N logged responses of ten
/// impressions and N feedback writes in a scratch store beside the pipelines file's artifacts.
/// With `--events N`, each user gets N stored events (seeded clicks on items they have not
/// rated) in a scratch store, and it times what they add to the user's request: reading them
/// (wall-clock), folding them in, and the request with them against the request without.
@main
enum Latency {
    static func main() throws {
        var options = ["--config": "pipelines.yaml", "--users": "200", "--repeat": "15"]
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            guard
                options.keys.contains(flag)
                    || ["--pipeline", "--feedback", "--events"].contains(flag),
                let value = arguments.popFirst()
            else {
                print(
                    "usage: shortlist-latency [--config FILE] [--pipeline NAME] [--users N] "
                        + "[--repeat R] [--events N] | --feedback N [--config FILE]"
                )
                exit(2)
            }
            options[flag] = value
        }
        guard let users = Int(options["--users"] ?? ""), users > 0,
            let repeats = Int(options["--repeat"] ?? ""), repeats > 0
        else {
            print("--users and --repeat take positive whole numbers")
            exit(2)
        }
        if let count = options["--feedback"] {
            guard let count = Int(count), count > 0 else {
                print("--feedback takes a positive whole number")
                exit(2)
            }
            let file = try PipelinesFile.load(
                path: options["--config"] ?? "pipelines.yaml", registry: builtInPlugins)
            guard case .sqlite(let store) = file.feedbackStore else {
                print("--feedback times a SQLite feedback store; \(file.path) names PostgreSQL")
                exit(2)
            }
            try timeFeedback(count, beside: store)
            return
        }
        let workspace = try Workspace(
            path: options["--config"] ?? "pipelines.yaml", registry: builtInPlugins)
        let dataset = try workspace.loadDataset()
        let pipeline = try workspace.prepare(pipeline: options["--pipeline"], dataset: dataset)
        // A bandit's arms' states are read before each request and its response logged after
        // it, as the CLI does: in a scratch store here, timed as part of the whole request.
        let scratch = "\(workspace.artifacts.folder)/latency-\(getpid()).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(atPath: scratch + suffix)
            }
        }
        if let count = options["--events"] {
            guard let count = Int(count), (1...EventPolicy.foldInLimit).contains(count) else {
                print("--events takes a whole number from 1 to \(EventPolicy.foldInLimit)")
                exit(2)
            }
            try timeEvents(
                count, pipeline: pipeline, policy: workspace.file.events,
                users: Array(dataset.userIDs.prefix(users)), repeats: repeats,
                store: try FeedbackStore(path: scratch))
            return
        }
        let store = TimedStore(try FeedbackStore(path: scratch))
        let ids = Array(dataset.userIDs.prefix(users))
        let bandit = pipeline.bandit
        var requests: [Double] = []
        var rankers: [Double] = []
        var poolSizes: [Double] = []
        var stages = [[Double]](repeating: [], count: pipeline.stages.count)
        var reranks: [Double] = []
        var banditParts: [Double] = []
        var reads: [Double] = []
        var logs: [Double] = []
        var alone: [Double] = []
        for id in ids {
            var observer = Timings(stageCount: pipeline.stages.count)
            var samples: [Double] = []
            var aloneSamples: [Double] = []
            store.reset()
            for _ in 0..<repeats {
                observer.begin = threadTime()
                let response = pipeline.run(
                    Request(userID: id), context: try pipeline.rankingContext(from: store),
                    observer: &observer)
                if let decision = response.decision { try store.record(decision.served) }
                samples.append(threadTime() - observer.begin)
                guard let bandit else { continue }
                // The same request served by the arm alone, interleaved so that both meet the
                // caches alike: filters, stages, the pool and the arm's order of it (per
                // request the chosen arm's, per slot every arm's).
                let start = threadTime()
                let query = pipeline.query(forUserID: id)
                let pool = CandidatePool(
                    sources: pipeline.stages.map(\.name),
                    lists: pipeline.stages.map { $0.model.candidates(for: query, limit: $0.limit) })
                let arms =
                    bandit.blend.mode == .perSlot
                    ? Array(bandit.arms.indices)
                    : [bandit.arms.firstIndex { $0 == observer.firstArms.last } ?? 0]
                for arm in arms {
                    _ = bandit.order(ofArm: arm, pool, for: query, rankers: pipeline.armRankers)
                }
                aloneSamples.append(threadTime() - start)
            }
            requests.append(median(samples))
            for stage in stages.indices {
                stages[stage].append(median(observer.stageSeconds[stage]))
            }
            let query = pipeline.query(forUserID: id)
            rankers.append(
                median(
                    (0..<repeats).map { _ in
                        let start = threadTime()
                        _ = pipeline.ranker.rank(observer.pool, for: query)
                        return threadTime() - start
                    }))
            poolSizes.append(Double(observer.pool.count))
            if !observer.rerankSeconds.isEmpty { reranks.append(median(observer.rerankSeconds)) }
            guard bandit != nil else { continue }
            alone.append(median(aloneSamples))
            banditParts.append(median(zip(samples, aloneSamples).map { $0 - $1 }))
            reads.append(median(store.reads))
            logs.append(median(store.logs))
        }
        print(
            "pipeline '\(pipeline.name)': \(ids.count) users, pools of "
                + "\(Int(median(poolSizes))) candidates "
                + "(median), thread CPU time in µs")
        func row(_ name: String, _ values: [Double]) {
            let cells = [median(values), percentile(values, 0.9)].map {
                String(format: "%9.1f", $0 * 1e6)
            }
            print(
                name.padding(toLength: 44, withPad: " ", startingAt: 0) + "median" + cells[0]
                    + "   p90" + cells[1])
        }
        row("whole request", requests)
        for (index, stage) in pipeline.stages.enumerated() {
            row("  stage \(stage.name) (\(stage.type))", stages[index])
        }
        row("  ranker \(pipeline.rankerType), its pool again", rankers)
        if let reranking = pipeline.reranking {
            row(
                "  re-rank \(reranking.steps.map(\.type).joined(separator: ", ")), window "
                    + "\(reranking.window(for: pipeline.resultCount))", reranks)
        }
        if bandit != nil {
            row("the same request served by its arm alone", alone)
            row("what the bandit adds", banditParts)
            row("  read the arms' states", reads)
            row("  policy and blend", zip(banditParts, zip(reads, logs)).map { $0 - $1.0 - $1.1 })
            row("  log the response", logs)
        }
    }
}

/// Times what `count` stored events add to each user's request (see ``Latency``).
func timeEvents(
    _ count: Int, pipeline: FittedPipeline, policy declared: EventPolicy?, users: [String],
    repeats: Int, store: FeedbackStore
) throws {
    let policy = declared ?? EventPolicy(kinds: [EventPolicy.Kind("click", .weight(1))])
    guard let kind = policy.kinds.first(where: { !$0.meaning.isNegative }) else {
        print("the event log declares no positive kind to time")
        exit(2)
    }
    let dataset = pipeline.dataset
    var random = SeededGenerator(seed: 7)
    var reads: [Double] = []
    var folds: [Double] = []
    var plain: [Double] = []
    var folded: [Double] = []
    for id in users {
        let seen = Set(dataset.query(forUserID: id).historyItems.map(Int.init))
        var events: [Event] = []
        while events.count < count {
            let item = Int.random(in: 0..<dataset.itemCount, using: &random)
            guard !seen.contains(item) else { continue }
            events.append(
                Event(
                    user: id, item: dataset.itemIDs[item], kind: kind.name,
                    value: kind.meaning == .rating ? 4 : nil, time: Double(events.count)))
        }
        _ = try store.recordEvents(events)
        var readSamples: [Double] = []
        var foldSamples: [Double] = []
        var plainSamples: [Double] = []
        var foldedSamples: [Double] = []
        for _ in 0..<repeats {
            var observer = NoObserver()
            var start = threadTime()
            _ = pipeline.run(Request(userID: id), observer: &observer)
            plainSamples.append(threadTime() - start)
            let wallStart = DispatchTime.now().uptimeNanoseconds
            let stored = try store.events(user: id, limit: count).events
            readSamples.append(Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9)
            start = threadTime()
            let (history, exclude) = pipeline.folding(stored, policy: policy)
            foldSamples.append(threadTime() - start)
            start = threadTime()
            _ = pipeline.run(
                Request(userID: id, history: history, exclude: exclude), observer: &observer)
            foldedSamples.append(threadTime() - start)
        }
        reads.append(median(readSamples))
        folds.append(median(foldSamples))
        plain.append(median(plainSamples))
        folded.append(median(foldedSamples))
    }
    print(
        "pipeline '\(pipeline.name)': \(users.count) users, \(count) stored events each, in µs "
            + "(reading them wall-clock, the rest thread CPU time)")
    for (name, values) in [
        ("read the user's events", reads), ("fold them in", folds),
        ("the request without them", plain), ("the request with them folded in", folded),
        ("what folding in adds to the request", zip(folded, plain).map { $0 - $1 }),
    ] {
        print(
            name.padding(toLength: 44, withPad: " ", startingAt: 0) + "median"
                + String(format: "%9.1f", median(values) * 1e6) + "   p90"
                + String(format: "%9.1f", percentile(values, 0.9) * 1e6))
    }
}

/// Times `count` logged responses and `count` feedback writes in a scratch store in the
/// folder of `store`, then removes it.
func timeFeedback(_ count: Int, beside store: String) throws {
    let folder = (store as NSString).deletingLastPathComponent
    let path = "\(folder.isEmpty ? "." : folder)/latency-\(getpid()).sqlite"
    defer {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: path + suffix)
        }
    }
    let scratch = try FeedbackStore(path: path)
    func wall(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    var logs: [Double] = []
    var feedback: [Double] = []
    for request in 0..<count {
        let served = ServedRequest(
            id: "r\(request)", pipeline: "latency", user: "u",
            impressions: (0..<10).map {
                Impression(item: "i\($0)", position: $0 + 1, arm: "a\($0 % 2)", propensity: 0.5)
            })
        logs.append(try wall { try scratch.record(served) })
    }
    for request in 0..<count {
        feedback.append(
            try wall {
                _ = try scratch.recordFeedback(request: "r\(request)", item: "i3", reward: 1)
            })
    }
    var reads: [Double] = []
    for _ in 0..<count {
        reads.append(
            try wall { _ = try scratch.armStates(pipeline: "latency", arms: ["a0", "a1"]) })
    }
    print("feedback store \(path): \(count) of each, wall-clock time in µs")
    for (name, values) in [
        ("read two arms' states", reads), ("log a response of 10 impressions", logs),
        ("record a feedback", feedback),
    ] {
        print(
            name.padding(toLength: 44, withPad: " ", startingAt: 0) + "median"
                + String(format: "%9.1f", median(values) * 1e6) + "   p90"
                + String(format: "%9.1f", percentile(values, 0.9) * 1e6))
    }
}

/// A feedback store that keeps the thread CPU time of each state read and each logged
/// response.
final class TimedStore: BanditStateSource {
    private let store: FeedbackStore
    private let times = Mutex((reads: [Double](), logs: [Double]()))

    init(_ store: FeedbackStore) { self.store = store }

    var reads: [Double] { times.withLock { $0.reads } }
    var logs: [Double] { times.withLock { $0.logs } }

    func reset() { times.withLock { $0 = ([], []) } }

    func armStates(pipeline: String, arms: [String]) throws -> [ArmState] {
        let start = threadTime()
        defer {
            let spent = threadTime() - start
            times.withLock { $0.reads.append(spent) }
        }
        return try store.armStates(pipeline: pipeline, arms: arms)
    }

    func record(_ request: ServedRequest) throws {
        let start = threadTime()
        defer {
            let spent = threadTime() - start
            times.withLock { $0.logs.append(spent) }
        }
        try store.record(request)
    }
}

/// Each stage's thread CPU time per request and the last request's pool; for a bandit, the
/// arm that placed each response's first item.
struct Timings: RequestObserver {
    var begin = threadTime()
    var pool = CandidatePool(sources: [], lists: [])
    var stageSeconds: [[Double]]
    var rerankSeconds: [Double] = []
    var firstArms: [String?] = []
    private var last = threadTime()

    init(stageCount: Int) { stageSeconds = Array(repeating: [], count: stageCount) }

    mutating func filtered(_ query: Query, steps: [Trace.FilterStep]) { last = threadTime() }

    mutating func generated(stage: Int, candidates: [Candidate], nanoseconds: UInt64) {
        let now = threadTime()
        stageSeconds[stage].append(now - last)
        last = now
    }

    mutating func ranked(_ pool: CandidatePool, _ ranked: [Ranked], nanoseconds: UInt64) {
        self.pool = pool
        firstArms.append(ranked.first?.placement?.arm)
        last = threadTime()
    }

    mutating func reranked(_ window: [Ranked], nanoseconds: UInt64) {
        rerankSeconds.append(threadTime() - last)
    }
}

/// This thread's CPU time in seconds.
func threadTime() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

func percentile(_ values: [Double], _ q: Double) -> Double { quantile(values, q) ?? .nan }
