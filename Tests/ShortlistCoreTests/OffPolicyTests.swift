import ShortlistCore
import Testing

/// The counterfactual estimates on simulated logs whose policies' values are known.
@Suite struct OffPolicyTests {
    /// Items `i0…i19`, each clicked when shown with its own probability.
    static let clickRates = (0..<20).map { 0.05 + 0.4 * Double($0 % 7) / 6 }

    /// `count` responses of a logger that shows 4 of the 20 items drawn uniformly (each shown
    /// with probability 4/20), clicks drawn from the rates.
    static func uniformLogs(_ count: Int, seed: UInt64) -> [LoggedList] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { request in
            let items = Array((0..<20).shuffled(using: &random).prefix(4))
            return LoggedList(
                request: "r\(request)", user: "u\(request % 50)", time: Double(request),
                shown: items.map {
                    .init(
                        item: "i\($0)", propensity: 0.2,
                        reward: Double.random(in: 0..<1, using: &random) < clickRates[$0] ? 1 : 0)
                })
        }
    }

    @Test func everyEstimateRecoversAKnownPolicysValueWithinItsInterval() {
        let logs = Self.uniformLogs(20_000, seed: 3)
        let target = [2, 6, 13, 9]
        let truth = target.reduce(0) { $0 + Self.clickRates[$1] }
        let report = OffPolicy.estimate(
            logs, candidate: Array(repeating: target.map { "i\($0)" }, count: logs.count),
            resamples: 200)
        for (name, estimate) in [
            ("IPS", report.ips), ("SNIPS", report.snips), ("DR", report.doublyRobust),
        ] {
            #expect(
                estimate.low <= truth && truth <= estimate.high,
                "\(name) \(estimate), truth \(truth)")
            #expect(estimate.high - estimate.low < 0.25 * truth, "\(name) \(estimate)")
        }
        // The logger's own value: four items drawn uniformly.
        let uniform = 4 * Self.clickRates.reduce(0, +) / 20
        #expect(report.logged.low <= uniform && uniform <= report.logged.high, "\(report.logged)")
        #expect(abs(report.overlap - 0.2) < 0.01)
        #expect(!report.deterministicLogger)
        // A better policy is estimated better: the truth differs by more than the intervals.
        #expect(report.snips.low > report.logged.high)
    }

    @Test func aDeterministicLoggerIsFlaggedAndGivesNoSupportOutsideItsList() {
        let logs = (0..<100).map { request in
            LoggedList(
                request: "r\(request)", user: "u", time: 0,
                shown: ["a", "b"].map { .init(item: $0, propensity: 1, reward: 1) })
        }
        let report = OffPolicy.estimate(
            logs, candidate: Array(repeating: ["c", "d"], count: logs.count), resamples: 50)
        #expect(report.deterministicLogger)
        #expect(report.overlap == 0)
        #expect(report.ips.value == 0 && report.ips.high == 0)
    }

    @Test func theSameSeedGivesTheSameIntervals() {
        let logs = Self.uniformLogs(500, seed: 9)
        let candidate = Array(repeating: ["i1", "i2"], count: logs.count)
        #expect(
            OffPolicy.estimate(logs, candidate: candidate, seed: 4)
                == OffPolicy.estimate(logs, candidate: candidate, seed: 4))
    }
}
