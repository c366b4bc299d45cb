import ArgumentParser
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run a bandit pipeline against held-out interactions as the world: each round a user "
            + "with held-out positives is served and clicks what they liked later; compare the "
            + "bandit with each arm alone."
    )

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions

    @Option(parsing: .unconditional, help: "Rounds (requests) to simulate, at most 1000000.")
    var rounds = 2000

    @Option(
        parsing: .unconditional,
        help: "The seed of the users drawn, the clicks and the bandit's draws.",
        transform: seedArgument)
    var seed: UInt64 = 1

    @Option(help: "temporal:FRACTION or leave-last:N: the held-out part is the world.")
    var split = "temporal:0.2"

    @Option(
        parsing: .unconditional,
        help: "Held-out ratings at least this are liked (without ratings, all are).",
        transform: decimalArgument)
    var threshold = 4.0

    @Flag(help: "Click a liked item at position p (from 1) with probability 1 / log2(p + 1).")
    var positionBias = false

    @OptionGroup var output: FormatOption

    @Option(
        help: ArgumentHelp("Draw the cumulative rewards and regret as SVG.", valueName: "file.svg"))
    var plot: String?

    func validate() throws {
        try checkCount(rounds, "--rounds", maximum: Limits.rounds)
    }

    func run() throws {
        try Terminal.run {
            let workspace = try openWorkspace(file.path)
            let name = try banditPipeline(
                file.pipeline, in: workspace.file, store: nil,
                purpose: "so it has no arms to simulate")
            let split = try Split(try workspace.loadDataset(), try SplitSpec(parsing: split))
            let pipeline = try workspace.prepare(
                pipeline: name, dataset: split.train, reuseArtifacts: !fit.refit)
            let report = try Simulator.run(
                pipeline, split: split, rounds: rounds, seed: seed, positionBias: positionBias,
                threshold: threshold, progress: Terminal.progress("simulate"))
            switch output.format {
            case .table: try Console.line(table(report))
            case .json: try Console.line(try json(report))
            }
            if let plot {
                try OutputFile.write(chart(report), to: plot, what: "the chart")
                Terminal.log("wrote \(plot)")
            }
        }
    }

    private func table(_ report: SimulationReport) -> String {
        let f = { (value: Double) in String(format: "%.1f", value) }
        var lines = [
            "Simulation of pipeline '\(report.pipeline)': \(report.rounds) rounds, seed "
                + "\(report.seed), clicks \(report.positionBias ? "with" : "without") position bias",
            "arm                 places    clicks    clicks per place   expected clicks alone",
        ]
        for arm in report.arms {
            let rate = arm.pulls > 0 ? String(format: "%.4f", arm.rewards / Double(arm.pulls)) : "–"
            lines.append(
                Format.padded(arm.arm, 19) + " " + Format.padded(String(arm.pulls), 9) + " "
                    + Format.padded(f(arm.rewards), 9) + " " + Format.padded(rate, 18) + " "
                    + f(arm.aloneReward))
        }
        let best = report.arms.map(\.aloneReward).max() ?? 0
        lines.append(
            "bandit: \(f(report.banditReward)) expected clicks, "
                + String(format: "%.1f%%", 100 * report.banditReward / max(best, 1e-9))
                + " of the best arm alone; regret against it \(f(report.regretCurve.last ?? 0)) "
                + "(\(f(report.regretCurve[max(report.rounds / 2 - 1, 0)])) after half the rounds)")
        return lines.joined(separator: "\n")
    }

    /// Cumulative expected clicks of the bandit and of each arm alone, and the regret, by round.
    private func chart(_ report: SimulationReport) -> String {
        let left = 70.0
        let top = 60.0
        let width = 520.0
        let height = 300.0
        // The bandit is drawn last, dashed, so that it shows where it follows an arm.
        let series =
            report.arms.enumerated().map { index, arm in
                (
                    "\(arm.arm) alone", arm.aloneCurve,
                    ["#4a7ab7", "#5a9e4b", "#9b59b6", "#888888"][index % 4]
                )
            } + [
                ("regret", report.regretCurve, "#c0392b"),
                ("bandit", report.banditCurve, "#d9822b"),
            ]
        let highest = Format.axisMaximum(max(series.flatMap(\.1).max() ?? 1, 1))
        let x = { (round: Int) in left + width * Double(round + 1) / Double(report.rounds) }
        let y = { (value: Double) in top + height - height * max(value, 0) / highest }
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"440\" "
                + "font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"20\" y=\"28\" font-size=\"15\">Cumulative expected clicks: pipeline "
                + "\(Format.xmlEscaped(report.pipeline)), \(report.rounds) rounds</text>",
            "<line x1=\"\(left)\" y1=\"\(top + height)\" x2=\"\(left + width)\" "
                + "y2=\"\(top + height)\" stroke=\"black\"/>",
            "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + height)\" "
                + "stroke=\"black\"/>",
            "<text x=\"\(left + width / 2)\" y=\"\(top + height + 36)\" "
                + "text-anchor=\"middle\">round</text>",
            "<text x=\"18\" y=\"\(top + height / 2)\" transform=\"rotate(-90 18 "
                + "\(top + height / 2))\" text-anchor=\"middle\">cumulative clicks</text>",
        ]
        for tick in 0...4 {
            let round = report.rounds * tick / 4
            let value = highest * Double(tick) / 4
            parts.append(
                "<text x=\"\(left + width * Double(tick) / 4)\" y=\"\(top + height + 16)\" "
                    + "text-anchor=\"middle\">\(round)</text>")
            parts.append(
                "<text x=\"\(left - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">"
                    + "\(Format.tick(value))</text>")
        }
        let step = max(1, report.rounds / 400)
        for (index, (name, values, colour)) in series.enumerated() {
            let points = stride(from: 0, to: values.count, by: step).map {
                "\(String(format: "%.1f", x($0))),\(String(format: "%.1f", y(values[$0])))"
            }
            let dash = name == "bandit" ? " stroke-dasharray=\"8 5\"" : ""
            parts.append(
                "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) "
                    + "points=\"\(points.joined(separator: " "))\"/>")
            let legend = top + 14 + Double(index) * 18
            parts.append(
                "<line x1=\"\(left + width + 12)\" y1=\"\(legend - 4)\" "
                    + "x2=\"\(left + width + 30)\" y2=\"\(legend - 4)\" stroke=\"\(colour)\" "
                    + "stroke-width=\"2\"/><text x=\"\(left + width + 34)\" y=\"\(legend)\">"
                    + "\(Format.xmlEscaped(name))</text>")
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }
}
