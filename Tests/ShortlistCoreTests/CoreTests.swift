import Foundation
import ShortlistTestSupport
import Testing

@testable import ShortlistCore

@Suite struct MathTests {
    @Test func underALimitOfOneCoreConcurrentMapRunsOnTheCallingThreadAlone() {
        let caller = pthread_self()
        let (onCaller, available) = Cores.$limit.withValue(1) {
            (
                concurrentMap(256, chunk: 1) { _ in pthread_equal(pthread_self(), caller) != 0 },
                Cores.available
            )
        }
        #expect(onCaller.allSatisfy { $0 })
        #expect(available == 1)
        #expect(Cores.available == ProcessInfo.processInfo.activeProcessorCount)
    }

    @Test func topKKeepsTheBestInOrderWithTiesByIndex() {
        var top = TopK(k: 3)
        for (item, score) in [(0, 1.0), (1, 5.0), (2, 3.0), (3, 5.0), (4, 0.5), (5, 3.0)] {
            top.insert(item, score: score)
        }
        #expect(
            top.sorted() == [
                Candidate(item: 1, score: 5), Candidate(item: 3, score: 5),
                Candidate(item: 2, score: 3),
            ])
        #expect(top.threshold == 3)
        var empty = TopK(k: 0)
        empty.insert(1, score: 1)
        #expect(empty.sorted().isEmpty)
    }

    @Test func topKAgreesWithAFullSort() {
        var random = SeededGenerator(seed: 3)
        let scores = (0..<500).map { _ in Double(Int.random(in: 0..<50, using: &random)) }
        var top = TopK(k: 25)
        for (item, score) in scores.enumerated() { top.insert(item, score: score) }
        let sorted = scores.enumerated().map { Candidate(item: $0, score: $1) }.sorted(
            by: TopK.isBetter)
        #expect(top.sorted() == Array(sorted.prefix(25)))
    }

    @Test func quantileInterpolatesLikeNumpy() {
        #expect(quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(quantile([10, 1, 5], 0.9) == 9.0)
        #expect(quantile([7], 0.3) == 7)
        #expect(quantile([], 0.5) == nil)
    }

    @Test func seededGeneratorRepeatsPerSeed() {
        var a = SeededGenerator(seed: 11)
        var b = SeededGenerator(seed: 11)
        var c = SeededGenerator(seed: 12)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func editDistanceAndClosestMatch() {
        #expect(editDistance("factor", "factors") == 1)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(closestMatch(to: "facters", in: ["factors", "epochs"]) == "factors")
        #expect(closestMatch(to: "zzz", in: ["factors", "epochs"]) == nil)
    }

    @Test func itemSetCountsDistinctMembers() {
        var set = ItemSet(capacity: 130)
        let inserted = [set.insert(129), set.insert(129), set.insert(0), set.insert(130)]
        #expect(inserted == [true, false, true, false])
        #expect(set.count == 2)
        #expect(set.contains(129) && set.contains(0) && !set.contains(64) && !set.contains(-1))
    }
}

@Suite struct DatasetTests {
    @Test func builderMapsIdsAndOrdersRowsByTime() {
        var builder = DatasetBuilder()
        builder.addItem("m1", features: ItemFeatures(title: "One", year: 2001, genres: ["a"]))
        builder.addInteraction(user: "u", item: "m2", rating: 4, timestamp: 30)
        builder.addInteraction(user: "u", item: "m1", rating: 2, timestamp: 10)
        builder.addInteraction(user: "v", item: "m1", rating: 5, timestamp: 20)
        let dataset = builder.build()
        #expect(dataset.itemIDs == ["m1", "m2"])
        #expect(dataset.userIDs == ["u", "v"])
        #expect(dataset.byUser.offsets == [0, 2, 3])
        #expect(dataset.byUser.columns == [0, 1, 0])
        #expect(dataset.byUser.ratings == [2, 4, 5])
        #expect(dataset.byItem.columns[dataset.byItem.range(of: 0)] == [0, 1])
        #expect(dataset.items[0].displayTitle == "One (2001)")
        #expect(dataset.items[1].title == "m2")
        #expect(dataset.hasRatings && dataset.hasTimestamps)
        let query = dataset.query(forUserID: "u")
        #expect(Array(query.historyItems) == [0, 1])
        #expect(dataset.query(forUserID: "stranger").user == nil)
    }

    @Test func fingerprintChangesWithTheData() {
        var a = DatasetBuilder()
        var b = DatasetBuilder()
        a.addInteraction(user: "u", item: "i", rating: 4)
        b.addInteraction(user: "u", item: "i", rating: 5)
        #expect(a.build().fingerprint == a.build().fingerprint)
        #expect(a.build().fingerprint != b.build().fingerprint)
    }

    @Test func plantedClustersPlantTheirStructure() {
        let planted = PlantedClusters(users: 40, items: 40, clusters: 4, perUser: 10, noise: 0)
        let dataset = planted.dataset
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) {
                #expect(
                    planted.itemCluster[Int(dataset.byUser.columns[entry])]
                        == planted.userCluster[user])
            }
        }
    }
}

@Suite struct ArtifactEncodingTests {
    @Test func valuesRoundTrip() throws {
        var writer = ArtifactWriter()
        writer.write(42)
        writer.write(2.5)
        writer.write("héllo")
        writer.write(["a", "", "c"])
        writer.write([Float(1.5), -2])
        var reader = ArtifactReader(bytes: writer.bytes)
        let integer = try reader.readInt()
        let double = try reader.readDouble()
        let string = try reader.readString()
        let strings = try reader.readStrings()
        let floats = try reader.readArray(of: Float.self)
        #expect(integer == 42 && double == 2.5 && string == "héllo")
        #expect(strings == ["a", "", "c"] && floats == [1.5, -2])
        #expect(reader.isAtEnd)
    }

    @Test func truncatedDataThrowsInsteadOfTrapping() {
        var writer = ArtifactWriter()
        writer.write([Double](repeating: 1, count: 10))
        #expect(
            throws: ArtifactError(
                .truncated, "a stored length (10) runs past the end of the artifact")
        ) {
            var reader = ArtifactReader(bytes: Array(writer.bytes.dropLast(3)))
            return try reader.readArray(of: Double.self)
        }
        #expect(throws: ArtifactError(.truncated, "the artifact ends early")) {
            var short = ArtifactReader(bytes: [1, 2])
            return try short.readInt()
        }
    }
}

@Suite struct ArtifactReaderTests {
    /// A double a float cannot hold (1e300 turns into infinity as a float) is refused, as is
    /// one past the bound; a value within it reads back exactly.
    @Test func aFloatReadFromADoubleIsFiniteAndBounded() throws {
        var writer = ArtifactWriter()
        for value in [2.5, 1e300, 2e6] { writer.write(value) }
        var reader = ArtifactReader(bytes: writer.bytes)
        #expect(try reader.readFiniteFloat("the mean") == 2.5)
        #expect(throws: ArtifactError.self) { try reader.readFiniteFloat("the mean") }
        #expect(throws: ArtifactError.self) { try reader.readFiniteFloat("the mean") }
    }
}
