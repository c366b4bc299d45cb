/// One logged response: the items shown, each with the probability the logging policy had of
/// showing it and the reward it earned (0 without feedback).
public struct LoggedList: Sendable, Equatable {
    /// One shown item.
    public struct Shown: Sendable, Equatable {
        public var item: String
        public var propensity: Double
        public var reward: Double

        public init(item: String, propensity: Double, reward: Double) {
            self.item = item
            self.propensity = propensity
            self.reward = reward
        }
    }

    /// The request's id.
    public var request: String
    /// The user it was for.
    public var user: String
    /// When it was served, in seconds since 1970.
    public var time: Double
    /// What it showed, best first.
    public var shown: [Shown]

    public init(request: String, user: String, time: Double, shown: [Shown]) {
        self.request = request
        self.user = user
        self.time = time
        self.shown = shown
    }
}

/// What another policy would have earned on logged responses, estimated from the logging
/// policy's propensities (counterfactual evaluation). A list's value is the sum of its items'
/// rewards, taken item by item: a shown item's reward is assumed not to depend on its position
/// or on the other items shown, and an item's propensity is the logging policy's probability of
/// showing it in the list.
public struct OffPolicyReport: Sendable, Encodable, Equatable {
    /// An estimate of the value per request, with a 95% bootstrap interval.
    public struct Estimate: Sendable, Encodable, Equatable {
        public var value: Double
        public var low: Double
        public var high: Double
    }

    /// Logged responses used.
    public var requests: Int
    /// The logging policy's own value: the mean reward per logged response.
    public var logged: Estimate
    /// Inverse propensity scoring: each logged item the candidate also shows counts its reward
    /// divided by its propensity.
    public var ips: Estimate
    /// IPS divided by its weights' mean share of the candidate's list: lower variance, a little
    /// bias.
    public var snips: Estimate
    /// Doubly robust: a reward model's value of the candidate's list, corrected by IPS on the
    /// model's errors (the model: each item's mean reward when shown, shrunk to the mean of all).
    public var doublyRobust: Estimate
    /// The share of the candidate's items that the logging policy showed in the same response.
    public var overlap: Double
    /// Whether every propensity is 1: a deterministic logger has no support outside its own
    /// lists, so the estimates count only the candidate's items it showed.
    public var deterministicLogger: Bool
}

/// Counterfactual estimates of a candidate policy's value on logged responses.
public enum OffPolicy {
    /// Estimates the value of `candidate` (each logged response's user given the candidate's
    /// list) on `logged`, with intervals from `resamples` bootstrap resamples of the requests
    /// drawn from `seed`.
    ///
    /// - Complexity: O(shown items · resamples).
    public static func estimate(
        _ logged: [LoggedList], candidate: [[String]], resamples: Int = 1000, seed: UInt64 = 1
    ) -> OffPolicyReport {
        let model = rewardModel(logged)
        let rows = zip(logged, candidate).map { list, chosen in
            Row(list, chosen: chosen, model: model)
        }
        let statistics: [([Row]) -> Double] = [
            { $0.mean(\.earned) },
            { $0.mean(\.ips) },
            { rows in
                // Under full support a request's weights add up to its list's length.
                let weights = rows.reduce(0) { $0 + $1.weight }
                return weights > 0
                    ? rows.reduce(0) { $0 + $1.ips } / weights * rows.mean(\.length) : 0
            },
            { $0.mean(\.doublyRobust) },
        ]
        var samples = Array(repeating: [Double](), count: statistics.count)
        var random = SeededGenerator(seed: seed)
        for _ in 0..<(rows.isEmpty ? 0 : resamples) {
            let drawn = (0..<rows.count).map { _ in
                rows[Int.random(in: 0..<rows.count, using: &random)]
            }
            for (index, statistic) in statistics.enumerated() {
                samples[index].append(statistic(drawn))
            }
        }
        let estimates = statistics.enumerated().map { index, statistic in
            let sorted = samples[index].sorted()
            let value = statistic(rows)
            guard !sorted.isEmpty else {
                return OffPolicyReport.Estimate(value: value, low: value, high: value)
            }
            return OffPolicyReport.Estimate(
                value: value, low: sorted[Int(Double(sorted.count - 1) * 0.025)],
                high: sorted[Int((Double(sorted.count - 1) * 0.975).rounded(.up))])
        }
        let chosen = rows.reduce(0) { $0 + $1.chosen }
        return OffPolicyReport(
            requests: rows.count, logged: estimates[0], ips: estimates[1], snips: estimates[2],
            doublyRobust: estimates[3],
            overlap: chosen > 0 ? Double(rows.reduce(0) { $0 + $1.overlap }) / Double(chosen) : 0,
            deterministicLogger: logged.allSatisfy { $0.shown.allSatisfy { $0.propensity >= 1 } })
    }

    /// Each item's mean reward when shown, shrunk toward the mean of every shown item by as
    /// many pseudo-showings as a tenth of the mean showings per item (at least one).
    static func rewardModel(_ logged: [LoggedList]) -> (String) -> Double {
        var sums: [String: (reward: Double, count: Double)] = [:]
        var total = 0.0
        var count = 0.0
        for list in logged {
            for shown in list.shown {
                sums[shown.item, default: (0, 0)].reward += shown.reward
                sums[shown.item, default: (0, 0)].count += 1
                total += shown.reward
                count += 1
            }
        }
        let mean = count > 0 ? total / count : 0
        let prior = max(1, count / Double(max(sums.count, 1)) / 10)
        let means = sums.mapValues { ($0.reward + prior * mean) / ($0.count + prior) }
        return { means[$0] ?? mean }
    }

    /// One request's terms of every estimate.
    fileprivate struct Row {
        var earned = 0.0
        var ips = 0.0
        var weight = 0.0
        var doublyRobust = 0.0
        var chosen: Int
        var overlap = 0
        var length: Double { Double(chosen) }

        init(_ list: LoggedList, chosen: [String], model: (String) -> Double) {
            self.chosen = chosen.count
            let candidate = Set(chosen)
            doublyRobust = chosen.reduce(0) { $0 + model($1) }
            for shown in list.shown {
                earned += shown.reward
                guard candidate.contains(shown.item), shown.propensity > 0 else { continue }
                let w = 1 / shown.propensity
                overlap += 1
                weight += w
                ips += w * shown.reward
                doublyRobust += w * (shown.reward - model(shown.item))
            }
        }
    }
}

extension [OffPolicy.Row] {
    fileprivate func mean(_ term: KeyPath<OffPolicy.Row, Double>) -> Double {
        isEmpty ? 0 : reduce(0) { $0 + $1[keyPath: term] } / Double(count)
    }
}
