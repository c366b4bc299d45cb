import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistTestSupport
import Testing

/// Pipelines files written to break the reader, and the one clear error each gets.
@Suite struct HostileFileTests {
    let delimited = """
        dataset:
          format: delimited
          interactions: {file: r.csv, user: u, item: i%@}
        pipelines:
          default:
            candidates: [{name: popular, type: weighted-rating}]
            ranker: {type: weighted-average}
        """

    @Test func aLineEndAsADelimiterIsRefusedWhereItIsWritten() {
        #expect(
            configurationError(
                delimited.replacingOccurrences(of: "%@", with: #", delimiter: "\n""#))
                    == """
                    pipelines.yaml:3:60: error: 'delimiter' in 'interactions' in 'dataset' must be one character other than '"' or a line end, found '\\n'
                      interactions: {file: r.csv, user: u, item: i, delimiter: "\\n"}
                                                                               ^
                    """)
    }

    @Test func oneColumnForTwoRolesIsALocatedError() {
        #expect(
            configurationError(
                delimited.replacingOccurrences(of: "item: i%@", with: "item: u"))
                    == """
                    pipelines.yaml:3:46: error: 'item' in 'interactions' in 'dataset' names column 'u', which 'user' names too; each role needs a column of its own
                      interactions: {file: r.csv, user: u, item: u}
                                                                 ^
                    """)
    }

    @Test func emptyPipelinesSayTheyAreEmpty() {
        #expect(
            configurationError(dataset + "pipelines: {}\n") == """
                pipelines.yaml:4:12: error: 'pipelines' is empty; it needs at least one pipeline
                pipelines: {}
                           ^
                """)
    }

    @Test func aKeyTooLongForYAMLSaysSo() {
        let key = String(repeating: "k", count: 10_000)
        let error = configurationError(dataset + "pipelines:\n  \(key): 1\n")
        #expect(
            error?.hasPrefix(
                "pipelines.yaml:5:10003: error: the key is 10000 characters long; YAML allows a "
                    + "key of at most 1024\n") == true, "\(error ?? "")")
    }

    @Test func aFileThatIsNotUTF8IsNamedByLineAndColumn() throws {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/pipelines.yaml"
        try Data(Array((dataset + "pipelines:\n  dé").utf8) + [0xFF] + Array(": 1\n".utf8)).write(
            to: URL(fileURLWithPath: path))
        #expect(
            throws: ConfigurationError(
                .unreadable, file: path, line: 5, column: 5,
                message: "the pipelines file is not UTF-8 text")
        ) { try PipelinesFile.load(path: path, registry: builtInPlugins) }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFolderOrAFIFOAsThePipelinesFileSaysWhatItIs() throws {
        let folder = try TemporaryDirectory()
        #expect(
            throws: ConfigurationError(
                .unreadable, file: folder.path,
                message: "the pipelines file is a folder, not a file")
        ) { try PipelinesFile.load(path: folder.path, registry: builtInPlugins) }
        let fifo = "\(folder.path)/pipelines.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(
            throws: ConfigurationError(
                .unreadable, file: fifo, message: "the pipelines file is not a regular file")
        ) { try PipelinesFile.load(path: fifo, registry: builtInPlugins) }
    }

    @Test func aPipelinesFileThatIsALinkThatLoopsOrLeadsNowhereSaysSo() throws {
        let folder = try TemporaryDirectory()
        let loop = "\(folder.path)/loop.yaml"
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        #expect(
            throws: ConfigurationError(
                .unreadable, file: loop, message: "the pipelines file is a symbolic link that loops"
            )
        ) { try PipelinesFile.load(path: loop, registry: builtInPlugins) }
        let dangling = "\(folder.path)/dangling.yaml"
        try FileManager.default.createSymbolicLink(
            atPath: dangling, withDestinationPath: "\(folder.path)/gone.yaml")
        #expect(
            throws: ConfigurationError(
                .unreadable, file: dangling,
                message: "the pipelines file is a symbolic link to nothing")
        ) { try PipelinesFile.load(path: dangling, registry: builtInPlugins) }
    }
}

extension HostileFileTests {
    func firstLine(_ text: String) -> String? {
        configurationError(text).map { String($0.split(separator: "\n")[0]) }
    }

    @Test func aFeedbackStoreThatIsEmptyOrAnotherKindOfURLIsRefusedWhereItIsWritten() {
        #expect(
            firstLine("feedback-store: \"\"\n" + dataset + "pipelines: {p: {}}\n")
                == "pipelines.yaml:1:17: error: 'feedback-store' is empty")
        #expect(
            firstLine("feedback-store: mysql://x\n" + dataset + "pipelines: {p: {}}\n")
                == "pipelines.yaml:1:17: error: 'feedback-store' names a 'mysql' URL; a feedback "
                + "store is a SQLite file's path or a postgres:// URL")
    }

    @Test func aPathUnderTheDelimitedFormatIsRefused() {
        let text = delimited.replacingOccurrences(of: "%@", with: "")
            .replacingOccurrences(
                of: "  format: delimited\n", with: "  format: delimited\n  path: data\n")
        #expect(
            firstLine(text)
                == "pipelines.yaml:3:3: error: 'path' applies to the recbole and grouplens formats; a "
                + "delimited dataset names its files in 'interactions', 'items' and 'users'")
    }

    @Test func aPipelineNamedNothingIsRefused() {
        #expect(
            firstLine(
                dataset + "pipelines:\n  '':\n    candidates: [{name: p, type: weighted-rating}]\n"
                    + "    ranker: {type: weighted-average}\n")
                == "pipelines.yaml:5:3: error: a pipeline needs a name that is not empty "
                + "(--pipeline NAME and the server choose it by its name)")
    }

    @Test func aControlCharacterAndATopLevelKeyTooLongAreNamedWhereTheyAre() {
        #expect(
            firstLine(dataset + "pipelines:\n  p:\n    n: 5\u{0}\n")
                == "pipelines.yaml:6:9: error: the file holds a control character (U+0000), which "
                + "YAML does not allow")
        let key = String(repeating: "k", count: 5_000)
        #expect(
            firstLine(dataset + "\(key): 1\npipelines: {}\n")
                == "pipelines.yaml:4:5001: error: the key is 5000 characters long; YAML allows a key "
                + "of at most 1024")
    }
}

extension HostileFileTests {
    @Test func anEmptyFileAndAnArmNamedRankerAreRefusedWhereTheyAreWritten() {
        #expect(
            firstLine(
                delimited.replacingOccurrences(of: "file: r.csv", with: "file: ''")
                    .replacingOccurrences(of: "%@", with: ""))
                == "pipelines.yaml:3:24: error: 'file' in 'interactions' in 'dataset' is empty")
        let text =
            dataset + """
                pipelines:
                  ab:
                    candidates: [{name: p, type: weighted-rating}]
                    ranker:
                      type: bandit
                      arms: [p, {name: ranker, ranker: {type: weighted-average}}]

                """
        #expect(
            firstLine(text)
                == "pipelines.yaml:9:24: error: an arm needs a name other than 'ranker' (it names "
                + "the arm in reports and explanations, and 'ranker' is the ranking stage's)")
    }
}
