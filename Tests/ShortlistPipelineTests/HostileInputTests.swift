import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistTestSupport
import Synchronization
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

    @Test func aRunThatReusesEveryArtifactRemovesTheTemporaryFilesOfDeadProcesses() throws {
        let fixture = try Fixture()
        _ = try fixture.prepare()
        let artifacts = "\(fixture.folder.path)/.shortlist/artifacts"
        let datasets = "\(fixture.folder.path)/.shortlist/datasets"
        // A process id that no running process has: the highest the kernel can hand out, plus one.
        let dead = [
            "\(artifacts)/weighted-rating-0.bin.tmp-4194305-7", "\(datasets)/x.bin.tmp-4194305-7",
        ]
        let before = fixture.artifacts
        for path in dead { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path)) }
        _ = fixture.log()
        _ = try fixture.prepare()
        #expect(fixture.artifacts == before)
        #expect(!fixture.log().contains { $0.contains(": fitted in") })
        for path in dead { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
    }

    @Test func aSymbolicLinkLoopWhereTheArtifactsGoIsNamed() throws {
        let fixture = try Fixture()
        let shortlist = "\(fixture.folder.path)/.shortlist"
        try FileManager.default.createSymbolicLink(
            atPath: shortlist, withDestinationPath: ".shortlist")
        _ = try fixture.prepare()
        let warnings = fixture.log().filter { $0.hasPrefix("warning: ") }
        #expect(!warnings.isEmpty)
        #expect(
            warnings.allSatisfy {
                $0.hasSuffix(
                    "cannot create the artifact folder \(shortlist)/artifacts: \(shortlist) is a "
                        + "symbolic link that loops")
                    || $0.hasSuffix(
                        "cannot create the dataset cache folder: \(shortlist) is a symbolic link "
                            + "that loops")
            }, "\(warnings)")
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
            try loadComparingWithReference(delimited("\(file)/r.csv", [.user: "u", .item: "i"]))
        }
        #expect(
            throws: DataError(.missingFile, "the file is a folder, not a file", file: folder.path)
        ) {
            try loadComparingWithReference(delimited(folder.path, [.user: "u", .item: "i"]))
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
            "\(folder.path)/r.csv", [.user: "u", .item: "i", .rating: "r", .timestamp: "t"])
        let (dataset, report) = try loadComparingWithReference(spec)
        #expect(report.mergedDuplicates == 2)
        #expect(dataset.interactionCount == 2 && dataset.byUser.ratings == [5, 4])
    }

    @Test func anItemDeclaredTwiceIsAMalformedRow() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "u,i\n1,a\n")
        try folder.write("items.csv", "i,title\na,First\nb,Other\na,Again\n")
        var spec = delimited("\(folder.path)/r.csv", [.user: "u", .item: "i"])
        spec.items = TableSpec(
            file: "\(folder.path)/items.csv", delimiter: ",",
            columns: [.item: "i", .title: "title"])
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
            format: .recbole, path: "\(folder.path)/movies", fetch: .movieLens100K)
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
        ) { try DatasetFetcher.fetch(.movieLens100K, into: folder.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["notes.txt"])
    }

    @Test func aByteOrderMarkIsNotPartOfTheHeader() throws {
        let folder = try TemporaryDirectory()
        try folder.write("r.csv", "\u{FEFF}user,item\n1,a\n")
        let spec = delimited("\(folder.path)/r.csv", [.user: "user", .item: "item"])
        #expect(try loadComparingWithReference(spec).0.userIDs == ["1"])
    }

    /// A delimited dataset of one comma-separated interactions file.
    func delimited(_ file: String, _ columns: [ColumnRole: String]) -> DatasetSpec {
        DatasetSpec(
            format: .delimited, path: (file as NSString).deletingLastPathComponent,
            interactions: TableSpec(file: file, delimiter: ",", columns: columns))
    }
}

