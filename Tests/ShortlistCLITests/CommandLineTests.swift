import Foundation
import ShortlistTestSupport
import Testing

/// The command line as a newcomer meets it: options every command shares, combinations that
/// cannot both be done, the keys `plugins` lists, refitting and the debug-build warning.
@Suite struct CommandLineTests {
    @Test func validatePluginsAndDataFetchTakeConfig() throws {
        let folder = try project()
        try FileManager.default.moveItem(
            atPath: "\(folder.path)/pipelines.yaml", toPath: "\(folder.path)/mine.yaml")
        let validate = try shortlist(["validate", "--config", "mine.yaml"], in: folder.path)
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("mine.yaml: valid; pipelines 'default'"))
        let both = try shortlist(
            ["validate", "other.yaml", "--config", "mine.yaml"], in: folder.path)
        #expect(both.status == 64)
        #expect(
            both.stderr.hasPrefix(
                "error: give the pipelines file once, as an argument or as --config, not both\n"))

        let plugins = try shortlist(["plugins", "--config", "mine.yaml"], in: folder.path)
        #expect(plugins.status == 0, "\(plugins.stderr)")
        let headings = plugins.stdout.split(separator: "\n").filter { $0.hasSuffix(")") }
            .filter { !$0.hasPrefix(" ") }
        #expect(
            headings == ["weighted-rating  (candidate generator)", "weighted-average  (ranker)"])
        let missing = try shortlist(["plugins", "--config", "nope.yaml"], in: folder.path)
        #expect(missing.status == 1)
        #expect(missing.stderr == "nope.yaml: error: the pipelines file does not exist\n")

        let noFetch = try shortlist(["data", "fetch", "--config", "mine.yaml"], in: folder.path)
        #expect(noFetch.status == 1)
        #expect(
            noFetch.stderr
                == "error: the dataset of mine.yaml has no 'fetch:', so there is nothing to fetch "
                + "for it; name a dataset to fetch, such as movielens-100k\n")
        for file in ["ml-100k.inter", "ml-100k.item", "ml-100k.user"] {
            try folder.write("movies/\(file)", "")
        }
        try folder.write(
            "fetched.yaml",
            """
            dataset: {format: recbole, path: movies, fetch: movielens-100k}
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """)
        let present = try shortlist(["data", "fetch", "--config", "fetched.yaml"], in: folder.path)
        #expect(present.status == 0, "\(present.stderr)")
        #expect(present.stderr == "movielens-100k is already in movies\n")
    }

    @Test func flagsThatCannotBothBeHonouredAreRejected() throws {
        let folder = try project()
        let explain = try shortlist(["recommend", "--users", "all", "--explain"], in: folder.path)
        #expect(explain.status == 64)
        #expect(
            explain.stderr.hasPrefix(
                "error: --explain explains one user's list (--user ID); --users writes lists "
                    + "without explanations\n"))
        let export = try shortlist(
            ["evaluate", "--export-split", "split", "--save-recommendations", "top.tsv"],
            in: folder.path)
        #expect(export.status == 64)
        #expect(
            export.stderr.hasPrefix(
                "error: --export-split writes the split and stops before evaluating, so "
                    + "--save-recommendations would write nothing; run them separately\n"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/split"))
    }

    @Test func pluginsListsTheFileAndStageKeysInColumnsUnderAHeader() throws {
        let folder = try project()
        let run = try shortlist(["plugins"], in: folder.path)
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        let stage = try #require(
            lines.firstIndex(of: "keys of each candidate stage, besides its plugin's parameters"))
        let header = lines[stage + 1]
        #expect(header.hasPrefix("    key ") && header.hasSuffix("  what it sets"))
        let columns = ["type", "default", "what it sets"].map {
            header.distance(from: header.startIndex, to: header.range(of: "  \($0)")!.lowerBound)
                + 2
        }
        let limit = try #require(lines[stage...].first { $0.hasPrefix("    limit ") })
        for column in columns {
            // Every cell starts at its header's column, after at least two spaces.
            let before = limit.prefix(column).suffix(2)
            #expect(before == "  ", "column \(column) of '\(limit)'")
            #expect(limit.dropFirst(column).first != " ", "column \(column) of '\(limit)'")
        }
        #expect(limit.contains("  100  "))
        #expect(lines[stage...].contains { $0.hasPrefix("    name ") && $0.contains("required") })
        #expect(lines.contains { $0.hasPrefix("    exclude-seen ") })
    }

    @Test func refitFitsEveryStageAgain() throws {
        let folder = try project()
        let first = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #expect(first.stderr.components(separatedBy: "fitted in").count == 4)
        let refit = try shortlist(["recommend", "--user", "u5", "--refit"], in: folder.path)
        #expect(refit.status == 0, "\(refit.stderr)")
        #expect(refit.stderr.components(separatedBy: "fitted in").count == 4)
        #expect(!refit.stderr.contains("reused artifact"))
        #expect(refit.stdout == first.stdout)
        for command in [["explain", "--item", "i4"], ["simulate", "--rounds", "5"]] {
            let help = try shortlist([command[0], "--help"], in: folder.path)
            #expect(help.stdout.contains("--refit"), "\(command[0])")
        }
    }

    @Test func evaluateReusesTheArtifactsOfItsSplitsTrainingData() throws {
        let folder = try project()
        let first = try shortlist(["evaluate", "-k", "5"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.components(separatedBy: "fitted in").count == 4)
        let stored = try FileManager.default.contentsOfDirectory(
            atPath: "\(folder.path)/.shortlist/artifacts")
        let second = try shortlist(["evaluate", "-k", "5"], in: folder.path)
        #expect(second.stderr.components(separatedBy: "reused artifact").count == 4)
        #expect(!second.stderr.contains("fitted in"))
        #expect(
            try FileManager.default.contentsOfDirectory(
                atPath: "\(folder.path)/.shortlist/artifacts"
            )
            .sorted() == stored.sorted())
        let finalRow = { (run: Run) in
            run.stdout.split(separator: "\n").first { $0.hasPrefix("final list") }?
                .split(separator: " ").prefix(7)
        }
        #expect(finalRow(second) == finalRow(first))
        let refit = try shortlist(["evaluate", "-k", "5", "--refit"], in: folder.path)
        #expect(refit.stderr.components(separatedBy: "fitted in").count == 4)
    }

    @Test func aDebugBuildWarnsOnceBeforeItFits() throws {
        let folder = try project()
        let warning =
            "warning: this is a debug build, which fits stages about 400 times slower than a "
            + "release build; build with 'swift build -c release' and run .build/release/shortlist"
        let fitting = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        let loading = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #if DEBUG
            #expect(fitting.stderr.components(separatedBy: warning).count == 2)
            #expect(fitting.stderr.hasPrefix(warning + "\n"))
        #else
            #expect(!fitting.stderr.contains(warning))
        #endif
        #expect(!loading.stderr.contains(warning))
    }

    @Test func validateNamesAnExcludedItemTheDatasetLacksAtItsLine() throws {
        let folder = try project()
        let text = try String(contentsOfFile: "\(folder.path)/pipelines.yaml", encoding: .utf8)
        try folder.write(
            "pipelines.yaml",
            text.replacingOccurrences(of: #"exclude: ["i3"]"#, with: #"exclude: ["i3", "i7x"]"#))
        let run = try shortlist(["validate"], in: folder.path)
        #expect(run.status == 1)
        #expect(
            run.stderr.hasPrefix(
                "pipelines.yaml:11:31: error: the 'exclude' filter names item 'i7x', which the "
                    + "dataset does not have. Did you mean 'i7'?\n"))
        let skipped = try shortlist(["validate", "--no-data"], in: folder.path)
        #expect(skipped.status == 0)
        let recommend = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #expect(recommend.stderr == run.stderr)
    }
}

