import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistTestSupport
import Testing

/// The result of running the `shortlist` binary.
struct Run {
    /// The exit status, or minus the signal that ended the process.
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The built `shortlist` binary.
func shortlistBinary() throws -> String {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("shortlist")
    let candidates =
        [binary.path]
        + ["debug", "release"].map {
            FileManager.default.currentDirectoryPath + "/.build/\($0)/shortlist"
        }
    return try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
        "the shortlist binary is not built")
}

/// Runs `executable` in `folder` with `arguments`; with `environment`, in that environment only
/// (else this process's, with `adding` added). Its standard output is read unless `output`
/// gives it somewhere else to go (a device, a pipe nobody reads).
func run(
    _ executable: String, _ arguments: [String], in folder: String, output: FileHandle? = nil,
    environment: [String: String]? = nil, adding: [String: String] = [:]
) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment =
        environment ?? ProcessInfo.processInfo.environment.merging(adding) { $1 }
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = output ?? out
    process.standardError = err
    try process.run()
    let stdout = output == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationReason == .uncaughtSignal
            ? -process.terminationStatus : process.terminationStatus,
        stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Runs the built `shortlist` binary in `folder` with `arguments` and `environment` added to
/// this process's; its standard output is read unless `output` gives it somewhere else to go.
func shortlist(
    _ arguments: [String], in folder: String, output: FileHandle? = nil,
    environment: [String: String] = [:]
) throws -> Run {
    try run(
        try shortlistBinary(), arguments, in: folder, output: output, adding: environment)
}

/// Runs the built `shortlist` binary through `/bin/sh -c script` (the binary as `$0`, then
/// `arguments`), so that the script can set limits before it execs the binary.
func shortlistInShell(_ script: String, arguments: [String], in folder: String) throws -> Run {
    try run("/bin/sh", ["-c", script, try shortlistBinary()] + arguments, in: folder)
}

/// A temporary folder holding planted data as delimited files and a pipelines file whose
/// `pipelines:` section is `pipelines`.
func project(
    _ pipelines: String = """
    pipelines:
      default:
        n: 5
        candidates:
          - {name: popular, type: weighted-rating, limit: 40}
          - {name: recent, type: weighted-rating, limit: 20, half-life-days: 3}
        filters: {exclude: ["i3"]}
        ranker: {type: weighted-average, weights: {recent: 0.5}}
    """
) throws -> TemporaryDirectory {
    let folder = try TemporaryDirectory()
    let dataset = try folder.writeDelimited(PlantedClusters().dataset)
    try folder.write("pipelines.yaml", dataset + "\n" + pipelines)
    return folder
}

