import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// Nominates exactly the items each user interacted with in the data it was fitted on (when the
/// filters allow): a generator that saw a held-out interaction would nominate it.
struct Memorizer: CandidateGenerator {
    struct Params: PluginParameters {
        static var declarations: [ParameterDeclaration<Self>] { [] }
    }

    struct Model: CandidateModel {
        var seen: [[Int32]]

        func candidates(for query: Query, limit: Int) -> [Candidate] {
            guard let user = query.user, user < seen.count else { return [] }
            let items = seen[user].map(Int.init).filter { !query.excluded.contains($0) }
            return items.prefix(limit).map { Candidate(item: $0, score: 1) }
        }

        func explain(item: ItemIndex, for query: Query) -> Explanation {
            Explanation(terms: [Reason(.historyItem, value: 1, historyItem: item)])
        }

        func unavailability(for query: Query) -> Unavailability? {
            query.user == nil ? .unknownUser : nil
        }
        static let formatVersion = 1
        func write(to writer: inout ArtifactWriter) {
            writer.write(seen.count)
            for row in seen { writer.write(row) }
        }
        init(seen: [[Int32]]) { self.seen = seen }
        init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let count = try reader.readInt()
            guard count >= 0, count < 1_000_000 else { throw ArtifactError(.corrupt, "memorizer") }
            seen = []
            for _ in 0..<count { seen.append(try reader.readArray(of: Int32.self)) }
        }
    }

    static let type = "memorizer"
    static let summary = "Nominates the user's own training items."
    static func make(_ params: Params, context: BuildContext) throws -> Memorizer { Memorizer() }
    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        let matrix = data.dataset.byUser
        return Model(
            seen: (0..<data.dataset.userCount).map { Array(matrix.columns[matrix.range(of: $0)]) })
    }
}

/// A ranker that keeps the training data it is given, so a test can inspect it.
struct PoolRecorder: Ranker {
    struct Params: PluginParameters {
        var holdout = 0.25
        var users = TwoStageTraining.defaultUsers
        init() {}
        static var declarations: [ParameterDeclaration<Self>] {
            [
                .init("holdout", \.holdout, .between(0.05, 0.5), "the share held out"),
                .init("users", \.users, .between(1, 1_000_000), "the most users"),
            ]
        }
    }

    struct Model: RankerModel {
        func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
            pool.entries.map { Ranked(item: $0.item, score: 0, contributions: []) }
        }
        static let formatVersion = 1
        func write(to writer: inout ArtifactWriter) {}
        init() {}
        init(reading reader: inout ArtifactReader) throws(ArtifactError) {}
    }

    /// What the last fit received.
    final class Received: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: RankerTrainingData?
        var data: RankerTrainingData? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    static let received = Received()
    static let type = "pool-recorder"
    static let summary = "Keeps its training data."
    let holdout: Double
    let users: Int
    var twoStage: TwoStageTraining? {
        TwoStageTraining(holdout: holdout, positiveRating: 4, users: users)
    }

    static func make(_ params: Params, context: BuildContext) throws -> PoolRecorder {
        PoolRecorder(holdout: params.holdout, users: params.users)
    }

    func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
        Self.received.data = data
        return Model()
    }
}

@Suite(.serialized) struct TwoStageTests {
    /// The memorizer would nominate every held-out item had it been fitted on them; with
    /// `exclude-seen: false` nothing else keeps them out of the pools.
    @Test func poolsComeFromGeneratorsThatNeverSawTheLabels() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    candidates:
                      - {name: memory, type: memorizer, limit: 50}
                      - {name: popular, type: weighted-rating, limit: 20}
                    filters: {exclude-seen: false}
                    ranker: {type: pool-recorder, holdout: 0.25}
                """)
        _ = try fixture.prepare()
        let data = try #require(PoolRecorder.received.data)
        let planted = fixture.planted.dataset
        let split = try Split(planted, .temporal(0.25))
        let withPositives = (0..<planted.userCount).filter { user in
            split.test[user].contains { $0.rating >= 4 }
        }
        #expect(data.pools.count == withPositives.count && !data.pools.isEmpty)
        for labelled in data.pools {
            let user = try #require(labelled.query.user)
            let positives = Set(labelled.positives)
            #expect(positives == Set(split.test[user].filter { $0.rating >= 4 }.map(\.item)))
            // The memorizer's nominations are the user's pre-boundary items: none is a label.
            let memory = labelled.pool.entries.filter { $0.nomination(by: 0) != nil }.map(\.item)
            #expect(!memory.isEmpty && memory.allSatisfy { !positives.contains($0) })
            #expect(labelled.query.historyItems.allSatisfy { !positives.contains(Int($0)) })
            // The history the features see ends before the boundary; every label is after it.
            let times = split.train.byUser.timestamps[split.train.byUser.range(of: user)]
            #expect(times.allSatisfy { $0 < labelled.asOf })
            #expect(split.test[user].allSatisfy { $0.timestamp >= labelled.asOf })
            // The request is made at the boundary, so time features are computed as of then.
            #expect(labelled.query.time == labelled.asOf)
        }
        // The ranker is told the data its pools' generators were fitted on: the training part.
        #expect(
            data.poolDataset.fingerprint
                == (try Split(data.dataset, .temporal(0.25))).train.fingerprint)
        #expect(data.poolDataset.fingerprint != data.dataset.fingerprint)
        let log = fixture.log()
        #expect(
            log.contains {
                $0.hasPrefix(
                    "stage 'memory' (memorizer) before the holdout: "
                        + "fitted in")
            })
        #expect(
            log.contains {
                $0.hasPrefix(
                    "two-stage training of the ranker of 'default': "
                        + "held out ")
            })
    }

    /// With fewer training users than users with a held-out positive, the pools are a sample
    /// of that size, in user order, the same one every time for the file's seed, and the log
    /// says so.
    @Test func aCapOnTrainingUsersLabelsASeededSampleOfThem() throws {
        let pipelines = """
            pipelines:
              default:
                candidates:
                  - {name: memory, type: memorizer, limit: 50}
                filters: {exclude-seen: false}
                ranker: {type: pool-recorder, holdout: 0.25, users: 5}
            """
        let fixture = try Fixture(pipelines: pipelines)
        _ = try fixture.prepare()
        let data = try #require(PoolRecorder.received.data)
        let split = try Split(fixture.planted.dataset, .temporal(0.25))
        let withPositives = (0..<split.train.userCount).filter { user in
            split.test[user].contains { $0.rating >= 4 }
        }
        #expect(withPositives.count > 5)
        let users = try data.pools.map { try #require($0.query.user) }
        #expect(users.count == 5 && users == users.sorted())
        #expect(Set(users).isSubset(of: withPositives))
        #expect(
            fixture.log().contains {
                $0.contains(
                    "5 labelled pools (a seeded sample of the \(withPositives.count) users "
                        + "with a held-out positive)")
            })
        let again = try Fixture(pipelines: pipelines)
        _ = try again.prepare()
        #expect(try #require(PoolRecorder.received.data).pools.compactMap(\.query.user) == users)
    }
}