/// Interactions without ratings or timestamps: the load says what they lack, and each stage
/// and split says what it does instead.
@Suite struct DataThatLacksFieldsTests {
    /// A folder with planted interactions as `user,item` rows only, and a pipelines file.
    func bareProject(_ pipelines: String) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        let dataset = PlantedClusters().dataset
        var rows = "user,item\n"
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) {
                rows +=
                    "\(dataset.userIDs[user]),\(dataset.itemIDs[Int(dataset.byUser.columns[entry])])\n"
            }
        }
        try folder.write("clicks.csv", rows)
        try folder.write(
            "pipelines.yaml",
            """
            dataset:
              format: delimited
              interactions: {file: clicks.csv, user: user, item: item}
            pipelines:
            \(pipelines)
            """)
        return folder
    }

    static let popular = """
          default:
            n: 5
            candidates: [{name: popular, type: weighted-rating, limit: 10}]
            ranker: {type: weighted-average}
        """

    @Test func theLoadSaysOnceWhatTheDataLacks() throws {
        let folder = try bareProject(Self.popular)
        let run = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n")
        #expect(
            lines.filter {
                $0.hasPrefix(
                    "dataset: the interactions have no ratings, so every interaction counts")
            }.count == 1)
        #expect(
            lines.filter {
                $0.hasPrefix("dataset: the interactions have no timestamps, so nothing is ordered")
            }.count == 1)
        let rated = try project()
        let full = try shortlist(["recommend", "--user", "u5"], in: rated.path)
        #expect(!full.stderr.contains("the interactions have no"))
    }

    @Test func weightedRatingRanksByVoteCountWithoutRatings() throws {
        let folder = try bareProject(Self.popular)
        let run = try shortlist(
            ["recommend", "--user", "stranger", "--explain", "--format", "json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let items = try #require(object["recommendations"] as? [[String: Any]])
        let dataset = PlantedClusters().dataset
        let counts = (0..<dataset.itemCount).map { dataset.byItem.count(of: $0) }
        let scores = items.compactMap {
            ($0["stages"] as? [[String: Any]])?.first?["score"] as? Double
        }
        #expect(scores.count == 5)
        #expect(scores == scores.sorted(by: >) && Set(scores).count > 1)
        for (item, score) in zip(items, scores) {
            let id = try #require(item["item"] as? String)
            #expect(score == Double(counts[try #require(dataset.item(id))]), "\(id)")
        }
        #expect(scores.first == Double(try #require(counts.max())))
    }

    @Test func splitsByTimeAreRefusedAndEvaluateCountsEveryHeldOutInteraction() throws {
        let folder = try bareProject(Self.popular)
        for split in ["temporal:0.2", "leave-last:1"] {
            let run = try shortlist(["evaluate", "--split", split], in: folder.path)
            #expect(run.status == 1)
            #expect(
                run.stderr.hasSuffix(
                    "error: split '\(split)' holds out each user's latest interactions, but the "
                        + "data has no timestamps; use random:"
                        + (split.hasPrefix("temporal") ? "0.2" : "FRACTION")
                        + ":SEED (or file:TRAIN,TEST) instead\n"), "\(run.stderr)")
        }
        let random = try shortlist(
            ["evaluate", "--split", "random:0.2:1", "-k", "5"], in: folder.path)
        #expect(random.status == 0, "\(random.stderr)")
        #expect(
            random.stdout.hasPrefix(
                "Evaluation of pipeline 'default' on split random:0.2:1, K = 5, relevant = every "
                    + "held-out interaction (the data has no ratings)\n"))
    }

    @Test func aHalfLifeNeedsTimestampsAndALearnedRankerHoldsOutAtRandom() throws {
        let decayed = try bareProject(
            """
              default:
                candidates: [{name: recent, type: weighted-rating, half-life-days: 3}]
                ranker: {type: weighted-average}
            """)
        let run = try shortlist(["validate"], in: decayed.path)
        #expect(run.status == 1)
        #expect(
            run.stderr.hasSuffix(
                "\npipelines.yaml:6:72: error: stage 'recent' (weighted-rating) needs timestamps, "
                    + "which the dataset lacks (it has nothing besides the ids of its interactions); "
                    + "give the interactions a timestamp column, or change the setting\n"
                    + "    candidates: [{name: recent, type: weighted-rating, half-life-days: 3}]\n"
                    + String(repeating: " ", count: 71) + "^\n"))
        let learned = try bareProject(
            """
              default:
                candidates: [{name: popular, type: weighted-rating, limit: 20}]
                ranker: {type: weighted-average, learn: true}
            """)
        let fit = try shortlist(["recommend", "--user", "u5"], in: learned.path)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stderr.contains("interactions (a random 20% of each user's)"))
    }
}

