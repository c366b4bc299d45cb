import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// Inputs a user can write that once crashed, hung or poisoned the program.
@Suite struct HostileInputTests {
    /// A delimited dataset of two ratings with the given timestamps, and a popularity stage
    /// with a half-life.
    func timestampsProject(_ first: String, _ second: String, unit: String? = nil) throws
        -> TemporaryDirectory
    {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "u,i,r,t\n1,a,5,\(first)\n2,b,4,\(second)\n")
        try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              \(unit.map { "timestamp-unit: \($0)" } ?? "")
              interactions: {file: r.csv, user: u, item: i, rating: r, timestamp: t}
            pipelines:
              default:
                candidates: [{name: recent, type: weighted-rating, half-life-days: 30, min-votes: 1}]
                ranker: {type: weighted-average}
            """)
        return folder
    }

    func load(_ folder: TemporaryDirectory) throws -> Dataset {
        try Workspace(path: "\(folder.path)/pipelines.yaml", registry: registry).loadDataset()
    }

    @Test func timestampsOutsideTheYears1900To2200AreLocatedErrors() throws {
        let folder = try timestampsProject("8000000000000000000", "-8000000000000000000")
        #expect(
            throws: DataError(
                .malformedRow,
                "timestamp '8000000000000000000' is outside the years 1900–2200 in seconds",
                file: "\(folder.path)/r.csv", line: 2)
        ) { try load(folder) }
    }

    @Test func millisecondTimestampsAreRecognisedAndCanBeRead() throws {
        let folder = try timestampsProject("1714000000000", "1714000086400")
        #expect(
            throws: DataError(
                .malformedRow,
                "timestamp '1714000000000' is outside the years 1900–2200 in seconds; it "
                    + "looks like "
                    + "milliseconds: set 'timestamp-unit: milliseconds' in the dataset section",
                file: "\(folder.path)/r.csv", line: 2)
        ) { try load(folder) }
        let dataset = try load(
            try timestampsProject("1714000000000", "1714000086400", unit: "milliseconds"))
        #expect(dataset.byUser.timestamps == [1_714_000_000, 1_714_000_086])
    }

    /// The loader no longer admits them, but a fit must not trap on any Int64 timestamps.
    @Test func weightedRatingAgesCannotOverflow() throws {
        var builder = DatasetBuilder()
        builder.addInteraction(
            user: "1", item: "a", rating: 5, timestamp: 8_000_000_000_000_000_000)
        builder.addInteraction(
            user: "2", item: "b", rating: 4, timestamp: -8_000_000_000_000_000_000)
        let generator = try buildGenerator(
            "weighted-rating", json: #"{"half-life-days": 30, "min-votes": 1}"#)
        let model = try generator.fit(TrainingData(dataset: builder.build()), progress: .silent)
        let query = Query(userID: "x", user: nil, excluded: ItemSet(capacity: 2))
        #expect(model.candidates(for: query, limit: 2).allSatisfy { $0.score.isFinite })
    }

    @Test func hugeRatingsAreRejected() throws {
        let folder = try timestampsProject("1", "2")
        try folder.write("r.csv", "u,i,r,t\n1,a,3e38,1\n")
        #expect(
            throws: DataError(
                .malformedRow, "rating '3e38' is outside ±1000000", file: "\(folder.path)/r.csv",
                line: 2)
        ) { try load(folder) }
    }

    /// Overwrites the stored artifact of `type` with `payload`, under a valid checksum.
    func replaceArtifact(
        _ fixture: Fixture, type: String, formatVersion: Int = 1, _ payload: [UInt8]
    ) throws -> String {
        let path = try #require(fixture.artifacts.first { $0.contains("/\(type)-") })
        let key = String(path.split(separator: "-").last?.dropLast(4) ?? "")
        let store = ArtifactStore(folder: "\(fixture.folder.path)/.shortlist/artifacts")
        try store.store(payload, type: type, key: key, formatVersion: formatVersion)
        return path
    }

    @Test func craftedArtifactsWithValidChecksumsAreRefitted() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    candidates:
                      - {name: als, type: matrix-factorization, limit: 20, factors: 4, epochs: 2}
                      - {name: popular, type: weighted-rating, limit: 20}
                    ranker: {type: weighted-average}
                """)
        let original = try fixture.prepare()
        _ = fixture.log()
        // A factor count whose product with the user count overflows.
        var huge = ArtifactWriter()
        huge.write("implicit")
        huge.write("binary")
        huge.write(Int.max / 2)
        let als = try replaceArtifact(fixture, type: "matrix-factorization", huge.bytes)
        // Vote counts for fewer items than the dataset has, and a NaN mean.
        var short = ArtifactWriter()
        short.write(0)
        short.write(0.0)
        short.write(Double.nan)
        short.write(1.0)
        short.write([1.0, 2.0])
        short.write([3.0, 4.0])
        let popular = try replaceArtifact(
            fixture, type: "weighted-rating", formatVersion: 2,
            short.bytes)
        let repaired = try fixture.prepare()
        let log = fixture.log()
        #expect(
            log.contains(
                "warning: stage 'als' (matrix-factorization): \(als): matrix-factorization: "
                    + "\(Int.max / 2) factors; refitting"
            ))
        #expect(
            log.contains(
                "warning: stage 'popular' (weighted-rating): \(popular): weighted-rating: the "
                    + "global mean is not a finite number; refitting"
            ))
        #expect(
            repaired.recommendAll(repaired.dataset.userIDs)
                == original.recommendAll(original.dataset.userIDs))
        var wrongSize = ArtifactWriter()
        wrongSize.write(0)
        wrongSize.write(0.0)
        wrongSize.write(3.5)
        wrongSize.write(1.0)
        wrongSize.write([1.0, 2.0])
        wrongSize.write([3.0, 4.0])
        _ = try replaceArtifact(
            fixture, type: "weighted-rating", formatVersion: 2,
            wrongSize.bytes)
        _ = try fixture.prepare()
        #expect(
            fixture.log().contains {
                $0.hasSuffix("weighted-rating covers 2 items, the dataset has 80; refitting")
            })
    }

    @Test func aDivergingFitIsALocatedErrorAndStoresNothing() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    candidates:
                      - {name: svd, type: matrix-factorization, objective: explicit, learning-rate: 10, epochs: 5}
                    ranker: {type: weighted-average}
                """)
        #expect {
            try fixture.prepare()
        } throws: { error in
            let text = "\(error)"
            return text.contains("pipelines.yaml:")
                && text.contains("matrix factorisation diverged in epoch")
                && text.contains("lower 'learning-rate' (it is 10)")
        }
        #expect(fixture.artifacts.isEmpty)
    }

    @Test func staleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let fixture = try Fixture()
        _ = try fixture.prepare()
        let folder = "\(fixture.folder.path)/.shortlist/artifacts"
        // A process id that no running process has: the highest the kernel can hand out, plus one.
        let dead = "\(folder)/weighted-rating-0.bin.tmp-4194305-7"
        let alive =
            "\(folder)/weighted-rating-0.bin.tmp-\(ProcessInfo.processInfo.processIdentifier)-7"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dead))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: alive))
        try ArtifactStore(folder: folder).store(
            [9], type: "weighted-rating", key: "1", formatVersion: 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive))
    }

    @Test func pathsThatCannotWorkSayWhy() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("plain.txt", "x")
        #expect(
            throws: DataError(
                .missingFile,
                "the file cannot exist: \(file) is a file, so "
                    + "nothing can be inside it", file: "\(file)/r.csv")
        ) {
            try loadComparingWithReference(delimited("\(file)/r.csv", ["user": "u", "item": "i"]))
        }
        #expect(
            throws: DataError(.missingFile, "the file is a folder, not a file", file: folder.path)
        ) {
            try loadComparingWithReference(delimited(folder.path, ["user": "u", "item": "i"]))
        }
        #expect(
            throws: ArtifactError(
                .io,
                "cannot create the artifact folder "
                    + "\(file)/artifacts: \(file) is a file, so nothing can be inside it")
        ) {
            try ArtifactStore(folder: "\(file)/artifacts").store(
                [1], type: "t", key: "k", formatVersion: 1)
        }
    }

    @Test func repeatedInteractionsKeepTheLatestAndAreCounted() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "u,i,r,t\n1,a,2,100\n1,a,5,300\n1,a,3,200\n2,a,4,100\n")
        let spec = delimited(
            "\(folder.path)/r.csv", ["user": "u", "item": "i", "rating": "r", "timestamp": "t"])
        let (dataset, report) = try loadComparingWithReference(spec)
        #expect(report.mergedDuplicates == 2)
        #expect(dataset.interactionCount == 2 && dataset.byUser.ratings == [5, 4])
    }

    @Test func anItemDeclaredTwiceIsAMalformedRow() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "u,i\n1,a\n")
        try folder.write("items.csv", "i,title\na,First\nb,Other\na,Again\n")
        var spec = delimited("\(folder.path)/r.csv", ["user": "u", "item": "i"])
        spec.items = TableSpec(
            file: "\(folder.path)/items.csv", delimiter: ",",
            columns: ["item": "i", "title": "title"])
        #expect(
            throws: DataError(
                .malformedRow, "item 'a' appears twice in the file",
                file: "\(folder.path)/items.csv", line: 4)
        ) {
            try loadComparingWithReference(spec)
        }
        spec.skipMalformed = true
        let (dataset, report) = try loadComparingWithReference(spec)
        #expect(
            dataset.items[0].title == "First"
                && report.skippedRows == ["\(folder.path)/items.csv": 1])
    }

    @Test func fetchedFilesAreFoundWhateverTheFolderIsCalled() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "movies/ml-100k.inter", "user_id:token\titem_id:token\trating:float\n1\ta\t4\n")
        let spec = DatasetSpec(
            format: .recbole, path: "\(folder.path)/movies", fetch: "movielens-100k")
        #expect(try loadComparingWithReference(spec).0.interactionCount == 1)
    }

    @Test func aFetchNeverWritesIntoAFolderHoldingOtherFiles() throws {
        let folder = try TemporaryDirectory()
        try folder.write("notes.txt", "mine")
        #expect(
            throws: DataError(
                .fetchFailed,
                "cannot fetch into \(folder.path): it holds other files (notes.txt); give the "
                    + "dataset a folder of its own")
        ) { try DatasetFetcher.fetch("movielens-100k", into: folder.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test func aByteOrderMarkIsNotPartOfTheHeader() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "\u{FEFF}user,item\n1,a\n")
        let spec = delimited("\(folder.path)/r.csv", ["user": "user", "item": "item"])
        #expect(try loadComparingWithReference(spec).0.userIDs == ["1"])
    }

    /// A delimited dataset of one comma-separated interactions file.
    func delimited(_ file: String, _ columns: [String: String]) -> DatasetSpec {
        DatasetSpec(
            format: .delimited, path: (file as NSString).deletingLastPathComponent,
            interactions: TableSpec(file: file, delimiter: ",", columns: columns))
    }
}
