import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Fit a pipeline on the training part of a split and score every stage on the "
            + "held-out part."
    )

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions

    @Option(help: "temporal:FRACTION, leave-last:N, random:FRACTION:SEED or file:TRAIN,TEST.")
    var split = "temporal:0.2"

    @OptionGroup var scoring: ScoringOptions

    @OptionGroup var output: FormatOption

    @Option(
        help: "Write every evaluated user's top K as TSV (user, item, rank, score) to this file.")
    var saveRecommendations: String?

    @Option(help: "Write the split's train.tsv and test.tsv into this folder, then stop.")
    var exportSplit: String?

    @Option(
        help: ArgumentHelp(
            "Draw NDCG@K and recall@K for K = 1…50 per stage and for the final list, and each "
                + "stage's recall at its limit, as SVG (the JSON output then holds the curves).",
            valueName: "file.svg"))
    var plot: String?

    @Option(
        help: ArgumentHelp(
            "Evaluate once per value of a re-rank setting, without refitting: "
                + "rerank.mmr.lambda=V1,V2,… (each in [0, 1]); with --plot, draw NDCG@K against "
                + "diversity instead of the curves.",
            valueName: "key=values"))
    var sweep: String?

    /// The key `--sweep` takes: the one setting a request can change without a refit.
    static let sweepKey = "rerank.mmr.lambda"

    /// The values of `--sweep`, or a message saying what is wrong with it.
    private func sweptValues() throws -> [Double]? {
        guard let sweep else { return nil }
        let parts = sweep.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == Self.sweepKey else {
            throw ValidationError(
                "--sweep takes \(Self.sweepKey)=V1,V2,… (the mmr steps' λ, which each request can "
                    + "set without a refit), found '\(excerpt(sweep))'")
        }
        let values = try parts[1].split(separator: ",", omittingEmptySubsequences: false).map {
            text in
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let value = decimalNumber(trimmed), (0...1).contains(value) else {
                throw ValidationError(
                    "--sweep: each λ is a number from 0 to 1, found '\(excerpt(trimmed))'")
            }
            return value
        }
        return values
    }

    func validate() throws {
        _ = try sweptValues()
        if sweep != nil, saveRecommendations != nil {
            throw ValidationError(
                "--sweep evaluates several lists per user; --save-recommendations writes one")
        }
        for (flag, value) in [("--save-recommendations", saveRecommendations), ("--plot", plot)]
        where exportSplit != nil && value != nil {
            throw ValidationError(
                "--export-split writes the split and stops before evaluating, so "
                    + "\(flag) would write nothing; run them separately")
        }
    }

    func run() throws {
        try Terminal.run {
            let workspace = try openWorkspace(file.path)
            let spec = try SplitSpec(parsing: split)
            let split = try Split(try workspace.loadDataset(), spec)
            if let folder = exportSplit {
                try split.export(to: folder)
                Terminal.log(
                    "wrote \(folder)/train.tsv and \(folder)/test.tsv "
                        + "(\(split.train.interactionCount) and \(split.testCount) interactions)"
                )
                return
            }
            let pipeline = try workspace.prepare(
                pipeline: file.pipeline, dataset: split.train, reuseArtifacts: !fit.refit)
            if let values = try sweptValues() {
                try sweepLambda(values, pipeline, split: split, splitName: spec.description)
                return
            }
            var saved = saveRecommendations == nil ? "" : tsvHeader(logged: false)
            let report = try Evaluator.evaluate(
                pipeline, split: split, splitName: spec.description, k: scoring.k,
                threshold: scoring.threshold,
                curveDepth: plot == nil ? nil : 50
            ) { user, items in
                if saveRecommendations != nil {
                    saved += tsvRows(pipeline, user: pipeline.dataset.userIDs[user], items: items)
                }
            }
            if let path = saveRecommendations {
                try OutputFile.write(saved, to: path, what: "the recommendations")
            }
            if let plot, let curves = report.curves {
                try OutputFile.write(
                    EvaluationChart(report: report, curves: curves).render(), to: plot,
                    what: "the chart")
            }
            switch output.format {
            case .table: try Console.line(render(report))
            case .json: try Console.line(try json(report))
            }
        }
    }

    /// `--sweep rerank.mmr.lambda=…`: one evaluation per λ, as a table (or JSON) and, with
    /// `--plot`, NDCG against diversity.
    private func sweepLambda(
        _ values: [Double], _ pipeline: FittedPipeline, split: Split, splitName: String
    ) throws {
        guard pipeline.reranking?.steps.contains(where: { $0.type == "mmr" }) ?? false else {
            throw RequestError(
                "pipeline '\(pipeline.name)' has no mmr re-rank step for --sweep to vary; add one "
                    + "to its rerank section")
        }
        var points: [(lambda: Double, report: EvaluationReport)] = []
        let progress = Terminal.progress("sweep")
        for (index, lambda) in values.enumerated() {
            points.append(
                (
                    lambda,
                    try Evaluator.evaluate(
                        pipeline, split: split, splitName: splitName, k: scoring.k,
                        threshold: scoring.threshold, lambda: lambda)
                ))
            progress.report("values of λ", done: index + 1, total: values.count)
        }
        let chart = SweepChart(
            pipeline: pipeline.name, split: splitName, k: scoring.k, points: points)
        if let plot {
            guard let svg = chart.render() else {
                throw RequestError(
                    "--plot draws NDCG against diversity by genres, and the items have no genres")
            }
            try OutputFile.write(svg, to: plot, what: "the chart")
        }
        switch output.format {
        case .table: try Console.line(renderSweep(points))
        case .json:
            try Console.line(
                try json(points.map { SweepPoint(lambda: $0.lambda, report: $0.report) }))
        }
    }

    private func renderSweep(_ points: [(lambda: Double, report: EvaluationReport)]) -> String {
        let k = scoring.k
        guard let first = points.first?.report else { return "" }
        let stages = first.beyondAccuracy.embeddingDiversity.map(\.stage)
        let headings =
            ["λ", "NDCG@\(k)", "R@\(k)", "HR@\(k)", "diversity: genres"]
            + stages.map { "diversity: \($0)" } + ["coverage", "Gini", "novelty", "calibration"]
        let widths = headings.map { max($0.count, 8) }
        func row(_ cells: [String]) -> String {
            zip(cells, widths).map { Format.padded($0, $1) }.joined(separator: "  ")
        }
        func f(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "–" }
        var lines = [
            "Sweep of \(Self.sweepKey) for pipeline '\(first.pipeline)' on split \(first.split), "
                + "K = \(k), \(first.usersEvaluated) users; diversity is intra-list (genres: "
                + "1 − Jaccard; a stage: 1 − cosine of its item embeddings)",
            "", row(headings),
        ]
        for (lambda, report) in points {
            let beyond = report.beyondAccuracy
            lines.append(
                row(
                    [
                        plainNumber(lambda), f(report.final.ndcg), f(report.final.recall),
                        f(report.final.hitRate), f(beyond.intraListDiversity),
                    ] + beyond.embeddingDiversity.map { f($0.value) }
                        + [
                            f(report.coverage), f(beyond.gini),
                            String(format: "%.2f", beyond.novelty), f(beyond.calibration),
                        ]))
        }
        return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(
            separator: "\n")
    }

    private func render(_ report: EvaluationReport) -> String {
        let k = report.k
        func f(_ value: Double, _ digits: Int = 4) -> String {
            String(format: "%.\(digits)f", value)
        }
        func row(_ cells: [String], _ widths: [Int]) -> String {
            String(
                zip(cells, widths).map { Format.padded($0, $1) }.joined(separator: " ").reversed()
                    .drop { $0 == " " }.reversed())
        }
        var lines = [
            "Evaluation of pipeline '\(report.pipeline)' on split \(report.split), K = \(k), "
                + "relevant = "
                + (report.relevanceThreshold.map { "held-out rating ≥ \(Format.number($0))" }
                    ?? "every held-out interaction (the data has no ratings)"),
            "users evaluated \(report.usersEvaluated), skipped \(report.usersSkipped) (no "
                + "relevant held-out item); \(report.testInteractions) held-out interactions",
        ]
        if !report.ratingPredictors.isEmpty {
            lines += ["", row(["rating prediction", "RMSE", "MAE", "ratings"], [24, 8, 8, 8])]
            for p in report.ratingPredictors {
                lines.append(
                    row(["  " + p.stage, f(p.rmse), f(p.mae), String(p.count)], [24, 8, 8, 8]))
            }
        }
        let widths = [22, 22, 6, 9, 8, 8, 8, 8, 8, 9, 9]
        lines += [
            "",
            row(
                [
                    "candidate stage", "type", "limit", "recall@L", "P@\(k)", "R@\(k)", "NDCG@\(k)",
                    "MAP@\(k)", "HR@\(k)", "fit s", "serve ms",
                ], widths),
        ]
        for g in report.generators {
            lines.append(
                row(
                    [
                        "  " + g.stage, g.type, String(g.limit), f(g.recallAtLimit),
                        f(g.topK.precision), f(g.topK.recall),
                        f(g.topK.ndcg), f(g.topK.map), f(g.topK.hitRate),
                        g.fitSeconds.map { f($0, 3) } ?? "reused", f(g.serveMilliseconds, 3),
                    ], widths))
        }
        lines.append(row(["union of candidates", "", "", f(report.unionRecall)], widths))
        let final = report.final
        lines.append(
            row(
                [
                    "final list", "", "", "", f(final.precision), f(final.recall), f(final.ndcg),
                    f(final.map), f(final.hitRate),
                    report.rankerFitSeconds.map { f($0, 3) } ?? "reused",
                    f(report.recommendMilliseconds, 3),
                ], widths))
        let beyond = report.beyondAccuracy
        let noGenres = "none (the items have no genres)"
        lines += [
            "",
            "catalogue coverage \(f(report.coverage)), mean popularity rank of recommended "
                + "items \(f(report.meanPopularityRank, 1)); serve ms of the final list = one "
                + "whole recommendation on one thread",
            "final lists: intra-list diversity by genres "
                + (beyond.intraListDiversity.map { f($0) } ?? noGenres)
                + ", Gini index of recommendations \(f(beyond.gini)), novelty "
                + "\(f(beyond.novelty, 2)) bits, calibration to the history's genres (KL, nats) "
                + (beyond.calibration.map { f($0) } ?? noGenres),
        ]
        if !beyond.embeddingDiversity.isEmpty {
            lines.append(
                "intra-list diversity by item embeddings (1 − cosine): "
                    + beyond.embeddingDiversity.map { "\($0.stage) \(f($0.value))" }.joined(
                        separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}

/// One point of `evaluate --sweep` as JSON.
private struct SweepPoint: Encodable {
    var lambda: Double
    var report: EvaluationReport
}