@Suite struct ArtifactsCommandTests {
    @Test func listShowsWhatUsesEachArtifactAndCleanRemovesTheUnused() throws {
        let folder = try project()
        _ = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        let text = try String(contentsOfFile: "\(folder.path)/pipelines.yaml", encoding: .utf8)
        try folder.write(
            "pipelines.yaml",
            text.replacingOccurrences(of: "half-life-days: 3}", with: "half-life-days: 5}"))
        _ = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        let list = try shortlist(["artifacts", "list"], in: folder.path)
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first?.hasPrefix("artifact ") == true)
        #expect(rows.filter { $0.hasSuffix("  unused") }.count == 2)
        #expect(rows.filter { $0.hasSuffix("  default/recent") }.count == 1)
        #expect(rows.filter { $0.hasSuffix("  default/ranker") }.count == 1)
        #expect(rows.last?.hasPrefix("5 artifacts, ") == true)
        #expect(rows.last?.contains(" in ./.shortlist/artifacts; 2 unused (") == true)
        let clean = try shortlist(["artifacts", "clean", "--unused"], in: folder.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.hasPrefix("removed 2 artifacts ("))
        #expect(clean.stdout.hasSuffix("from ./.shortlist/artifacts; kept 3\n"))
        let again = try shortlist(["recommend", "--user", "u5"], in: folder.path)
        #expect(again.stderr.components(separatedBy: "reused artifact").count == 4)
        #expect(!again.stderr.contains("fitted in"))
        let all = try shortlist(["artifacts", "clean"], in: folder.path)
        #expect(all.stdout.hasPrefix("removed 3 artifacts ("))
        let empty = try shortlist(["artifacts", "list"], in: folder.path)
        #expect(
            empty.stdout.split(separator: "\n").last?.hasPrefix("0 artifacts, 0 B in ") == true)
        #expect(
            empty.stdout.contains(
                "not fitted yet: default/popular, default/ranker, default/recent"))
    }
}

