import Foundation
import ReferenceLoader
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// The dataset cache: a warm run reads what a cold run built, and nothing stale or damaged is
/// ever trusted.
@Suite struct DatasetCacheTests {
    /// A delimited dataset with an items file, and a workspace over it that records its log
    /// and the progress steps it reports.
    final class Setup: @unchecked Sendable {
        let folder: TemporaryDirectory
        let path: String
        private let lock = NSLock()
        private var lines: [String] = []
        private var steps: Set<String> = []

        init() throws {
            folder = try TemporaryDirectory()
            try folder.write(
                "ratings.csv",
                "user,item,rating,time\n1,a,5,100\n1,b,3,200\n2,a,4,150\n2,c,2,120\n3,b,5,90\n")
            try folder.write(
                "items.csv", "item,title,genres\na,Alpha (1990),Drama\nb,Beta,Comedy|Drama\n")
            path = try folder.write(
                "pipelines.yaml",
                """
                dataset:
                  format: delimited
                  interactions: {file: ratings.csv, user: user, item: item, rating: rating, timestamp: time}
                  items: {file: items.csv, item: item, title: title, genres: genres}
                pipelines:
                  default:
                    candidates:
                      - {name: popular, type: weighted-rating}
                    ranker: {type: weighted-average}
                """)
        }

        /// Loads the dataset as a command does; returns it with the log lines and whether any
        /// file was parsed (the loader reports progress for every file it reads).
        func load() throws -> (dataset: Dataset, log: [String], parsed: Bool) {
            let workspace = try Workspace(
                path: path, registry: registry,
                report: { event in self.lock.withLock { self.lines.append(logLine(event)) } },
                progress: { _ in
                    ProgressReporter { step, _, _ in
                        _ = self.lock.withLock { self.steps.insert(step) }
                    }
                })
            let dataset = try workspace.loadDataset()
            return lock.withLock {
                defer {
                    lines = []
                    steps = []
                }
                return (dataset, lines, steps.contains { $0.hasPrefix("reading") })
            }
        }

        var cacheFiles: [String] {
            let names = try? FileManager.default.contentsOfDirectory(
                atPath: "\(folder.path)/.shortlist/datasets")
            return (names ?? []).filter { $0.hasSuffix(".bin") }.sorted()
        }
    }

    @Test func aWarmRunReadsTheCachedDatasetWithoutParsingAndGetsTheSameData() throws {
        let setup = try Setup()
        let cold = try setup.load()
        #expect(cold.parsed)
        #expect(setup.cacheFiles.count == 1)
        let warm = try setup.load()
        #expect(!warm.parsed)
        #expect(ReferenceDataset(warm.dataset) == ReferenceDataset(cold.dataset))
        #expect(warm.dataset.fingerprint == cold.dataset.fingerprint)
        #expect(warm.dataset.user("2") == cold.dataset.user("2"))
        #expect(warm.log == cold.log)
    }

    @Test func aChangedSourceFileIsReadAgainAndReplacesTheOldCache() throws {
        let setup = try Setup()
        _ = try setup.load()
        let first = setup.cacheFiles
        try setup.folder.write(
            "ratings.csv",
            "user,item,rating,time\n1,a,5,100\n1,b,3,200\n2,a,4,150\n2,c,2,120\n3,b,5,90\n4,c,1,10\n"
        )
        let changed = try setup.load()
        #expect(changed.parsed && changed.dataset.userCount == 4)
        #expect(setup.cacheFiles.count == 1 && setup.cacheFiles != first)
        // The same size and modification time, one byte different: the bytes' hash tells.
        let file = "\(setup.folder.path)/ratings.csv"
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        try setup.folder.write(
            "ratings.csv",
            "user,item,rating,time\n1,a,5,100\n1,b,3,200\n2,a,4,150\n2,c,2,120\n3,b,5,90\n4,c,2,10\n"
        )
        try FileManager.default.setAttributes(
            [.modificationDate: attributes[.modificationDate] as Any], ofItemAtPath: file)
        let rewritten = try setup.load()
        #expect(rewritten.parsed)
        #expect(rewritten.dataset.byUser.ratings.last == 2)
        // An items file the loader reads is part of the identity too.
        try setup.folder.write("items.csv", "item,title,genres\na,Alpha (1990),Drama\n")
        let fewerTitles = try setup.load()
        #expect(fewerTitles.parsed && fewerTitles.dataset.items[1].title == "b")
    }

