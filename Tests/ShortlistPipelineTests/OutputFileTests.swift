import Foundation
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// Output files are written without destroying what is at their path.
@Suite struct OutputFileTests {
    func kind(_ path: String) throws -> FileAttributeType? {
        try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
    }

    @Test func aRegularFileIsReplacedWholeAndKeepsItsPermissions() throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("out.tsv", "old\n")
        chmod(path, 0o640)
        try OutputFile.write("new\n", to: path, what: "the list")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
        #expect(mode as? Int == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.tsv"])
    }

    @Test func aFIFOIsWrittenInPlaceForItsReader() async throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/pipe"
        #expect(mkfifo(path, 0o600) == 0)
        let reader = Task.detached {
            // Opening for reading waits for the writer, as a reader of a named pipe does.
            let handle = FileHandle(forReadingAtPath: path)
            return handle.map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }
        }
        try OutputFile.write("through the pipe\n", to: path, what: "the list")
        #expect(await reader.value == "through the pipe\n")
        var status = stat()
        #expect(lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func aSymbolicLinkIsFollowedToItsTargetEvenBeforeTheTargetExists() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder.path)/link", withDestinationPath: "real/target.svg")
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder.path)/second", withDestinationPath: "link")
        try OutputFile.write("<svg/>", to: "\(folder.path)/second", what: "the chart")
        #expect(try kind("\(folder.path)/second") == .typeSymbolicLink)
        #expect(try kind("\(folder.path)/link") == .typeSymbolicLink)
        #expect(
            try String(contentsOfFile: "\(folder.path)/real/target.svg", encoding: .utf8)
                == "<svg/>")
        try OutputFile.write("<svg></svg>", to: "\(folder.path)/link", what: "the chart")
        #expect(
            try String(contentsOfFile: "\(folder.path)/real/target.svg", encoding: .utf8)
                == "<svg></svg>")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/real")
                == ["target.svg"])
    }

    @Test func devicesAreWrittenInPlaceAndTheirErrorsNamed() throws {
        try OutputFile.write("nothing", to: "/dev/null", what: "the list")
        #expect(try kind("/dev/null") == .typeCharacterSpecial)
        #expect(
            throws: DataError(
                .unwritable, "cannot write the list: No space left on device", file: "/dev/full")
        ) { try OutputFile.write("too much", to: "/dev/full", what: "the list") }
        #expect(try kind("/dev/full") == .typeCharacterSpecial)
    }

    @Test func aLinkLoopAndAFolderAreOneErrorEach() throws {
        let folder = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder.path)/a", withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(
            atPath: "\(folder.path)/b", withDestinationPath: "a")
        #expect(
            throws: DataError(
                .unwritable, "cannot write the chart: its symbolic links form a loop",
                file: "\(folder.path)/a")
        ) { try OutputFile.write("x", to: "\(folder.path)/a", what: "the chart") }
        #expect(
            throws: DataError(
                .unwritable, "cannot write the chart: it is a folder", file: folder.path)
        ) { try OutputFile.write("x", to: folder.path, what: "the chart") }
    }
}
