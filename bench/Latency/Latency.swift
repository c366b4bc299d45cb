import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistPipeline

/// Times one request and each of its stages on one thread, for a pipeline of a pipelines file,
/// over a sample of its users: the benchmark behind latency figures (release builds only).
///
///     swift run -c release shortlist-latency [--config FILE] [--pipeline NAME] [--users N] [--repeat R]
///
/// Each pool is ranked R times and its median kept; the table gives the median and 90th
/// percentile over users of thread CPU time (other processes on the machine do not count).
@main
enum Latency {
    static func main() throws {
        var options = ["--config": "pipelines.yaml", "--users": "200", "--repeat": "15"]
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            guard options.keys.contains(flag) || flag == "--pipeline",
                let value = arguments.popFirst()
            else {
                print(
                    "usage: shortlist-latency [--config FILE] [--pipeline NAME] [--users N] "
                        + "[--repeat R]"
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
        let workspace = try Workspace(
            path: options["--config"] ?? "pipelines.yaml", registry: builtInPlugins)
        let dataset = try workspace.loadDataset()
        let pipeline = try workspace.prepare(pipeline: options["--pipeline"], dataset: dataset)
        let ids = Array(dataset.userIDs.prefix(users))
        var requests: [Double] = []
        var rankers: [Double] = []
        var poolSizes: [Double] = []
        var stages = [[Double]](repeating: [], count: pipeline.stages.count)
        for id in ids {
            var observer = Timings(stageCount: pipeline.stages.count)
            var samples: [Double] = []
            for _ in 0..<repeats {
                let start = threadTime()
                _ = pipeline.run(userID: id, observer: &observer)
                samples.append(threadTime() - start)
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
    }
}

/// The pool of the last request and each stage's thread CPU time per request.
struct Timings: RequestObserver {
    var pool = CandidatePool(sources: [], lists: [])
    var stageSeconds: [[Double]]
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
