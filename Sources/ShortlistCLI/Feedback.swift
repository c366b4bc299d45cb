import ArgumentParser
import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistStore

/// Opens the feedback store a pipelines file names (by default beside its artifacts).
func openStore(_ path: String) throws -> (PipelinesFile, any FeedbackStorage) {
    let file = try PipelinesFile.load(path: path, registry: builtInPlugins)
    return (file, try openFeedbackStore(file.feedbackStore))
}

struct Feedback: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Record a reward for an item of a served response (a click is 1, a skip 0); the "
            + "same feedback twice counts once."
    )

    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The request id of the response that showed the item.")
    var request: String?

    @Option(help: "The item's id.")
    var item: String?

    @Option(parsing: .unconditional, help: "The reward, from 0 to 1.", transform: decimalArgument)
    var reward: Double?

    @Option(
        help: ArgumentHelp(
            "Record each line 'REQUEST ITEM REWARD' (tab- or space-separated) of this file, '-' "
                + "for standard input, each in its own transaction, printing 'recorded REQUEST "
                + "ITEM' as it is stored.",
            valueName: "file"))
    var batch: String?

    func validate() throws {
        try checkID(request, "--request")
        try checkID(item, "--item")
        let single = [request == nil, item == nil, reward == nil]
        if batch != nil {
            guard single.allSatisfy({ $0 }) else {
                throw ValidationError("--batch takes its feedback from the file, not from options")
            }
        } else if single.contains(true) {
            throw ValidationError("give --request, --item and --reward, or --batch FILE")
        }
    }

    func run() throws {
        try Terminal.run {
            let (_, store) = try openStore(path)
            if let batch {
                try record(batch, into: store)
            } else if let request, let item, let reward {
                switch try store.recordFeedback(request: request, item: item, reward: reward) {
                case .recorded:
                    try Console.line(
                        "recorded reward \(plainNumber(reward)) for item \(item) of request \(request)"
                    )
                case .repeated:
                    try Console.line(
                        "already recorded: reward \(plainNumber(reward)) for item \(item) of "
                            + "request \(request) counts once")
                }
            }
        }
    }

    /// Records each line of `source` as it arrives, acknowledging each on standard output once
    /// it is stored (a repeated one as already recorded).
    private func record(_ source: String, into store: any FeedbackStorage) throws {
        let reader = try LineReader(path: source)
        while let text = try reader.next() {
            let outcome: FeedbackOutcome
            let line: FeedbackLine
            do {
                guard let parsed = try FeedbackLine(parsing: text) else { continue }
                line = parsed
                outcome = try store.recordFeedback(
                    request: line.request, item: line.item, reward: line.reward)
            } catch {
                var located = error
                located.location = ErrorLocation(file: source, line: reader.line)
                throw located
            }
            // Written at once, not buffered: a reader of the acknowledgements sees each as soon
            // as its feedback is stored.
            try Console.line(
                "\(outcome == .recorded ? "" : "already ")recorded \(line.request) \(line.item)")
        }
    }
}