@Suite struct CLITests {
    @Test func recommendWithExplanationsThenReuse() throws {
        let folder = try project()
        let first = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        let lines = first.stdout.split(separator: "\n")
        #expect(
            lines.first
                == "Recommendations for user u5 from pipeline 'default' (known user with 12 interactions)"
        )
        #expect(lines.filter { $0.hasPrefix("       ranker: popular ") }.count == 5)
        #expect(
            lines.filter {
                $0.hasPrefix("       popular: ") && $0.contains(" votes, mean rating ")
                    && $0.contains(" average (score ")
            }.count == 5)
        let detailed = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--detail"], in: folder.path)
        #expect(
            detailed.stdout.split(separator: "\n").filter {
                $0.hasPrefix("       popular: own mean share ") && $0.contains(" · votes ")
            }.count == 5)
        #expect(lines.contains { $0.hasPrefix("  1  i") })
        #expect(first.stderr.components(separatedBy: "fitted in").count == 4)
        let second = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #expect(second.stderr.components(separatedBy: "reused artifact").count == 4)
        #expect(
            second.stdout.split(separator: "\n").filter { $0.hasPrefix("  1  ") }
                == lines.filter { $0.hasPrefix("  1  ") })
    }

    @Test func recommendAsJSON() throws {
        let folder = try project()
        let run = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--format", "json", "-n", "3"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let items = try #require(object["recommendations"] as? [[String: Any]])
        #expect(items.count == 3)
        let stages = try #require(items[0]["stages"] as? [[String: Any]])
        #expect(stages.map { $0["stage"] as? String } == ["popular", "recent"])
        let explanation = try #require(stages[0]["explanation"] as? [String: Any])
        let terms = try #require(explanation["terms"] as? [[String: Any]])
        #expect(terms.compactMap { $0["subject"] as? String } == ["own-mean-share", "prior-share"])
        #expect(
            abs(
                terms.compactMap { $0["value"] as? Double }.reduce(0, +)
                    - (stages[0]["score"] as? Double ?? .nan)) < 1e-9)
        #expect((explanation["details"] as? [Any])?.count == 4)
        let contributions = try #require(items[0]["contributions"] as? [[String: Any]])
        let sum = contributions.compactMap { $0["value"] as? Double }.reduce(0, +)
        #expect(abs(sum - (items[0]["score"] as? Double ?? .nan)) < 1e-9)
    }

    @Test func explainSplitsAWideAndDeepScoreIntoTermsThatAddUpAndTheListShowsItsChances() throws {
        let folder = try project()
        let dataset = try folder.writeDelimited(PlantedClusters().dataset)
        try folder.write(
            "learned.yaml",
            dataset + """

                pipelines:
                  learned:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 40}
                      - {name: recent, type: weighted-rating, limit: 20, half-life-days: 3}
                    ranker: {type: wide-and-deep, epochs: 2, hidden: [8]}
                """)
        let listed = try shortlist(
            ["recommend", "--config", "learned.yaml", "--user", "u5", "--format", "json"],
            in: folder.path)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("two-stage training of the ranker of 'learned'"))
        #expect(listed.stderr.contains("ranker of 'learned': epoch 2/2: training loss "))
        let recommended = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let items = try #require(recommended["recommendations"] as? [[String: Any]])
        let item = try #require(items.first?["item"] as? String)
        let run = try shortlist(
            [
                "explain", "--config", "learned.yaml", "--user", "u5", "--item", item, "--format",
                "json",
            ],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let contributions = try #require(json["contributions"] as? [[String: Any]])
        let names = contributions.compactMap { $0["name"] as? String }
        #expect(
            names.contains("bias") && names.contains("deep: user")
                && names.contains("deep: popular"))
        #expect(
            names.contains { $0.contains("DeepLIFT") } && names.contains { $0.hasPrefix("wide: ") })
        let sum = contributions.compactMap { $0["value"] as? Double }.reduce(0, +)
        #expect(abs(sum - (json["score"] as? Double ?? .nan)) < 1e-4)
        let table = try shortlist(
            ["explain", "--config", "learned.yaml", "--user", "u5", "--item", item], in: folder.path
        )
        #expect(
            table.stdout.split(separator: "\n").contains {
                $0.hasPrefix("ranker wide-and-deep: ") && $0.contains("deep: user ")
            })
        // The list reads Wide & Deep's logits as the chances they stand for.
        let list = try shortlist(
            ["recommend", "--config", "learned.yaml", "--user", "u5"], in: folder.path)
        let rows = list.stdout.split(separator: "\n")
        #expect(rows.contains { $0.hasPrefix("  #  item   title") && $0.contains(" chance ") })
        for item in items {
            let logit = try #require(item["score"] as? Double)
            let chance = String(format: "%.1f%%", 100 / (1 + exp(-logit)))
            let id = try #require(item["item"] as? String)
            #expect(
                rows.contains { $0.contains(" \(id) ") && $0.contains(" \(chance) ") },
                "no row of \(id) shows \(chance)")
        }
    }

    @Test func batchForEveryUser() throws {
        let folder = try project()
        let tsv = try shortlist(
            ["recommend", "--users", "all", "--format", "tsv"], in: folder.path)
        #expect(tsv.status == 0, "\(tsv.stderr)")
        let rows = tsv.stdout.split(separator: "\n")
        #expect(rows.first == "user\titem\trank\tscore")
        #expect(rows.count == 1 + 120 * 5)
        #expect(rows[1].hasPrefix("u0\t") && rows[1].split(separator: "\t")[2] == "1")
        #expect(tsv.stderr.contains("recommended for 120 users in"))
        try folder.write("users.txt", "u1\nstranger\n")
        let jsonl = try shortlist(
            ["recommend", "--users", "users.txt", "--format", "jsonl"], in: folder.path)
        let lines = jsonl.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let stranger = try #require(
            try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect((stranger["recommendations"] as? [Any])?.count == 5)
        let user = try #require(stranger["user"] as? [String: Any])
        #expect(user["id"] as? String == "stranger" && user["known"] as? Bool == false)
        #expect(
            jsonl.stderr.contains(
                "note: 1 of the 2 users (the first 'stranger') are not in the dataset: they get "
                    + "the lists of a user with no history"))
        #expect(!tsv.stderr.contains("not in the dataset"))
    }

    @Test func explainAnItemInTheListAndOneThatIsNot() throws {
        let folder = try project()
        let json = try shortlist(
            ["recommend", "--user", "u5", "--format", "json"], in: folder.path)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let top = try #require(
            (object["recommendations"] as? [[String: Any]])?.first?["item"] as? String)
        let inList = try shortlist(["explain", "--user", "u5", "--item", top], in: folder.path)
        #expect(inList.status == 0, "\(inList.stderr)")
        #expect(inList.stdout.contains("verdict: recommended at rank 1 of 5"))
        #expect(inList.stdout.contains("ranker weighted-average: popular "))
        let filtered = try shortlist(["explain", "--user", "u5", "--item", "i3"], in: folder.path)
        #expect(filtered.stdout.contains("verdict: not recommended: removed by the filter exclude"))
        let asJSON = try shortlist(
            ["explain", "--user", "u5", "--item", "i3", "--format", "json"], in: folder.path)
        let verdict = try #require(
            try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any])
        #expect(verdict["verdict"] as? String == "filtered")
        #expect(verdict["filteredBy"] as? [String] == ["exclude"])
    }

    @Test func validateReportsThePlannedArtifactsOrTheErrorAndFails() throws {
        let folder = try project()
        let good = try shortlist(["validate"], in: folder.path)
        #expect(good.status == 0)
        #expect(
            good.stdout
                == "pipelines.yaml: valid; pipelines 'default' (2 candidate stages); dataset has the fields every stage needs and the items every filter names\n"
                + "'default': 3 artifacts, 0 stored; to fit: popular, recent, ranker\n"
        )
        _ = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        let fitted = try shortlist(["validate"], in: folder.path)
        #expect(fitted.stdout.hasSuffix("\n'default': 3 artifacts, 3 stored\n"))
        let text = try String(contentsOfFile: "\(folder.path)/pipelines.yaml", encoding: .utf8)
        try folder.write(
            "bad.yaml",
            text.replacingOccurrences(of: "half-life-days: 3}", with: "half-life-day: 3}"))
        let bad = try shortlist(["validate", "bad.yaml"], in: folder.path)
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
        #expect(
            bad.stderr == """
                bad.yaml:10:58: error: unknown key 'half-life-day' in 'weighted-rating'. Did you mean 'half-life-days'?
                      - {name: recent, type: weighted-rating, limit: 20, half-life-day: 3}
                                                                         ^

                """)
    }

    @Test func pluginsListsEveryPluginWithItsParameters() throws {
        let folder = try project()
        let run = try shortlist(["plugins"], in: folder.path)
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.filter { line in
                [PluginKind.generator, .ranker, .rerankStep].contains {
                    line.hasSuffix("  (\($0.rawValue))")
                }
            }.count == builtInPlugins.entries.count)
        for entry in builtInPlugins.entries {
            #expect(lines.contains("\(entry.type)  (\(entry.kind.rawValue))"), "\(entry.type)")
            for parameter in entry.parameters {
                #expect(
                    lines.contains {
                        $0.hasPrefix("    \(parameter.key) ")
                            && $0.contains("  \(parameter.type)  ")
                            && $0.contains("  \(parameter.defaultValue)")
                    },
                    "\(entry.type): \(parameter.key)")
            }
        }
        #expect(
            lines.contains(
                "    min-votes-quantile  number in [0, 1]                        0.9                          m as this quantile of the rated items' vote counts"
            ))
        #expect(lines.contains("    can list similar items, predict ratings"))
    }

    @Test func userErrorsAreOneLineWithoutATrap() throws {
        let folder = try project()
        let cases: [([String], String)] = [
            (
                ["explain", "--user", "u1", "--item", "zzz"],
                "error: unknown item 'zzz': the dataset has no such item\n"
            ),
            (
                ["recommend", "--user", "u1", "--config", "missing.yaml"],
                "missing.yaml: error: the pipelines file does not exist\n"
            ),
            (
                ["recommend", "--user", "u1", "--pipeline", "defualt"],
                "error: no pipeline named 'defualt' in pipelines.yaml. Did you mean 'default'?\n"
            ),
            (
                ["recommend", "--users", "nobody.txt"],
                "error: nobody.txt: the file does not exist\n"
            ),
        ]
        for (arguments, message) in cases {
            let run = try shortlist(arguments, in: folder.path)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.hasSuffix(message), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Fatal error"))
        }
        try folder.write(
            "data/interactions.tsv", "user\titem\trating\ttimestamp\nu1\ti1\tfive\t1\n")
        let malformed = try shortlist(["recommend", "--user", "u1"], in: folder.path)
        #expect(malformed.status == 1)
        #expect(
            malformed.stderr == "error: data/interactions.tsv:2: rating 'five' is not a number\n")
        let badCount = try shortlist(["recommend", "--user", "u1", "-n", "0"], in: folder.path)
        #expect(
            badCount.status != 0 && badCount.stderr.contains("-n must be from 1 to 10000, found 0"))
        let emptyUser = try shortlist(["recommend", "--user", ""], in: folder.path)
        #expect(
            emptyUser.status != 0
                && emptyUser.stderr.contains("--user needs a user id, found an empty one"))
        let nanThreshold = try shortlist(["evaluate", "--threshold", "nan"], in: folder.path)
        #expect(
            nanThreshold.status != 0
                && nanThreshold.stderr.contains(
                    "The value 'nan' is invalid for '--threshold <threshold>': 'nan' is not a "
                        + "decimal number")
        )
    }

    @Test func aMalformedCommandLineSaysErrorLikeEveryOtherErrorAndExits64() throws {
        let folder = try project()
        for arguments in [
            ["recommend", "--user", "u1", "-n", "0"], ["recommend", "--usr", "u1"],
            ["feedback", "--request", "r1"],
        ] {
            let run = try shortlist(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.hasPrefix("error: "), "\(run.stderr)")
            #expect(run.stderr.contains("\nUsage: shortlist \(arguments[0]) "), "\(run.stderr)")
        }
        let help = try shortlist(["recommend", "--help"], in: folder.path)
        #expect(help.status == 0 && help.stdout.contains("USAGE: shortlist recommend"))
    }

    @Test func unknownUserGetsAnAnswer() throws {
        let folder = try project()
        let run = try shortlist(["recommend", "--user", "someone-new"], in: folder.path)
        #expect(run.status == 0)
        #expect(
            run.stdout.hasPrefix(
                "Recommendations for user someone-new from pipeline 'default' (unknown user: no history)"
            ))
        #expect(run.stdout.split(separator: "\n").filter { $0.hasPrefix("  5  ") }.count == 1)
    }

    @Test func csvInteractionsAloneAreEnough() throws {
        let folder = try TemporaryDirectory()
        try folder.write(
            "ratings.csv", "who,what,stars\nann,a,5\nann,b,4\nbob,a,4\nbob,c,2\ncid,b,5\n")
        try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              interactions: {file: ratings.csv, user: who, item: what, rating: stars}
            pipelines:
              default:
                n: 2
                candidates: [{name: popular, type: weighted-rating, limit: 10, min-votes: 1}]
                ranker: {type: weighted-average}
            """)
        let run = try shortlist(["recommend", "--user", "cid", "--format", "tsv"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "user\titem\trank\tscore\ncid\ta\t1\t1.0\ncid\tc\t2\t0.0\n")
    }

    @Test func evaluatePrintsEveryStageAndTheSameNumbersAsJSON() throws {
        let folder = try project()
        let table = try shortlist(
            [
                "evaluate", "--split", "temporal:0.2", "-k", "5", "--save-recommendations",
                "top.tsv",
            ], in: folder.path)
        #expect(table.status == 0, "\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "Evaluation of pipeline 'default' on split temporal:0.2, K = 5, relevant = held-out rating ≥ 4"
        )
        #expect(
            lines.contains { $0.hasPrefix("  popular ") }
                && lines.contains { $0.hasPrefix("  recent ") })
        #expect(
            lines.contains { $0.hasPrefix("union of candidates") }
                && lines.contains { $0.hasPrefix("final list") })
        let json = try shortlist(
            ["evaluate", "--split", "temporal:0.2", "-k", "5", "--format", "json"], in: folder.path)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let final = try #require(report["final"] as? [String: Double])
        let finalRow = try #require(lines.first { $0.hasPrefix("final list") })
        #expect(finalRow.contains(String(format: "%.4f", try #require(final["ndcg"]))))
        #expect(report["usersEvaluated"] as? Int == 120)
        let saved = try String(contentsOfFile: "\(folder.path)/top.tsv", encoding: .utf8).split(
            separator: "\n")
        #expect(saved.first == "user\titem\trank\tscore" && saved.count == 1 + 120 * 5)
        let export = try shortlist(["evaluate", "--export-split", "split"], in: folder.path)
        #expect(export.status == 0)
        #expect(FileManager.default.fileExists(atPath: "\(folder.path)/split/train.tsv"))
        let fromFiles = try shortlist(
            [
                "evaluate", "--split", "file:split/train.tsv,split/test.tsv", "-k", "5", "--format",
                "json",
            ], in: folder.path)
        let again = try #require(
            try JSONSerialization.jsonObject(with: Data(fromFiles.stdout.utf8)) as? [String: Any])
        #expect((again["final"] as? [String: Double])?["ndcg"] == final["ndcg"])
    }

    @Test func similarItemsPerStage() throws {
        let folder = try project()
        let none = try shortlist(["similar", "--item", "i4"], in: folder.path)
        #expect(none.status == 1)
        #expect(
            none.stderr.hasSuffix(
                "error: no candidate stage of pipeline 'default' can list similar items (these plugin types can: matrix-factorization, tfidf, triplet-embedding)\n"
            ))
        let text = try String(contentsOfFile: "\(folder.path)/pipelines.yaml", encoding: .utf8)
        try folder.write(
            "pipelines.yaml",
            text.replacingOccurrences(
                of: "- {name: recent, type: weighted-rating, limit: 20, half-life-days: 3}",
                with: "- {name: recent, type: tfidf, limit: 20, fields: [genres]}"))
        let run = try shortlist(
            ["similar", "--item", "i4", "-n", "3", "--format", "json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let lists = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(lists.map { $0["stage"] as? String } == ["recent"])
        let items = try #require(lists.first?["similar"] as? [[String: Any]])
        // Item i4 is in planted cluster 0 with genre g0: its genre neighbours are i0, i8, …
        #expect(
            items.count == 3
                && items.allSatisfy {
                    (Int(($0["item"] as? String ?? "").dropFirst()) ?? 1) % 4 == 0
                })
        let unknown = try shortlist(
            ["similar", "--item", "i4", "--stage", "nope"], in: folder.path)
        #expect(
            unknown.stderr.hasSuffix(
                "error: pipeline 'default' has no candidate stage named 'nope'; its stages are popular, recent\n"
            ))
        let incapable = try shortlist(
            ["similar", "--item", "i4", "--stage", "popular"], in: folder.path)
        #expect(
            incapable.stderr.hasSuffix(
                "error: stage 'popular' (weighted-rating) of pipeline 'default' cannot list similar items; "
                    + "its stages that can: recent (tfidf)\n"))
    }
}
