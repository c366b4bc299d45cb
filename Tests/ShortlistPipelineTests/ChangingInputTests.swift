import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Synchronization
import Testing

/// Inputs that change while they are read, and inputs that are not files.
@Suite struct ChangingInputTests {
    /// A folder holding `r.csv`, a few thousand interactions long.
    func ratings() throws -> (TemporaryDirectory, String, DatasetSpec) {
        let folder = try TemporaryDirectory()
        var text = "u,i,r\n"
        for n in 0..<20_000 { text += "\(n % 300),\(n % 97),\(n % 5 + 1)\n" }
        let path = try folder.write("r.csv", text)
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i", .rating: "r"]))
        return (folder, path, spec)
    }

    /// Loads `spec` on one thread in small pieces, calling `change` once, after the first piece.
    func load(
        _ spec: DatasetSpec, changingAfterTheFirstPiece change: @escaping @Sendable () -> Void
    )
        throws(DataError)
    {
        let done = Mutex(false)
        let progress = ProgressReporter { _, _, _ in
            let first = done.withLock { done in
                defer { done = true }
                return !done
            }
            if first { change() }
        }
        _ = try DatasetLoader.load(spec, threads: 1, pieceBytes: 4096, progress: progress)
    }

    @Test func aFileThatShrinksWhileItIsLoadedIsOneErrorNotASignal() throws {
        let (folder, path, spec) = try ratings()
        #expect(
            throws: DataError(
                .changed, "the file changed while it was being read; run again", file: path)
        ) {
            try load(spec) { truncate(path, 50_000) }
        }
        withExtendedLifetime(folder) {}
    }

    @Test func aFileReplacedOrRewrittenWhileItIsLoadedIsOneError() throws {
        let (folder, path, spec) = try ratings()
        let replacement = try folder.write("new.csv", "u,i,r\n1,a,5\n")
        #expect(
            throws: DataError(
                .changed, "the file changed while it was being read; run again", file: path)
        ) {
            try load(spec) { rename(replacement, path) }
        }
        let (sameFolder, same, sameSpec) = try ratings()
        // An old modification time first, so that the rewrite's is surely different.
        var times = [
            timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0),
        ]
        #expect(utimes(same, &times) == 0)
        #expect(
            throws: DataError(
                .changed, "the file changed while it was being read; run again", file: same)
        ) {
            try load(sameSpec) {
                let descriptor = open(same, O_WRONLY)
                _ = pwrite(descriptor, "9", 1, 6)
                close(descriptor)
            }
        }
        withExtendedLifetime(sameFolder) {}
    }

    @Test(.timeLimit(.minutes(1)))
    func aFIFOGivenAsAnyInputIsRefusedWithoutWaiting() throws {
        let (folder, _, spec) = try ratings()
        let fifo = "\(folder.path)/pipe.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        var interactions = spec
        interactions.interactions?.file = fifo
        #expect(throws: DataError(.missingFile, "the file is not a regular file", file: fifo)) {
            try DatasetLoader.load(interactions)
        }
        var items = spec
        items.items = TableSpec(file: fifo, delimiter: ",", columns: [.item: "i"])
        #expect(throws: DataError(.missingFile, "the file is not a regular file", file: fifo)) {
            try DatasetLoader.load(items)
        }
        let dataset = try DatasetLoader.load(spec).0
        let train = try folder.write("train.csv", "user,item\n1,2\n")
        #expect(throws: DataError(.missingFile, "the file is not a regular file", file: fifo)) {
            try Split(dataset, .files(train: train, test: fifo))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anArtifactThatIsAFIFOIsRefittedWithAWarning() throws {
        let fixture = try Fixture()
        _ = try fixture.prepare()
        let path = try #require(fixture.artifacts.first)
        unlink(path)
        #expect(mkfifo(path, 0o600) == 0)
        _ = try fixture.prepare()
        #expect(
            fixture.log().contains {
                $0.hasSuffix("cannot read \(path): the file is not a regular file; refitting")
            })
        var status = stat()
        #expect(lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG)
    }

    @Test func invalidUTF8IsNamedByLineAndColumn() throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/r.csv"
        try Data(Array("u,i\n1,a\n2,bé".utf8) + [0xFF, 0x0A]).write(
            to: URL(fileURLWithPath: path))
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i"]))
        #expect(
            throws: DataError(
                .badEncoding, "the file is not UTF-8 text", file: path, line: 3, column: 5)
        ) { try loadComparingWithReference(spec) }
    }

    @Test func aLineLongerThanOneMiBIsALocatedErrorInEveryReader() throws {
        let folder = try TemporaryDirectory()
        let long = String(repeating: "x", count: (1 << 20) + 1)
        let path = try folder.write("r.csv", "u,i\n1,a\n2,\(long)\n3,c\n")
        let spec = DatasetSpec(
            format: .delimited, path: folder.path,
            interactions: TableSpec(
                file: path, delimiter: ",", columns: [.user: "u", .item: "i"]))
        #expect(
            throws: DataError(
                .malformedRow, "the line is longer than 1 MiB", file: path, line: 3)
        ) { try loadComparingWithReference(spec) }
    }
}