/// What the newcomer's trial of the commands above found.
@Suite struct NewcomerTrialTests {
    @Test func newPluginRefusesARegisteredTypeAndCoreTypeNames() throws {
        let folder = try project()
        try folder.write("Package.swift", "// a package\n")
        let taken = try shortlist(["new-plugin", "Tfidf", "--kind", "generator"], in: folder.path)
        #expect(taken.status == 1)
        #expect(
            taken.stderr
                == "error: a candidate generator of type 'tfidf' is registered already; choose "
                + "another name\n")
        let core = try shortlist(["new-plugin", "Query", "--kind", "ranker"], in: folder.path)
        #expect(core.status == 1)
        #expect(core.stderr.hasPrefix("error: 'Query' names one of ShortlistCore's own types"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/Plugins"))
    }

    @Test func newPluginRefusesSwiftsReservedNamesAndNamesTooLong() throws {
        let folder = try project()
        try folder.write("Package.swift", "// a package\n")
        for (name, swiftName) in [("self", "Self"), ("any", "Any"), ("String", "String")] {
            let run = try shortlist(["new-plugin", name, "--kind", "ranker"], in: folder.path)
            #expect(run.status == 64)
            #expect(
                run.stderr.hasPrefix(
                    "error: '\(name)' would name the plugin's type \(swiftName), which Swift "
                        + "reserves or the plugin's code uses; choose another name\n"),
                "\(run.stderr)")
        }
        let long = try shortlist(
            ["new-plugin", String(repeating: "a", count: 300), "--kind", "ranker"], in: folder.path)
        #expect(long.status == 64)
        #expect(
            long.stderr.hasPrefix(
                "error: the plugin name is 300 characters long; use at most 64\n"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/Plugins"))
    }

    @Test func theSentenceNamesTheStagesEvenWhenEveryShareIsNegative() throws {
        let folder = try project(
            """
            pipelines:
              default:
                n: 3
                candidates: [{name: popular, type: weighted-rating, limit: 20}]
                ranker: {type: weighted-average, weights: {popular: -1}}
            """)
        let run = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let sentences = run.stdout.split(separator: "\n").filter {
            $0.hasPrefix("       ") && $0.hasSuffix(".") && !$0.contains(":  ")
        }
        #expect(sentences.count == 3, "\(run.stdout)")
        #expect(sentences.allSatisfy { $0.hasPrefix("       Because it is popular: ") })
    }

    @Test func detailFoldsNoTerms() throws {
        let folder = try project(
            """
            pipelines:
              default:
                n: 3
                candidates: [{name: als, type: matrix-factorization, limit: 40, factors: 8}]
                ranker: {type: weighted-average}
            """)
        let plain = try shortlist(["recommend", "--user", "u5", "--explain"], in: folder.path)
        #expect(plain.stdout.contains(" + other terms "))
        let detail = try shortlist(
            ["recommend", "--user", "u5", "--explain", "--detail"], in: folder.path)
        #expect(detail.status == 0, "\(detail.stderr)")
        #expect(!detail.stdout.contains("other terms"))
        #expect(
            detail.stdout.components(separatedBy: "because you").count
                > plain.stdout.components(separatedBy: "because you").count)
    }

    @Test func simulateTakesTheFirstBanditPipelineAndRefusesOthersBeforeFitting() throws {
        let folder = try projectWithBandit(
            before: """
                  plain:
                    candidates: [{name: popular, type: weighted-rating}]
                    ranker: {type: weighted-average}

                """)
        let run = try shortlist(
            ["simulate", "--config", "ab.yaml", "--rounds", "5"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("Simulation of pipeline 'ab': 5 rounds"))
        let plain = try shortlist(
            ["simulate", "--config", "ab.yaml", "--pipeline", "plain"], in: folder.path)
        #expect(plain.status == 1)
        #expect(
            plain.stderr
                == "error: pipeline 'plain' has no bandit ranker (its ranker is weighted-average), "
                + "so it has no arms to simulate\n")
    }

    @Test func explainRefusesToReplayARequestOfAnotherPipelineOrUser() throws {
        let folder = try projectWithBandit(
            before: """
                  first:
                    candidates:
                      - {name: popular, type: weighted-rating, limit: 20}
                      - {name: recent, type: weighted-rating, limit: 20, half-life-days: 1}
                    ranker: {type: bandit, arms: [popular, recent]}

                """)
        let served = try shortlist(
            [
                "recommend", "--config", "ab.yaml", "--pipeline", "first", "--user", "u5",
                "--format", "json",
            ],
            in: folder.path)
        #expect(served.status == 0, "\(served.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(served.stdout.utf8)) as? [String: Any])
        let request = try #require(object["requestId"] as? String)
        let replay = try shortlist(
            [
                "explain", "--config", "ab.yaml", "--pipeline", "ab", "--user", "u5", "--item",
                "i1",
                "--request", request,
            ], in: folder.path)
        #expect(replay.status == 1)
        #expect(
            replay.stderr.hasSuffix(
                "error: request '\(request)' was served by pipeline 'first', not 'ab'; add "
                    + "--pipeline first\n"), "\(replay.stderr)")
        let otherUser = try shortlist(
            [
                "explain", "--config", "ab.yaml", "--pipeline", "first", "--user", "u6", "--item",
                "i1", "--request", request,
            ], in: folder.path)
        #expect(otherUser.status == 1)
        #expect(
            otherUser.stderr.hasSuffix(
                "error: request '\(request)' was served to user 'u5', not 'u6'; a replay explains "
                    + "that user's list\n"), "\(otherUser.stderr)")
    }

    @Test func explainOfAServedResponseUsesTheListItShowed() throws {
        let folder = try projectWithBandit(n: 3)
        let served = try shortlist(
            ["recommend", "--config", "ab.yaml", "--user", "u5", "-n", "2", "--format", "json"],
            in: folder.path)
        #expect(served.status == 0, "\(served.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(served.stdout.utf8)) as? [String: Any])
        let request = try #require(object["requestId"] as? String)
        let second = try #require(
            (object["recommendations"] as? [[String: Any]])?.last?["item"] as? String)
        let replay = try shortlist(
            [
                "explain", "--config", "ab.yaml", "--user", "u5", "--item", second, "--request",
                request,
            ],
            in: folder.path)
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(
            replay.stdout.contains(
                "showed it at position 2, placed by arm ")
                && replay.stdout.contains("; below, the same draws from the same arms' states\n"))
        // The states have changed since (the response counted its pulls), yet the replay draws
        // from the logged ones: the item is where the response showed it.
        let verdict = try #require(
            replay.stdout.split(separator: "\n").first { $0.hasPrefix("verdict: ") })
        #expect(verdict == "verdict: recommended at rank 2 of 2", "\(verdict)")
    }

    @Test func abReportSaysWhenItFallsBackToALoggedPipeline() throws {
        let folder = try projectWithBandit()
        _ = try shortlist(["recommend", "--config", "ab.yaml", "--user", "u5"], in: folder.path)
        let run = try shortlist(["ab", "report"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(
            run.stderr.hasSuffix(
                "no pipeline in pipelines.yaml has a bandit ranker; pipeline 'ab' is the first "
                    + "the feedback store .shortlist/feedback.sqlite logged\n"))
    }
}

@Suite struct RecommendWithHistoryTests {
    /// The planted project with one ALS stage, whose fold-in the requests' histories use.
    func alsProject() throws -> TemporaryDirectory {
        try project(
            """
            pipelines:
              default:
                n: 5
                candidates: [{name: als, type: matrix-factorization, limit: 20, factors: 8}]
                ranker: {type: weighted-average}
            """)
    }

    @Test func historyOnTheCommandLineIsFoldedInForTheRequest() throws {
        let folder = try alsProject()
        let run = try shortlist(
            [
                "recommend", "--user", "newbie", "--history", "i2:5,i6:5,i10,i14:4", "--format",
                "tsv",
            ],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let items = run.stdout.split(separator: "\n").dropFirst().map {
            Int($0.split(separator: "\t")[1].dropFirst())!
        }
        #expect(items.count == 5)
        #expect(items.filter { $0 % 4 == 2 }.count >= 4, "\(items)")
        #expect(items.allSatisfy { ![2, 6, 10, 14].contains($0) })
        let table = try shortlist(
            ["recommend", "--user", "newbie", "--history", "i2:5,i6:5"], in: folder.path)
        #expect(
            table.stdout.hasPrefix(
                "Recommendations for user newbie from pipeline 'default' (unknown user with 2 "
                    + "interactions, all fresh (the request's or the event log's) and folded in)"))
        let unknown = try shortlist(
            ["recommend", "--user", "newbie", "--history", "i2,nope"], in: folder.path)
        #expect(unknown.status == 1)
        #expect(
            unknown.stderr.hasSuffix(
                "error: --history names item 'nope', which the dataset does not have\n"))
        let rating = try shortlist(
            ["recommend", "--user", "newbie", "--history", "i2:five"], in: folder.path)
        #expect(
            rating.stderr.hasSuffix(
                "error: --history gives item 'i2' the rating 'five', which is not a number "
                    + "within ±1000000\n"))
    }
}