    @Test func aNewFormatVersionDoesNotReadWhatAnOlderOneWrote() throws {
        let setup = try Setup()
        let (dataset, _, _) = try setup.load()
        let spec = try PipelinesFile.load(path: setup.path, registry: registry).dataset
        let folder = "\(setup.folder.path)/.shortlist/datasets"
        let current = DatasetCache(folder: folder)
        let next = DatasetCache(
            folder: folder, formatVersion: DatasetCache.currentFormatVersion + 1)
        #expect(current.load(current.key(for: spec), warn: { _ in }) != nil)
        #expect(next.key(for: spec) != current.key(for: spec))
        #expect(next.load(next.key(for: spec), warn: { _ in }) == nil)
        try next.store(dataset, report: LoadReport(), under: next.key(for: spec))
        #expect(setup.cacheFiles == [(next.key(for: spec).path as NSString).lastPathComponent])
    }

    @Test func aCacheThatCannotBeWrittenIsOneWarningAndTheLoadGoesOn() throws {
        let setup = try Setup()
        // A file where the cache folder would be: nothing can be written inside it.
        try setup.folder.write(".shortlist/datasets", "not a folder")
        let run = try setup.load()
        #expect(run.parsed && run.dataset.userCount == 3)
        #expect(
            run.log.filter { $0.hasPrefix("warning: the dataset is not cached: ") }
                == [
                    "warning: the dataset is not cached: \(setup.folder.path)/.shortlist/datasets: "
                        + "cannot create the dataset cache folder: \(setup.folder.path)/.shortlist/"
                        + "datasets is a file, so nothing can be inside it"
                ], "\(run.log)")
    }

    @Test(arguments: ["truncated", "lengthened", "flipped", "foreign"])
    func aDamagedCacheIsRebuiltWithAWarningAndNeverTrusted(damage: String) throws {
        let setup = try Setup()
        let cold = try setup.load()
        let path = "\(setup.folder.path)/.shortlist/datasets/\(setup.cacheFiles[0])"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        switch damage {
        case "truncated": bytes.removeLast(bytes.count / 2)
        case "lengthened": bytes += [1, 2, 3, 4, 5]
        case "flipped": bytes[60] ^= 0x10
        default: bytes.replaceSubrange(0..<4, with: Array("JUNK".utf8))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let rebuilt = try setup.load()
        let expected =
            [
                "truncated": "is truncated", "lengthened": "has bytes after its end",
                "flipped": "fails its checksum",
                "foreign": "is not a Shortlist dataset cache",
            ][damage] ?? ""
        #expect(
            rebuilt.log.contains {
                $0.hasPrefix("warning: dataset cache \(path) \(expected)")
                    && $0.hasSuffix("; loading the dataset from its files")
            }, "\(rebuilt.log)")
        #expect(rebuilt.parsed)
        #expect(ReferenceDataset(rebuilt.dataset) == ReferenceDataset(cold.dataset))
        let again = try setup.load()
        #expect(!again.parsed && again.log == cold.log)
    }
}

extension DatasetCacheTests {
    @Test(.timeLimit(.minutes(1)))
    func aCacheFileThatIsAFIFOIsRebuiltWithAWarningWithoutWaiting() throws {
        let setup = try Setup()
        let cold = try setup.load()
        let path = "\(setup.folder.path)/.shortlist/datasets/\(setup.cacheFiles[0])"
        unlink(path)
        #expect(mkfifo(path, 0o600) == 0)
        let rebuilt = try setup.load()
        #expect(
            rebuilt.log.filter { $0.hasPrefix("warning") } == [
                "warning: dataset cache \(path) is not a regular file; loading the dataset from "
                    + "its files"
            ])
        #expect(rebuilt.parsed)
        #expect(ReferenceDataset(rebuilt.dataset) == ReferenceDataset(cold.dataset))
        var status = stat()
        #expect(lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
    }
}
