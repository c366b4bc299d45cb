import Foundation
import ShortlistStore
import ShortlistTestSupport
import Testing

/// Standard output that cannot be written, and output files at paths that are not plain files.
@Suite struct OutputTests {
    func full() throws -> FileHandle {
        try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
    }

    @Test func outputThatCannotBeWrittenIsOneErrorAndAFailure() throws {
        let folder = try project()
        let commands = [
            ["plugins"], ["validate"], ["--help"], ["recommend", "--user", "u5"],
            ["recommend", "--user", "u5", "--format", "json"],
            ["recommend", "--users", "all", "--format", "tsv"],
            ["recommend", "--users", "all", "--format", "jsonl"],
            ["evaluate"], ["artifacts", "list"],
        ]
        for arguments in commands {
            let run = try shortlist(arguments, in: folder.path, output: try full())
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(
                run.stderr.hasSuffix("error: cannot write the output: No space left on device\n"),
                "\(arguments): \(run.stderr)")
        }
    }

    @Test func aBanditResponseAndFeedbackThatCannotBeAcknowledgedFail() throws {
        let bandit = try projectWithBandit()
        for arguments in [
            ["recommend", "--config", "ab.yaml", "--user", "u5"],
            ["ab", "report", "--config", "ab.yaml"],
        ] {
            let run = try shortlist(arguments, in: bandit.path, output: try full())
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(
                run.stderr.hasSuffix("error: cannot write the output: No space left on device\n"))
        }
        let (folder, store) = try projectWithServedRequest()
        let single = try shortlist(
            ["feedback", "--request", "r1", "--item", "i1", "--reward", "1"], in: folder.path,
            output: try full())
        #expect(single.stderr == "error: cannot write the output: No space left on device\n")
        #expect(single.status == 1)
        // The first line is stored, its acknowledgement fails, and the batch stops there.
        try folder.write("batch.tsv", "r1\ti0\t1\nr1\ti2\t1\n")
        let batch = try shortlist(
            ["feedback", "--batch", "batch.tsv"], in: folder.path, output: try full())
        #expect(batch.stderr == "error: cannot write the output: No space left on device\n")
        #expect(batch.status == 1)
        let rewarded = try store.impressions(pipeline: "default").filter { $0.reward == 1 }
        #expect(rewarded.map(\.arm).sorted() == ["a", "b"])
    }

    @Test func aReaderThatClosesThePipeEndsTheCommandQuietly() throws {
        let folder = try project()
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let run = try shortlist(
            ["recommend", "--users", "all", "--format", "tsv"], in: folder.path,
            output: pipe.fileHandleForWriting)
        #expect(run.status == -SIGPIPE)
        #expect(!run.stderr.contains("error"), "\(run.stderr)")
    }

    @Test func evaluateWritesItsFilesThroughLinksAndIntoDevices() throws {
        let folder = try project()
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder.path)/chart.svg", withDestinationPath: "real/chart.svg")
        let run = try shortlist(
            ["evaluate", "--plot", "chart.svg", "--save-recommendations", "/dev/null"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let link = try FileManager.default.destinationOfSymbolicLink(
            atPath: "\(folder.path)/chart.svg")
        #expect(link == "real/chart.svg")
        let chart = try String(contentsOfFile: "\(folder.path)/real/chart.svg", encoding: .utf8)
        #expect(chart.hasPrefix("<svg"))
        #expect(
            try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type]
                as? FileAttributeType
                == .typeCharacterSpecial)
        let full = try shortlist(
            ["evaluate", "--save-recommendations", "/dev/full"], in: folder.path)
        #expect(full.status == 1)
        #expect(
            full.stderr.hasSuffix(
                "error: /dev/full: cannot write the recommendations: No space left on device\n"))
    }

    @Test func outputFilesNamingStandardOutputOrErrorWriteAfterWhatTheCommandWroteThere() throws {
        let folder = try project()
        let piped = try shortlist(
            ["evaluate", "--save-recommendations", "/dev/stdout", "--plot", "/dev/stderr"],
            in: folder.path)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("user\titem\trank\tscore\n"))
        #expect(piped.stdout.contains("\nEvaluation of pipeline 'default'"))
        #expect(piped.stderr.contains("<svg"))
        let path = "\(folder.path)/out.txt"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let redirected = try shortlist(
            ["evaluate", "--save-recommendations", "/dev/stdout"], in: folder.path, output: file)
        try file.close()
        #expect(redirected.status == 0, "\(redirected.stderr)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.hasPrefix("user\titem\trank\tscore\n"))
        #expect(written.contains("\nEvaluation of pipeline 'default'"))
    }
}
