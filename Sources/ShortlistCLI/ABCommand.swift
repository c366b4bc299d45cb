import ArgumentParser
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

struct ABCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ab",
        abstract:
            "Report on or reset the arms of a bandit pipeline, or preview another pipeline on "
            + "its logged responses.",
        subcommands: [ABReport.self, ABPreview.self, ABReset.self]
    )
}

struct ABReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Per arm: pulls, rewards, reward rate with a 95% interval, the probability that it "
            + "is best, and what it would have earned serving all the traffic (self-normalised "
            + "inverse propensity scoring)."
    )

    @OptionGroup var file: FileOptions

    @OptionGroup var output: FormatOption

    @Option(help: ArgumentHelp("Also draw the report as an SVG chart.", valueName: "file.svg"))
    var chart: String?

    func run() throws {
        try Terminal.run {
            let (pipelines, store) = try openStore(file.path)
            let name = try banditPipeline(
                file.pipeline, in: pipelines, store: store, purpose: "so it has no arms")
            let arms = try ArmReport.report(
                name, declared: pipelines.pipeline(named: name)?.ranker.arms ?? [], store: store)
            switch output.format {
            case .table: try Console.line(table(name, arms, store: store.location))
            case .json:
                struct Output: Encodable {
                    var pipeline: String
                    var store: String
                    var arms: [ArmReport]
                }
                try Console.line(
                    try json(Output(pipeline: name, store: store.location, arms: arms)))
            }
            if let chart {
                try OutputFile.write(svg(name, arms), to: chart, what: "the chart")
                Terminal.log("wrote \(chart)")
            }
        }
    }

    private func table(_ pipeline: String, _ arms: [ArmReport], store: String) -> String {
        var lines = [
            "Arms of pipeline '\(pipeline)' (\(store))",
            "arm                 pulls     rewards   rate     95% interval        P(best)  "
                + "all traffic (IPS)",
        ]
        for arm in arms {
            let interval = "\(Format.number(arm.interval[0]))–\(Format.number(arm.interval[1]))"
            let offPolicy =
                arm.offPolicy.map {
                    "\(Format.number($0.estimate)) (\(Format.number($0.interval[0]))–"
                        + "\(Format.number($0.interval[1])))"
                } ?? "–"
            lines.append(
                Format.padded(arm.arm, 19) + " " + Format.padded(String(arm.pulls), 9) + " "
                    + Format.padded(Format.number(arm.rewards), 9) + " "
                    + Format.padded(arm.rate.map(Format.number) ?? "–", 8) + " "
                    + Format.padded(interval, 19) + " "
                    + Format.padded(Format.number(arm.probabilityBest), 8) + " " + offPolicy)
        }
        if arms.allSatisfy({ $0.pulls == 0 }) { lines.append("(no request served yet)") }
        return lines.joined(separator: "\n")
    }
}

struct ABReset: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Forget a pipeline's served requests, feedback and arm statistics."
    )

    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The pipeline whose bandit state goes.")
    var pipeline: String

    @Flag(help: "Confirm: the state cannot be recovered.")
    var yes = false

    func run() throws {
        try Terminal.run {
            let (pipelines, store) = try openStore(path)
            let name = try banditPipeline(
                pipeline, in: pipelines, store: store, purpose: "so it has no arms")
            guard yes else {
                throw ValidationError(
                    "ab reset forgets every request, feedback and arm statistic of pipeline "
                        + "'\(name)'; add --yes to confirm")
            }
            let removed = try store.reset(pipeline: name)
            try Console.line(
                "removed \(removed) request\(removed == 1 ? "" : "s") with their feedback, and "
                    + "the arm statistics, of pipeline '\(name)' from \(store.location)")
        }
    }
}