extension RecommendWithHistoryTests {
    @Test func aFoldedInRatingReadsAsLikedOrRatedInTheExplanation() throws {
        let folder = try alsProject()
        let run = try shortlist(
            ["recommend", "--user", "newbie", "--history", "i2:5,i6:5", "--explain"],
            in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        // Interactions the request reports are what the user did just now.
        #expect(run.stdout.contains("because you just liked "), "\(run.stdout)")
        #expect(!run.stdout.contains(" in your history"), "\(run.stdout)")
    }
}

@Suite struct ServeTests {
    /// (The hand-over itself is tested by the server package, which builds shortlist-server.)
    @Test func serveSaysHowToBuildTheServerWhenItIsNotBuilt() throws {
        let folder = try project()
        let alone = "\(folder.path)/alone"
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: try shortlistBinary(), toPath: "\(alone)/shortlist")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(alone)/shortlist")
        process.arguments = ["serve"]
        process.environment = ["PATH": "/nonexistent"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(
            decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(
            message
                == "error: shortlist serve runs shortlist-server, which is not built (beside this "
                + "binary, in Server/.build, or on the PATH); build it with 'swift build -c "
                + "release --package-path Server'\n")
    }

    @Test func serveFindsTheServerOfItsOwnPackageFromAnyFolder() throws {
        let folder = try project()
        let bin = "\(folder.path)/package/.build/release"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try shortlistBinary(), toPath: "\(bin)/shortlist")
        let server = try folder.write(
            "package/Server/.build/release/shortlist-server", "#!/bin/sh\necho package server\n")
        chmod(server, 0o755)
        let served = try run(
            "\(bin)/shortlist", ["serve"], in: folder.path, environment: ["PATH": "/nonexistent"])
        #expect(served.stdout == "package server\n")
    }

