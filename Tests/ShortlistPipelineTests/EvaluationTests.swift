import Foundation
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

@Suite struct MetricTests {
    @Test func handComputedRankingScores() {
        // Hits at positions 1 and 3 of 4; three relevant items; K = 4.
        let scores = RankingScores(recommended: [10, 20, 30, 40, 50], relevant: [10, 30, 99], k: 4)
        #expect(scores.precision == 0.5)
        #expect(abs(scores.recall - 2.0 / 3) < 1e-12)
        let dcg = 1.0 + 1 / log2(4.0), idcg = 1.0 + 1 / log2(3.0) + 1 / log2(4.0)
        #expect(abs(scores.ndcg - dcg / idcg) < 1e-12)
        #expect(abs(scores.averagePrecision - (1.0 + 2.0 / 3) / 3) < 1e-12)
        #expect(scores.hit == 1)
        let miss = RankingScores(recommended: [1, 2], relevant: [3], k: 2)
        #expect(miss == RankingScores(recommended: [], relevant: [3], k: 2))
        #expect(miss.hit == 0 && miss.ndcg == 0)
        // More relevant items than K: ideal DCG stops at K.
        #expect(RankingScores(recommended: [1, 2], relevant: [1, 2, 3, 4], k: 2).ndcg == 1)
    }
}

@Suite struct SplitTests {
    let dataset = PlantedClusters(users: 30, items: 40, perUser: 11).dataset

    func pairs(_ data: Dataset) -> Set<String> {
        var result = Set<String>()
        for user in 0 ..< data.userCount {
            for entry in data.byUser.range(of: user) { result.insert("\(user)-\(data.byUser.columns[entry])") }
        }
        return result
    }

    @Test func temporalHoldsOutTheLatestFifthOfEachUser() throws {
        let split = try Split(dataset, .temporal(0.2))
        for user in 0 ..< dataset.userCount {
            let range = dataset.byUser.range(of: user)
            #expect(split.test[user].count == 3)  // ⌈11 / 5⌉
            let latestTrain = split.train.byUser.timestamps[split.train.byUser.range(of: user)].max() ?? 0
            #expect(split.test[user].allSatisfy { $0.timestamp >= latestTrain })
            #expect(split.train.byUser.count(of: user) + split.test[user].count == range.count)
            let trainItems = Set(split.train.byUser.columns[split.train.byUser.range(of: user)].map(Int.init))
            #expect(split.test[user].allSatisfy { !trainItems.contains($0.item) })
        }
        #expect(split.train.itemIDs == dataset.itemIDs && split.train.userIDs == dataset.userIDs)
    }

    @Test func randomIsDeterministicPerSeedAndDisjoint() throws {
        let a = try Split(dataset, .random(0.2, seed: 1)), b = try Split(dataset, .random(0.2, seed: 1)), c = try Split(dataset, .random(0.2, seed: 2))
        #expect(a.test == b.test)
        #expect(a.test != c.test)
        for user in 0 ..< dataset.userCount {
            let trainItems = Set(a.train.byUser.columns[a.train.byUser.range(of: user)].map(Int.init))
            #expect(a.test[user].allSatisfy { !trainItems.contains($0.item) })
        }
    }

    @Test func leaveLastAndParsing() throws {
        let split = try Split(dataset, .leaveLast(2))
        #expect(split.test.allSatisfy { $0.count == 2 })
        #expect(try SplitSpec(parsing: "random:0.25:7") == .random(0.25, seed: 7))
        #expect(try SplitSpec(parsing: "file:a.tsv,b.tsv") == .files(train: "a.tsv", test: "b.tsv"))
        #expect(throws: DataError(.badRequest, "split 'temporal:1.5': the fraction must be between 0 and 1, found '1.5'")) {
            try SplitSpec(parsing: "temporal:1.5")
        }
    }

    @Test func exportKeepsExtremeRatingsWithoutTrapping() throws {
        var builder = DatasetBuilder()
        builder.addInteraction(user: "u", item: "a", rating: 1e30, timestamp: 1)
        builder.addInteraction(user: "u", item: "b", rating: 2.5, timestamp: 2)
        let folder = try TemporaryDirectory()
        try Split(builder.build(), .leaveLast(1)).export(to: folder.path)
        let train = try String(contentsOfFile: "\(folder.path)/train.tsv", encoding: .utf8)
        let test = try String(contentsOfFile: "\(folder.path)/test.tsv", encoding: .utf8)
        #expect(train == "user\titem\trating\ttimestamp\nu\ta\t1e+30\t1\n")
        #expect(test == "user\titem\trating\ttimestamp\nu\tb\t2.5\t2\n")
    }

    @Test func exportedSplitReadsBackAsTheSameSplit() throws {
        let folder = try TemporaryDirectory()
        let split = try Split(dataset, .temporal(0.2))
        try split.export(to: folder.path)
        let again = try Split(dataset, .files(train: "\(folder.path)/train.tsv", test: "\(folder.path)/test.tsv"))
        #expect(pairs(again.train) == pairs(split.train))
        #expect(again.test.map { Set($0.map(\.item)) } == split.test.map { Set($0.map(\.item)) })
        let header = try String(contentsOfFile: "\(folder.path)/test.tsv", encoding: .utf8).split(separator: "\n").first
        #expect(header == "user\titem\trating\ttimestamp")
    }
}