/// Values in data files that cannot be used, and what the load summary counts.
@Suite struct DataValueTests {
    func delimited(
        _ folder: TemporaryDirectory, _ interactions: String, items: String? = nil,
        users: String? = nil, skip: Bool = false
    ) throws -> DatasetSpec {
        let path = try folder.write("r.csv", interactions)
        var spec = DatasetSpec(
            format: .delimited, path: folder.path, skipMalformed: skip,
            interactions: TableSpec(
                file: path, delimiter: ",",
                columns: [.user: "u", .item: "i", .rating: "r", .timestamp: "t"]))
        if let items {
            spec.items = TableSpec(
                file: try folder.write("items.csv", items), delimiter: ",",
                columns: [.item: "i", .title: "title", .year: "year"])
        }
        if let users {
            spec.users = TableSpec(
                file: try folder.write("users.csv", users), delimiter: ",",
                columns: [.user: "u", .age: "age", .gender: "gender", .occupation: "job"])
        }
        return spec
    }

    @Test func aRowWithMoreFieldsThanTheHeaderIsAMalformedRow() throws {
        let folder = try TemporaryDirectory()
        let spec = try delimited(folder, "u,i,r,t\n1,a,4,100\n1,b,5,17031,c,4,200\n2,a,3,100\n")
        #expect(
            throws: DataError(
                .malformedRow, "expected 4 fields, found 7", file: "\(folder.path)/r.csv", line: 3)
        ) { try loadComparingWithReference(spec) }
        let skipped = try delimited(
            folder, "u,i,r,t\n1,a,4,100\n1,b,5,17031,c,4,200\n2,a,3,100\n", skip: true)
        let (dataset, report) = try loadComparingWithReference(skipped)
        #expect(dataset.interactionCount == 2)
        #expect(report.skippedRows == ["\(folder.path)/r.csv": 1])
        let items = try delimited(
            folder, "u,i,r,t\n1,a,4,100\n", items: "i,title,year\na,Alpha,1990,extra\n")
        #expect(
            throws: DataError(
                .malformedRow, "expected 3 fields, found 4", file: "\(folder.path)/items.csv",
                line: 2)
        ) { try loadComparingWithReference(items) }
    }

    @Test func numbersInDataFilesAreDecimalOnly() throws {
        let folder = try TemporaryDirectory()
        let file = "\(folder.path)/r.csv"
        for (row, message) in [
            ("1,a,0x10,100", "rating '0x10' is not a number"),
            ("1,a,inf,100", "rating 'inf' is not a number"),
            ("1,a,1e300,100", "rating '1e300' is outside ±1000000"),
            ("1,a,4,0x10", "timestamp '0x10' is not a number of seconds"),
        ] {
            let spec = try delimited(folder, "u,i,r,t\n\(row)\n")
            #expect(throws: DataError(.malformedRow, message, file: file, line: 2)) {
                try loadComparingWithReference(spec)
            }
        }
        let decimal = try delimited(folder, "u,i,r,t\n1,a,+4.5e0,100\n2,a,.5,100\n")
        #expect(try loadComparingWithReference(decimal).0.byUser.ratings == [4.5, 0.5])
    }

    @Test func onlyLineFeedsAndCarriageReturnsEndLines() throws {
        let folder = try TemporaryDirectory()
        let spec = try delimited(
            folder, "u,i,r,t\n1,a,4,100\r\n2,b,3,200\r3,a,5,300\n\u{0B}\u{0C} \n",
            items: "i,title,year\na,Alpha\u{2028}Beta,1995\nb,Gamma\u{85}Delta\u{0B}\u{0C},1996\n")
        let dataset = try loadComparingWithReference(spec).0
        #expect(dataset.userIDs == ["1", "2", "3"])
        #expect(
            dataset.items.map(\.title) == ["Alpha\u{2028}Beta", "Gamma\u{85}Delta\u{0B}\u{0C}"])
    }

    @Test func ratingsWithMoreDigitsThanAnIntegerHoldsAreReadNotTrapped() throws {
        let folder = try TemporaryDirectory()
        let many = String(repeating: "7", count: 40)
        let spec = try delimited(folder, "u,i,r,t\n1,a,\(many),100\n")
        #expect(
            throws: DataError(
                .malformedRow, "rating '\(many)' is outside ±1000000", file: "\(folder.path)/r.csv",
                line: 2)
        ) { try loadComparingWithReference(spec) }
        let small = "0.\(String(repeating: "0", count: 30))5"
        let fine = try delimited(
            folder, "u,i,r,t\n1,a,\(small),100\n2,a,00000000000000000004,100\n")
        #expect(try loadComparingWithReference(fine).0.byUser.ratings == [5e-31, 4])
    }

    @Test func itemAndUserValuesThatCannotBeUsedAreMalformedRows() throws {
        let folder = try TemporaryDirectory()
        let items = "\(folder.path)/items.csv"
        let users = "\(folder.path)/users.csv"
        for (itemRow, userRow, file, message) in [
            (
                "a,Alpha,99999", "1,30,F,writer", items,
                "year '99999' is not a year from 1000 to 9999 (or a date that ends in one)"
            ),
            (
                "a,Alpha,-5", "1,30,F,writer", items,
                "year '-5' is not a year from 1000 to 9999 (or a date that ends in one)"
            ),
            (
                "a,Alpha,1990", "1,abc,F,writer", users,
                "age 'abc' is not a whole number of years from 0 to 150"
            ),
            (
                "a,Alpha,1990", "1,-1,F,writer", users,
                "age '-1' is not a whole number of years from 0 to 150"
            ),
            (
                "a,Alpha,1990", "1,30,Q,writer", users,
                "gender 'Q' is not one of F, M, O, U, X or a word such as 'female'"
            ),
        ] {
            let spec = try delimited(
                folder, "u,i,r,t\n1,a,4,100\n", items: "i,title,year\n\(itemRow)\n",
                users: "u,age,gender,job\n\(userRow)\n")
            #expect(throws: DataError(.malformedRow, message, file: file, line: 2)) {
                try loadComparingWithReference(spec)
            }
        }
    }

    @Test func missingValuesAndUnlistedIdsAreCountedInTheLoadSummary() throws {
        let folder = try TemporaryDirectory()
        let spec = try delimited(
            folder, "u,i,r,t\n1,a,4,100\n2,b,5,100\n3,c,4,100\n3,d,2,100\n",
            items: "i,title,year\na,Alpha,01-Jan-1995\nb,Beta,\n",
            users: "u,age,gender,job\n1,,female,\n2,40,,writer\n")
        let (dataset, report) = try loadComparingWithReference(spec)
        #expect(dataset.items.map(\.year) == [1995, nil, nil, nil])
        #expect(
            report.missing
                == LoadReport.MissingValues(
                    itemYears: 1, userAges: 1, userGenders: 1, userOccupations: 1))
        #expect(report.unlistedItems == 2 && report.unlistedUsers == 2)
        try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              interactions: {file: r.csv, user: u, item: i, rating: r, timestamp: t}
              items: {file: items.csv, item: i, title: title, year: year}
              users: {file: users.csv, user: u, age: age, gender: gender, occupation: job}
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """)
        var lines: [String] = []
        for _ in 0..<2 {
            let log = Mutex<[String]>([])
            _ = try Workspace(
                path: "\(folder.path)/pipelines.yaml", registry: registry,
                report: { event in log.withLock { $0.append(logLine(event)) } }
            ).loadDataset()
            lines = log.withLock { $0 }
            // The second load reads the dataset cache, which keeps the counts.
            #expect(
                lines == [
                    "dataset: 1 item of the items file has no year",
                    "dataset: 1 user of the users file has no age",
                    "dataset: 1 user of the users file has no gender",
                    "dataset: 1 user of the users file has no occupation",
                    "dataset: 2 interactions name items the items file lacks (they are titled by "
                        + "their ids)",
                    "dataset: 2 interactions name users the users file lacks",
                ])
        }
    }

    @Test func aHeaderNamingAMappedColumnTwiceIsAnErrorNamingBothPositions() throws {
        let folder = try TemporaryDirectory()
        let spec = try delimited(folder, "u,i,r,t,i\n1,a,4,100,b\n")
        #expect(
            throws: DataError(
                .malformedRow, "the header names column 'i' (for item) twice, as columns 2 and 5",
                file: "\(folder.path)/r.csv", line: 1)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func aRecBolePathThatIsAFileSaysSo() throws {
        let folder = try TemporaryDirectory()
        let file = try folder.write("ml-100k", "not a folder")
        #expect(
            throws: DataError(
                .missingFile, "is a file; a RecBole dataset is a folder of atomic files",
                file: file)
        ) { try DatasetLoader.load(DatasetSpec(format: .recbole, path: file)) }
    }
}

/// What a newcomer's hostile trial found the loaders still accepting.
@Suite struct LoaderTrialTests {
    @Test func skipMalformedSkipsAQuoteLeftOpenButNotInTheHeader() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("r.csv", "u,i\n1,a\n2,\"b\n3,c\n")
        var spec = DatasetSpec(
            format: .delimited, path: folder.path, skipMalformed: true,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i"]))
        let (dataset, report) = try loadComparingWithReference(spec)
        #expect(dataset.userIDs == ["1", "3"])
        #expect(report.skippedRows == [path: 1])
        try folder.write("r.csv", "u,\"i\n1,a\n")
        #expect(
            throws: DataError(
                .malformedRow, "a quoted field is not closed on its line", file: path, line: 1)
        ) { try loadComparingWithReference(spec) }
        spec.skipMalformed = false
        try folder.write("r.csv", "u,i\n1,a\n2,\"b\n3,c\n")
        #expect(
            throws: DataError(
                .malformedRow, "a quoted field is not closed on its line", file: path, line: 3)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func skipMalformedNamesAHeaderWithoutAMappedColumnBeforeAQuoteLeftOpenBelowIt() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("r.csv", "u,x\n1,a\n2,\"b\n")
        var spec = DatasetSpec(
            format: .delimited, path: folder.path, skipMalformed: true,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i"]))
        #expect(
            throws: DataError(
                .missingColumn, "no column 'i' (for item) in the header; the columns are u, x",
                file: path, line: 1)
        ) { try loadComparingWithReference(spec) }
        spec.skipMalformed = false
        #expect(
            throws: DataError(
                .malformedRow, "a quoted field is not closed on its line", file: path, line: 3)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func groupLensRowsHoldExactlyTheirFormatsFields() throws {
        let folder = try TemporaryDirectory()
        try folder.write("u.data", "1\t10\t4\t881250949\n")
        let flags = Array(repeating: "0", count: 19).joined(separator: "|")
        try folder.write("u.item", "10|Heat (1995)|01-Jan-1995||url|\(flags)|extra\n")
        let spec = DatasetSpec(format: .grouplens, path: folder.path)
        #expect(
            throws: DataError(
                .malformedRow, "expected 24 fields, found 25", file: "\(folder.path)/u.item",
                line: 1)
        ) { try loadComparingWithReference(spec) }
        try folder.write("u.item", "10|Heat (1995)|01-Jan-1995||url|\(flags)\n")
        try folder.write("u.user", "1|24|M|technician|85711|extra\n")
        #expect(
            throws: DataError(
                .malformedRow, "expected 5 fields, found 6", file: "\(folder.path)/u.user",
                line: 1)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func aRecBoleHeaderNamingAnIdFieldTwiceIsAnError() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "d/d.inter", "user_id:token\titem_id:token\titem_id:token\n1\ta\tb\n")
        #expect(
            throws: DataError(
                .malformedRow, "the header names 'item_id' twice, as fields 2 and 3",
                file: "\(folder.path)/d/d.inter", line: 1)
        ) {
            try loadComparingWithReference(DatasetSpec(format: .recbole, path: "\(folder.path)/d"))
        }
    }

    @Test func aRecBoleHeaderNamingAValueFieldTwiceIsAnError() throws {
        let folder = try TemporaryDirectory()
        let spec = DatasetSpec(format: .recbole, path: "\(folder.path)/d")
        for (file, header, row, message) in [
            (
                "d.inter", "user_id:token\titem_id:token\trating:float\trating:float", "1\ta\t4\t5",
                "the header names 'rating' twice, as fields 3 and 4"
            ),
            (
                "d.item", "item_id:token\ttitle:token_seq\tname:token_seq", "a\tHeat\tHeat",
                "the header names both 'title' and 'name', as fields 2 and 3"
            ),
            (
                "d.user", "user_id:token\tage:float\tage:float", "1\t24\t25",
                "the header names 'age' twice, as fields 2 and 3"
            ),
        ] {
            try folder.write("d/d.inter", "user_id:token\titem_id:token\n1\ta\n")
            try folder.write("d/\(file)", "\(header)\n\(row)\n")
            #expect(
                throws: DataError(
                    .malformedRow, message, file: "\(folder.path)/d/\(file)", line: 1)
            ) { try loadComparingWithReference(spec) }
            if file != "d.inter" {
                try FileManager.default.removeItem(atPath: "\(folder.path)/d/\(file)")
            }
        }
    }

    @Test func aTrainingFileMustHoldInteractionsAndRowsTheirHeadersFields() throws {
        let folder = try TemporaryDirectory()
        let dataset = try loadComparingWithReference(
            DatasetSpec(
                format: .delimited, path: folder.path,
                interactions: TableSpec(
                    file: try folder.write("r.csv", "u,i\n1,a\n2,b\n"), delimiter: ",",
                    columns: [.user: "u", .item: "i"]))
        ).0
        let train = try folder.write("train.csv", "user,item\n")
        let test = try folder.write("test.csv", "user,item\n1,b\n")
        #expect(
            throws: DataError(
                .empty, "the training file holds no interactions, so nothing can be fitted",
                file: train)
        ) { try Split(dataset, .files(train: train, test: test)) }
        try folder.write("train.csv", "user,item\n1,a,5,100,x\n")
        #expect(
            throws: DataError(.malformedRow, "expected 2 fields, found 5", file: train, line: 2)
        ) {
            try Split(dataset, .files(train: train, test: test))
        }
    }

    @Test func aSplitThatHoldsOutEveryInteractionIsAnError() throws {
        let folder = try TemporaryDirectory()
        let dataset = try loadComparingWithReference(
            DatasetSpec(
                format: .delimited, path: folder.path,
                interactions: TableSpec(
                    file: try folder.write("r.csv", "u,i,t\n1,a,10\n2,b,20\n3,a,30\n"),
                    delimiter: ",", columns: [.user: "u", .item: "i", .timestamp: "t"]))
        ).0
        for spec in [SplitSpec.temporal(0.2), .random(0.2, seed: 1)] {
            #expect(
                throws: RequestError(
                    .invalid,
                    "split '\(spec)' holds out every interaction (each user's share rounds up to "
                        + "all of their interactions), so nothing is left to fit")
            ) { try Split(dataset, spec) }
        }
    }
}

extension LoaderTrialTests {
    @Test func anIdHoldingAControlCharacterIsAMalformedRow() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("r.csv", "u,i\n1,a\n2,\"x\ty\"\n")
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i"]))
        #expect(
            throws: DataError(
                .malformedRow,
                "the item id holds a control character (U+0009); an id is text without tabs or "
                    + "line ends", file: path, line: 3)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func anExportedSplitWithQuotesInItsIdsReadsBackAsItWas() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write(
            "r.csv", "u,i,t\n1,\"q\"\"z\",1\n1,b,2\n2,\"q\"\"z\",1\n2,c,2\n")
        let (dataset, _) = try loadComparingWithReference(
            DatasetSpec(
                format: .delimited, path: folder.path,
                interactions: TableSpec(
                    file: path, delimiter: ",",
                    columns: [.user: "u", .item: "i", .timestamp: "t"])))
        #expect(dataset.itemIDs.contains("q\"z"))
        let split = try Split(dataset, .leaveLast(1))
        try split.export(to: "\(folder.path)/split")
        let again = try Split(
            dataset,
            .files(train: "\(folder.path)/split/train.tsv", test: "\(folder.path)/split/test.tsv"))
        #expect(again.train.interactionCount == split.train.interactionCount)
        #expect(again.testCount == split.testCount)
    }
}

extension LoaderTrialTests {
    @Test func pathsThatAreNotWhatTheyMustBeSaySo() throws {
        let folder = try TemporaryDirectory()
        #expect(
            throws: DataError(
                .missingFile, "the folder does not exist", file: "\(folder.path)/nope")
        ) {
            try loadComparingWithReference(
                DatasetSpec(format: .recbole, path: "\(folder.path)/nope"))
        }
        #expect(throws: DataError(.fetchFailed, "the folder to fetch into has an empty path")) {
            try DatasetFetcher.fetch(.movieLens100K, into: "")
        }
        let dataset = try loadComparingWithReference(
            DatasetSpec(
                format: .delimited, path: folder.path,
                interactions: TableSpec(
                    file: try folder.write("r.csv", "u,i,t\n1,a,1\n1,b,2\n"), delimiter: ",",
                    columns: [.user: "u", .item: "i", .timestamp: "t"]))
        ).0
        let loop = "\(folder.path)/loop.csv"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: "loop.csv")
        #expect(
            throws: DataError(.missingFile, "the file is a symbolic link that loops", file: loop)
        ) {
            try DatasetLoader.load(
                DatasetSpec(
                    format: .delimited, path: folder.path,
                    interactions: TableSpec(
                        file: loop, delimiter: ",", columns: [.user: "u", .item: "i"])))
        }
        let file = try folder.write("afile", "x")
        #expect(
            throws: DataError(
                .unwritable,
                "is not a folder; the split is written as train.tsv and test.tsv inside a folder",
                file: file)
        ) { try Split(dataset, .leaveLast(1)).export(to: file) }
    }

    @Test func aHeaderReadAsOneColumnNamesTheDelimiterItSeemsToHave() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("r.csv", "userId,movieId\n1,a\n")
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: path, delimiter: "\t", columns: [.user: "userId", .item: "movieId"]))
        #expect(
            throws: DataError(
                .missingColumn,
                "no column 'movieId' (for item) in the header; the columns are userId,movieId; the "
                    + "header is one column, so the delimiter looks like ',', not a tab: set "
                    + "'delimiter:'", file: path, line: 1)
        ) { try loadComparingWithReference(spec) }
    }
}

extension LoaderTrialTests {
    @Test func anArtifactWithBytesAfterItsPayloadIsRefittedSayingSo() throws {
        let fixture = try Fixture()
        _ = try fixture.prepare()
        let path = try #require(fixture.artifacts.first)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 7, count: 100))
        try handle.close()
        _ = fixture.log()
        _ = try fixture.prepare()
        #expect(
            fixture.log().contains {
                $0.hasSuffix("\(path) holds bytes after its payload; refitting")
            })
    }

    @Test func aLearnedWeightedAverageWithNoPositiveToLearnFromIsALocatedError() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 30}
                    ranker: {type: weighted-average, learn: true, positive-rating: 1000}
                """)
        #expect {
            try fixture.prepare()
        } throws: { error in
            "\(error)".contains(
                "no user has a held-out interaction rated at least 1000, so there is nothing to "
                    + "learn from")
        }
    }
}