    @Test func serveRunsTheReleaseServerAndADebugOneOnlyWithAWarning() throws {
        let folder = try project()
        let alone = "\(folder.path)/alone"
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: try shortlistBinary(), toPath: "\(alone)/shortlist")
        /// Writes a stand-in server that says which build it is.
        func server(_ build: String) throws {
            let path = try folder.write(
                "Server/.build/\(build)/shortlist-server", "#!/bin/sh\necho \(build) server\n")
            chmod(path, 0o755)
        }
        func serve() throws -> Run {
            try run(
                "\(alone)/shortlist", ["serve"], in: folder.path,
                environment: ["PATH": "/nonexistent"])
        }
        // A folder named like the server is not the server.
        try FileManager.default.createDirectory(
            atPath: "\(folder.path)/Server/.build/release/shortlist-server",
            withIntermediateDirectories: true)
        try server("debug")
        let debug = try serve()
        #expect(debug.stdout == "debug server\n")
        #expect(
            debug.stderr
                == "warning: running the debug build of shortlist-server "
                + "(Server/.build/debug/shortlist-server), which fits and serves many times "
                + "slower; build the release one with 'swift build -c release --package-path "
                + "Server'\n")
        try FileManager.default.removeItem(
            atPath: "\(folder.path)/Server/.build/release/shortlist-server")
        try server("release")
        let release = try serve()
        #expect(release.stdout == "release server\n" && release.stderr.isEmpty)
    }
}

