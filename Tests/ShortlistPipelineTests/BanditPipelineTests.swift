import Foundation
import ShortlistCore
import ShortlistPipeline
import Testing

/// Arm states and logged responses in memory, or a store that fails every call.
final class MemoryState: BanditStateSource, @unchecked Sendable {
    private let lock = NSLock()
    private var states: [String: ArmState]
    private(set) var served: [ServedRequest] = []
    let failing: Bool

    init(_ states: [String: ArmState] = [:], failing: Bool = false) {
        self.states = states
        self.failing = failing
    }

    struct Failure: Error {}

    func armStates(pipeline: String, arms: [String]) throws -> [ArmState] {
        if failing { throw Failure() }
        return lock.withLock { arms.map { states[$0] ?? ArmState() } }
    }

    func record(_ request: ServedRequest) throws {
        if failing { throw Failure() }
        lock.withLock { served.append(request) }
    }

    var requests: [ServedRequest] { lock.withLock { served } }
}

/// Keeps what a bandit's request reported.
struct Served: RequestObserver {
    var requestID: String?
    var logged = false
    var failure: (any Error)?

    mutating func served(requestID: String, logged: Bool, failure: (any Error)?) {
        self.requestID = requestID
        self.logged = logged
        self.failure = failure
    }
}

@Suite struct BanditPipelineTests {
    static let pipelines = """
        pipelines:
          default:
            n: 6
            candidates:
              - {name: popular, type: weighted-rating, limit: 20}
              - {name: recent, type: weighted-rating, limit: 20, half-life-days: 1}
            ranker: {type: bandit, arms: [popular, recent], policy: epsilon-greedy, epsilon: 0.2, decay: 0}
        """

    @Test func responsesAreLoggedWithTheirArmsAndPropensities() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        var pipeline = try fixture.prepare()
        let state = MemoryState()
        pipeline.banditState = state
        var observer = Served()
        let shown = pipeline.run(userID: "u3", requestID: "r1", observer: &observer)
        #expect(observer.requestID == "r1" && observer.logged && observer.failure == nil)
        let logged = try #require(state.requests.first)
        #expect(logged.id == "r1" && logged.pipeline == "default" && logged.user == "u3")
        #expect(logged.impressions.map(\.item) == shown.map { pipeline.dataset.itemIDs[$0.item] })
        #expect(logged.impressions.map(\.arm) == shown.map { $0.placement?.arm })
        #expect(logged.impressions.map(\.position) == Array(1...shown.count))
        #expect(shown.count == 6 && shown.allSatisfy { ($0.placement?.propensity ?? 0) > 0 })
        // The same request id gives the same response; another id may not.
        var again = Served()
        let repeated = pipeline.run(userID: "u3", requestID: "r1", observer: &again)
        #expect(repeated == shown)
    }

    @Test func feedbackInTheStateShiftsThePlacesToTheBetterArm() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        var pipeline = try fixture.prepare()
        pipeline.banditState = MemoryState([
            "popular": ArmState(pulls: 1000, rewards: 10),
            "recent": ArmState(pulls: 1000, rewards: 300),
        ])
        var places = ["popular": 0, "recent": 0]
        for request in 0..<100 {
            var observer = Served()
            for item in pipeline.run(
                userID: "u\(request % 20)", requestID: "r\(request)", observer: &observer)
            {
                places[item.placement!.arm, default: 0] += 1
            }
        }
        // ε = 0.2 over two arms: recent holds each place with probability 0.9.
        #expect(Double(places["recent"]!) / 600 > 0.8)
    }

    @Test func aFailingStateIsReportedAndTheResponseStillServed() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        var pipeline = try fixture.prepare()
        pipeline.banditState = MemoryState(failing: true)
        var observer = Served()
        let shown = pipeline.run(userID: "u3", observer: &observer)
        #expect(observer.failure != nil && shown.count == 6)
        #expect(observer.requestID?.isEmpty == false)
    }

    @Test func armsMustBeCandidateStages() throws {
        let fixture = try Fixture(
            pipelines: Self.pipelines.replacingOccurrences(
                of: "[popular, recent]", with: "[popular, recnet]"))
        #expect {
            _ = try fixture.prepare()
        } throws: { error in
            "\(error)".contains(
                "arm 'recnet' is not a candidate stage of pipeline 'default'. Did you mean 'recent'?"
            )
        }
        try fixture.rewrite(
            Self.pipelines.replacingOccurrences(of: "[popular, recent]", with: "[popular]"))
        #expect {
            _ = try fixture.prepare()
        } throws: { error in
            "\(error)".contains("a bandit needs at least two arms, found 1")
        }
    }
}
