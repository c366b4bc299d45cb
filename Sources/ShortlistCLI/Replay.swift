import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "What freshness is worth: stream the data from a date on, a step at a time, and score "
            + "each step's requests served by the pipeline as fitted before the date, with each "
            + "user's new interactions folded in, and refreshed at every step.",
        discussion: """
            Each step's interactions rated at least --threshold are the targets of requests \
            made at the step's start, one per user who has any. (a) 'fitted' is the pipeline \
            fitted on the data before --from; (b) 'fold-in' is the same pipeline with each \
            user's interactions since --from folded into the request, as a user's stored events \
            are (the events' fold-in limit applies); (c) 'fold-in + refresh' is the pipeline \
            refitted on all the data before each step, starting from the models of the step \
            before where the model allows (matrix factorisation: warm-epochs sweeps; \
            --cold-refresh fits from scratch). The refreshes' fits are stored in a folder of \
            their own, removed at the end; nothing else is written.
            """)

    @OptionGroup var file: FileOptions

    @Option(
        help: ArgumentHelp(
            "The replay's start: a date (1998-03-24, midnight UTC), an ISO 8601 date and time, "
                + "or seconds since 1970.", valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp("The length of a step: 1d, 12h, 30m, 90s.", valueName: "duration"))
    var step = "1d"

    @Option(
        parsing: .unconditional,
        help: "Stop after this many steps (default: through the end of the data).")
    var steps: Int?

    @OptionGroup var scoring: ScoringOptions

    @Flag(help: "Fit every refresh from scratch instead of from the models of the step before.")
    var coldRefresh = false

    @OptionGroup var output: FormatOption

    @Option(
        help: ArgumentHelp(
            "Draw NDCG@K and recall@K per step for each of the three as SVG.",
            valueName: "file.svg"))
    var plot: String?

    func validate() throws {
        if let steps { try checkCount(steps, "--steps", maximum: 100_000) }
        guard startSeconds != nil else {
            throw ValidationError(
                "--from '\(from)' is neither a date (1998-03-24), an ISO 8601 date and time, nor "
                    + "seconds since 1970")
        }
        guard let length = EventPolicy.seconds(inDuration: step), length >= 1 else {
            throw ValidationError(
                "--step '\(step)' is not a duration of a second or more (1d, 12h, 30m, 90s)")
        }
        guard length < 1e12 else { throw ValidationError("--step '\(step)' is too long") }
    }

    /// `--from` in seconds since 1970.
    private var startSeconds: Int64? {
        let written = from.count == 10 ? from + "T00:00:00Z" : from
        guard let seconds = EventFile.seconds(written), seconds.isFinite, abs(seconds) < 1e15
        else { return nil }
        return Int64(seconds.rounded(.down))
    }

    func run() throws {
        try Terminal.run {
            if let plot { try OutputFile.checkWritable(plot, what: "the chart") }
            let workspace = try openWorkspace(file.path)
            let dataset = try workspace.loadDataset()
            let folder =
                (workspace.artifacts.folder as NSString).deletingLastPathComponent
                + "/replay-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let length = Int64(EventPolicy.seconds(inDuration: step) ?? 86_400)
            let report = try Replay.run(
                workspace.storingArtifacts(in: folder), pipeline: file.pipeline,
                dataset: dataset, from: startSeconds ?? 0, step: length, steps: steps,
                k: scoring.k, threshold: scoring.threshold,
                foldIn: workspace.file.events?.foldIn ?? EventPolicy.defaultFoldIn,
                warm: !coldRefresh
            ) { step, count in Terminal.log("step \(step) of \(count)") }
            if let plot {
                try OutputFile.write(
                    ReplayChart(report: report).render(), to: plot, what: "the chart")
            }
            switch output.format {
            case .table: try Console.line(table(report))
            case .json: try Console.line(try json(report))
            }
        }
    }

    private func table(_ report: ReplayReport) -> String {
        let f = { (value: Double) in String(format: "%.4f", value) }
        let widths = [12, 6, 8, 8, 9, 3, 8, 8, 9]
        func row(_ cells: [String]) -> String {
            String(
                zip(cells, widths).map { Format.padded($0, $1) }.joined(separator: " ")
                    .reversed().drop { $0 == " " }.reversed())
        }
        func scores(_ all: [ReplayReport.Scores]) -> [String] {
            all.map { f($0.ndcg) } + [""] + all.map { f($0.recall) }
        }
        let k = report.k
        var lines = [
            "Replay of pipeline '\(report.pipeline)' from \(day(report.steps.first?.start ?? 0)) "
                + "in steps of \(Format.period(report.stepSeconds)) "
                + "(\(report.steps.count) steps), K = \(k), targets = "
                + (report.relevanceThreshold.map { "ratings ≥ \(Format.number($0))" }
                    ?? "every interaction (the data has no ratings)"),
            "fitted on the \(report.fittedInteractions) interactions before; the refreshes "
                + (coldRefresh ? "(from scratch)" : "(warm-started)")
                + String(format: " took %.1f s", report.refreshSeconds),
            "",
            row(["", "", "NDCG@\(k)", "", "", "", "recall@\(k)"]),
            row([
                "step", "users", "fitted", "fold-in", "+refresh", "", "fitted", "fold-in",
                "+refresh",
            ]),
        ]
        for step in report.steps {
            lines.append(row([day(step.start), String(step.users)] + scores(step.scores)))
        }
        lines.append(
            row(
                ["overall", String(report.steps.map(\.users).reduce(0, +))] + scores(report.overall)
            ))
        return lines.joined(separator: "\n")
    }

    /// A step's start as a date, with the time of day when it is not midnight (UTC).
    private func day(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        let text = formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))
        return text.hasSuffix("T00:00:00Z") ? String(text.prefix(10)) : text
    }
}