/// The bandit pipeline a command works on: `name` when the pipelines file has it with a bandit
/// ranker, or when `store` logged it; when nil, the file's first pipeline with a bandit ranker,
/// or else the first `store` logged. Without a store, a name the file lacks is left to
/// `prepare` to refuse. `purpose` ends the message for a pipeline that is no bandit ("so it
/// has no arms").
func banditPipeline(
    _ name: String?, in file: PipelinesFile, store: (any FeedbackStorage)?, purpose: String
) throws -> String {
    guard let name else {
        if let first = file.pipelines.first(where: { $0.ranker.ranker.isBandit }) {
            return first.name
        }
        guard let store else {
            throw RequestError("no pipeline in \(file.path) has a bandit ranker")
        }
        guard let logged = try store.pipelines().first else {
            throw RequestError(
                "no pipeline in \(file.path) has a bandit ranker, and the feedback store "
                    + "\(store.location) has logged none")
        }
        Terminal.log(
            "no pipeline in \(file.path) has a bandit ranker; pipeline '\(logged)' is the first "
                + "the feedback store \(store.location) logged")
        return logged
    }
    let spec = file.pipeline(named: name)
    if spec?.ranker.ranker.isBandit ?? false { return name }
    if let store, !(try store.arms(pipeline: name)).isEmpty { return name }
    if let spec {
        throw RequestError(
            "pipeline '\(name)' has no bandit ranker (its ranker is \(spec.ranker.ranker.type)), "
                + purpose)
    }
    guard store != nil else { return name }
    throw RequestError.unknownPipeline(
        name, among: file.pipelines.map(\.name), in: "\(file.path) or in the feedback store")
}

/// The report as a chart: per arm, its observed reward rate with the 95% interval, and the
/// off-policy estimate of it serving all the traffic.
func svg(_ pipeline: String, _ arms: [ArmReport]) -> String {
    let left = 140.0
    let width = 460.0
    let row = 44.0
    let top = 72.0
    let height = top + row * Double(max(arms.count, 1)) + 56
    let highest = arms.flatMap { [$0.interval[1], $0.offPolicy?.interval[1] ?? 0] }.max() ?? 0
    let scale = Format.axisMaximum(max(highest, 0.01))
    let x = { (value: Double) in left + width * value / scale }
    var parts = [
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\">",
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
        "<text x=\"20\" y=\"24\" font-size=\"15\">Reward rate by arm: pipeline "
            + "\(Format.xmlEscaped(pipeline))</text>",
    ]
    for tick in 0...4 {
        let value = scale * Double(tick) / 4
        let position = x(value)
        parts.append(
            "<line x1=\"\(position)\" y1=\"\(top - 8)\" x2=\"\(position)\" "
                + "y2=\"\(height - 44)\" stroke=\"#ddd\"/>")
        parts.append(
            "<text x=\"\(position)\" y=\"\(height - 30)\" text-anchor=\"middle\">"
                + "\(Format.tick(value))</text>")
    }
    parts.append(
        "<text x=\"\(left + width / 2)\" y=\"\(height - 12)\" text-anchor=\"middle\">reward per "
            + "impression</text>")
    for (index, arm) in arms.enumerated() {
        let y = top + row * Double(index)
        parts.append(
            "<text x=\"\(left - 10)\" y=\"\(y + 16)\" text-anchor=\"end\">\(Format.xmlEscaped(arm.arm))"
                + "</text>")
        parts.append(
            "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(x(arm.rate ?? 0) - left)\" "
                + "height=\"16\" fill=\"#4a7ab7\"/>")
        parts.append(
            "<line x1=\"\(x(arm.interval[0]))\" y1=\"\(y + 12)\" x2=\"\(x(arm.interval[1]))\" "
                + "y2=\"\(y + 12)\" stroke=\"black\" stroke-width=\"1.5\"/>")
        if let offPolicy = arm.offPolicy {
            let position = x(offPolicy.estimate)
            parts.append(
                "<path d=\"M\(position) \(y + 22) l5 6 l-5 6 l-5 -6 z\" fill=\"#d9822b\"/>")
        }
        parts.append(
            "<text x=\"\(left + width + 8)\" y=\"\(y + 16)\">\(arm.pulls) pulls</text>")
    }
    parts.append(
        "<rect x=\"20\" y=\"36\" width=\"12\" height=\"10\" fill=\"#4a7ab7\"/>"
            + "<text x=\"38\" y=\"46\">observed reward rate, 95% interval</text>"
            + "<path d=\"M286 35 l5 6 l-5 6 l-5 -6 z\" fill=\"#d9822b\"/>"
            + "<text x=\"296\" y=\"46\">serving all the traffic (IPS estimate)</text>")
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
}