/// Counts with documented maxima, numbers in decimal, and progress a log can see.
@Suite struct CommandLineLimitTests {
    @Test func countsHaveMaximaAndNegativeOnesSaySo() throws {
        let folder = try projectWithBandit()
        for (arguments, message) in [
            (
                ["recommend", "--user", "u1", "-n", "-1"],
                "error: -n must be from 1 to 10000, found -1"
            ),
            (
                ["similar", "--item", "i1", "-n", "10001"],
                "error: -n must be from 1 to 10000, found 10001"
            ),
            (["evaluate", "-k", "0"], "error: -k must be from 1 to 10000, found 0"),
            (
                ["simulate", "--config", "ab.yaml", "--rounds", "9223372036854775807"],
                "error: --rounds must be from 1 to 1000000, found 9223372036854775807"
            ),
        ] {
            let run = try shortlist(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.hasPrefix(message + "\n"), "\(arguments): \(run.stderr)")
        }
    }

    @Test func numbersOnTheCommandLineAreDecimalOnly() throws {
        let folder = try projectWithBandit()
        for (arguments, message) in [
            (
                ["feedback", "--request", "r1", "--item", "i1", "--reward", "0x1"],
                "error: The value '0x1' is invalid for '--reward <reward>': '0x1' is not a decimal number\n"
            ),
            (
                ["evaluate", "--threshold", "1e999"],
                "error: The value '1e999' is invalid for '--threshold <threshold>': '1e999' is out of range\n"
            ),
            (
                ["simulate", "--config", "ab.yaml", "--seed", "-1"],
                "error: The value '-1' is invalid for '--seed <seed>': '-1' is not a seed; a seed is a whole number from 0 to 18446744073709551615\n"
            ),
        ] {
            let run = try shortlist(arguments, in: folder.path)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.stderr.hasPrefix(message), "\(arguments): \(run.stderr)")
        }
        for (arguments, message) in [
            (
                ["recommend", "--user", "u1", "--history", "i1:0x10"],
                "error: --history gives item 'i1' the rating '0x10', which is not a number within ±1000000\n"
            ),
            (
                ["evaluate", "--split", "temporal:0x0.2"],
                "error: split 'temporal:0x0.2': the fraction must be between 0 and 1, found '0x0.2'\n"
            ),
        ] {
            let run = try shortlist(arguments, in: folder.path)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.hasSuffix(message), "\(arguments): \(run.stderr)")
        }
    }

    @Test func anIdOnTheCommandLineHoldingAControlCharacterIsRefused() throws {
        let folder = try project()
        let run = try shortlist(
            ["recommend", "--user", "a\nb", "--format", "tsv"], in: folder.path)
        #expect(run.status == 64)
        #expect(
            run.stderr.hasPrefix(
                "error: --user holds a control character (U+000A); an id is text without tabs or "
                    + "line ends\n"), "\(run.stderr)")
    }

    @Test func aHistoryEntryWithoutAnItemOrAnEmptyOneIsAnError() throws {
        let folder = try project()
        let missingItem = { (entry: String) in
            "--history has an entry '\(entry)' without an item id; write ITEM or ITEM:RATING"
        }
        let empty = { (text: String) in
            "--history has an empty entry (two commas together, or one at an end) in '\(text)'; "
                + "write ITEM or ITEM:RATING separated by commas"
        }
        for (text, message) in [
            (":", missingItem(":")), (":5", missingItem(":5")), (" : 4", missingItem(" : 4")),
            (",,", empty(",,")), (",", empty(",")), (" , ", empty(" , ")),
        ] {
            let run = try shortlist(
                ["recommend", "--user", "newbie", "--history", text], in: folder.path)
            #expect(run.status == 1, "\(text): \(run.stderr)")
            #expect(run.stderr.hasSuffix("error: \(message)\n"), "\(text): \(run.stderr)")
        }
    }

    @Test func aProgressIntervalThatIsNotANumberIsSaidOnce() throws {
        let folder = try projectWithBandit()
        let run = try shortlist(
            ["simulate", "--config", "ab.yaml", "--rounds", "3"], in: folder.path,
            environment: ["SHORTLIST_PROGRESS_SECONDS": "0x10"])
        #expect(run.status == 0, "\(run.stderr)")
        let warnings = run.stderr.split(separator: "\n").filter {
            $0.hasPrefix("warning: SHORTLIST_PROGRESS_SECONDS")
        }
        #expect(
            warnings == [
                "warning: SHORTLIST_PROGRESS_SECONDS='0x10' is not a number of seconds; progress "
                    + "lines come every 10 s"
            ], "\(run.stderr)")
    }

    @Test func artifactsListRemovesTheTemporaryFilesOfDeadProcesses() throws {
        let folder = try project()
        #expect(try shortlist(["recommend", "--user", "u5"], in: folder.path).status == 0)
        let dead = try folder.write(".shortlist/artifacts/x.bin.tmp-4194305-7", "partial")
        let list = try shortlist(["artifacts", "list"], in: folder.path)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dead))
    }

    @Test func aLongRunWritesPlainProgressLinesWhenStandardErrorIsNotATerminal() throws {
        let folder = try projectWithBandit()
        let run = try shortlist(
            ["simulate", "--config", "ab.yaml", "--rounds", "3"], in: folder.path,
            environment: ["SHORTLIST_PROGRESS_SECONDS": "0"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("simulate: rounds ") }
        #expect(
            lines.map { $0.split(separator: " ")[2] } == ["1/3", "2/3", "3/3"], "\(run.stderr)")
    }
}

