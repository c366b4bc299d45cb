import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

struct ABPreview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract:
            "Estimate what a candidate pipeline would have earned on the responses another "
            + "pipeline logged: inverse propensity scoring, self-normalised and doubly robust, "
            + "with 95% bootstrap intervals.",
        discussion: """
            Each logged response's user is served by the candidate (a list as long as the \
            logged one, from the data as fitted: events stored since are not folded in, so \
            that what the user did after the response cannot leak into it). A list's value is \
            the sum of its items' rewards, taken item by item: each logged item the candidate \
            also shows counts its reward divided by the logging policy's probability of \
            showing it. A logging policy that shows its list with certainty (propensity 1) has \
            no support outside it: the estimates then count only the candidate's items it \
            showed, and the output says so.
            """)

    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The candidate pipeline to estimate.")
    var pipeline: String

    @Option(help: "The pipeline whose logged responses are the evidence.")
    var logged: String

    @Option(
        parsing: .unconditional, help: "The seed of the bootstrap resamples.",
        transform: seedArgument)
    var seed: UInt64 = 1

    @OptionGroup var output: FormatOption

    func run() throws {
        try Terminal.run {
            let workspace = try openWorkspace(path)
            guard workspace.file.pipeline(named: pipeline) != nil else {
                throw RequestError.unknownPipeline(
                    pipeline, among: workspace.file.pipelines.map(\.name), in: path)
            }
            let store = try openFeedbackStore(workspace.file.feedbackStore)
            let policy = workspace.file.events
            let lists = try store.exposures(
                pipeline: logged, eventReward: { policy?.reward(kind: $0) })
            guard !lists.isEmpty else {
                throw RequestError(
                    "pipeline '\(excerpt(logged))' has logged no response in \(store.location) "
                        + "(a bandit pipeline logs every response it serves; another, the share "
                        + "of a server's responses its 'exposures' key gives)")
            }
            let candidate = try servingStoredCatalogue(
                workspace.prepare(pipeline: pipeline, dataset: try workspace.loadDataset()),
                store: store, policy: policy)
            let chosen = lists.map { list in
                var observer = NoObserver()
                return candidate.run(
                    Request(userID: list.user, n: list.shown.count, requestID: list.request),
                    observer: &observer
                ).items.map { candidate.dataset.itemIDs[$0.item] }
            }
            let report = OffPolicy.estimate(lists, candidate: chosen, seed: seed)
            switch output.format {
            case .table: try Console.line(table(report, store: store.location))
            case .json:
                struct Output: Encodable {
                    var pipeline: String
                    var logged: String
                    var estimates: OffPolicyReport
                }
                try Console.line(
                    try json(Output(pipeline: pipeline, logged: logged, estimates: report)))
            }
        }
    }

    private func table(_ report: OffPolicyReport, store: String) -> String {
        let f = { (value: Double) in String(format: "%.4f", value) }
        let rows = [
            ("'\(logged)' as logged", report.logged), ("'\(pipeline)': IPS", report.ips),
            ("'\(pipeline)': self-normalised IPS", report.snips),
            ("'\(pipeline)': doubly robust", report.doublyRobust),
        ]
        let width = rows.map(\.0.count).max().map { $0 + 2 } ?? 0
        var lines =
            [
                "Preview of pipeline '\(pipeline)' on the \(report.requests) responses pipeline "
                    + "'\(logged)' logged (\(store)): reward per response",
                Format.padded("", width) + Format.padded("value", 9) + "95% interval",
            ]
            + rows.map { name, estimate in
                Format.padded(name, width) + Format.padded(f(estimate.value), 9)
                    + "\(f(estimate.low))–\(f(estimate.high))"
            } + [
                String(
                    format: "%.1f%% of the candidate's items were shown by the logged response",
                    100 * report.overlap)
            ]
        if report.deterministicLogger {
            lines.append(
                "the logging policy is deterministic (every propensity is 1): it has no support "
                    + "outside its own lists, so the estimates count only the candidate's items "
                    + "it showed")
        }
        return lines.joined(separator: "\n")
    }
}