/// `replay --plot`: NDCG@K and recall@K per step for the three ways of serving.
struct ReplayChart {
    let report: ReplayReport

    private static let colours = ["#888888", "#4a7ab7", "#d9822b"]
    private let panel = (width: 420.0, height: 240.0, top: 70.0, left: 70.0, gap: 90.0)

    func render() -> String {
        let width = panel.left + 2 * panel.width + panel.gap + 40
        let legend = panel.top + panel.height + 56
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" "
                + "height=\"\(n(legend + 70))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"20\" y=\"28\" font-size=\"15\">Replay of pipeline "
                + "\(Format.xmlEscaped(report.pipeline)): \(report.steps.count) steps of "
                + "\(Format.period(report.stepSeconds))</text>",
        ]
        parts += series(
            "ndcg", title: "NDCG@\(report.k)", at: panel.left, value: \.ndcg)
        parts += series(
            "recall", title: "recall@\(report.k)", at: panel.left + panel.width + panel.gap,
            value: \.recall)
        for (index, variant) in ReplayReport.Variant.allCases.enumerated() {
            let y = legend + Double(index) * 18
            parts.append(
                "<line x1=\"\(n(panel.left))\" y1=\"\(n(y - 4))\" x2=\"\(n(panel.left + 24))\" "
                    + "y2=\"\(n(y - 4))\" stroke=\"\(Self.colours[index])\" stroke-width=\"2\"/>"
                    + "<text x=\"\(n(panel.left + 30))\" y=\"\(n(y))\">"
                    + "\(variant.rawValue)</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// One panel: a line per variant over the steps.
    private func series(
        _ id: String, title: String, at x0: Double,
        value: KeyPath<ReplayReport.Scores, Double>
    ) -> [String] {
        let steps = report.steps
        let ymax = Format.axisMaximum(
            steps.flatMap { $0.scores.map { $0[keyPath: value] } }.max() ?? 0)
        let bottom = panel.top + panel.height
        let x = { (step: Int) in
            x0 + panel.width * Double(step) / Double(max(steps.count - 1, 1))
        }
        let y = { (value: Double) in bottom - panel.height * value / ymax }
        var parts = [
            "<g data-panel=\"\(id)\" data-ymax=\"\(ymax)\">",
            "<text x=\"\(n(x0 + panel.width / 2))\" y=\"\(n(panel.top - 14))\" "
                + "text-anchor=\"middle\" font-size=\"13\">\(title)</text>",
            "<path d=\"M\(n(x0)) \(n(panel.top)) V\(n(bottom)) H\(n(x0 + panel.width))\" "
                + "fill=\"none\" stroke=\"black\"/>",
            "<text x=\"\(n(x0 + panel.width / 2))\" y=\"\(n(bottom + 36))\" "
                + "text-anchor=\"middle\">step</text>",
        ]
        for tick in 0...4 {
            parts.append(
                "<text x=\"\(n(x0 - 6))\" y=\"\(n(y(ymax * Double(tick) / 4) + 4))\" "
                    + "text-anchor=\"end\">\(Format.tick(ymax * Double(tick) / 4))</text>")
        }
        for index in [0, steps.count - 1] where steps.indices.contains(index) {
            parts.append(
                "<text x=\"\(n(x(index)))\" y=\"\(n(bottom + 16))\" text-anchor=\"middle\">"
                    + "\(index + 1)</text>")
        }
        for (variant, colour) in Self.colours.enumerated() {
            let points = steps.enumerated().map {
                "\(n(x($0))),\(n(y($1.scores[variant][keyPath: value])))"
            }
            parts.append(
                "<polyline data-series=\"\(ReplayReport.Variant.allCases[variant].rawValue)\" "
                    + "fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
                    + "points=\"\(points.joined(separator: " "))\"/>")
        }
        parts.append("</g>")
        return parts
    }

    private func n(_ value: Double) -> String { String(format: "%.2f", value) }
}