extension CommandLineLimitTests {
    @Test func evaluatingNobodyIsAnErrorThatSaysWhy() throws {
        let folder = try project()
        let all = try shortlist(["evaluate", "--split", "leave-last:100000"], in: folder.path)
        #expect(all.status == 1)
        #expect(
            all.stderr.hasSuffix(
                "error: split 'leave-last:100000' holds out no interaction: no user has more than "
                    + "100000 interactions, so nothing can be evaluated\n"), "\(all.stderr)")
        let high = try shortlist(["evaluate", "--threshold", "1e9"], in: folder.path)
        #expect(high.status == 1)
        #expect(
            high.stderr.hasSuffix(
                "error: no user can be evaluated: no held-out interaction is rated 1000000000 or "
                    + "more (the highest held-out rating is 5); lower --threshold\n"),
            "\(high.stderr)")
    }
}

/// Reading a line that never ends takes memory for a block of it, not for the whole line.
@Suite struct BoundedReadingTests {
    /// Runs `shortlist arguments` in `folder` with at most 600 MB of address space.
    func limited(_ arguments: [String], in folder: String) throws -> Run {
        try shortlistInShell(
            "ulimit -v 600000; exec \"$0\" \"$@\"", arguments: arguments, in: folder)
    }

    /// A 1 GiB file of `head` then NUL bytes without a line end (sparse: no disk is written).
    func endless(_ folder: TemporaryDirectory, _ name: String, head: String) throws -> String {
        let path = try folder.write(name, head)
        #expect(truncate(path, 1 << 30) == 0)
        return path
    }

    @Test(.timeLimit(.minutes(5)))
    func aLineWithoutAnEndIsRefusedInBoundedMemoryByEveryReader() throws {
        let folder = try TemporaryDirectory()
        _ = try endless(folder, "r.csv", head: "u,i\n1,a\n")
        _ = try folder.write("small.csv", "u,i\n1,a\n2,b\n")
        _ = try endless(folder, "items.csv", head: "i,title\na,A\n")
        _ = try endless(folder, "test.csv", head: "user,item\n1,a\n")
        _ = try folder.write("train.csv", "user,item\n1,a\n2,b\n")
        func pipelines(_ interactions: String, items: Bool) -> String {
            """
            dataset:
              format: delimited
              interactions: {file: \(interactions), user: u, item: i}
              \(items ? "items: {file: items.csv, item: i, title: title}" : "")
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """
        }
        try folder.write("interactions.yaml", pipelines("r.csv", items: false))
        try folder.write("items.yaml", pipelines("small.csv", items: true))
        try folder.write("split.yaml", pipelines("small.csv", items: false))
        for (arguments, message) in [
            (["validate", "--config", "interactions.yaml"], "r.csv:3"),
            (["validate", "--config", "items.yaml"], "items.csv:3"),
            (
                ["evaluate", "--config", "split.yaml", "--split", "file:train.csv,test.csv"],
                "test.csv:3"
            ),
        ] {
            let run = try limited(arguments, in: folder.path)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(
                run.stderr.hasSuffix("error: \(message): the line is longer than 1 MiB\n"),
                "\(arguments): \(run.stderr)")
        }
    }
}
