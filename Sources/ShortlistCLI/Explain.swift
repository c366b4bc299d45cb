import ArgumentParser
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why an item is, or is not, recommended to a user."
    )

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions

    @Option(help: "The external id of the user.")
    var user: String

    @Option(help: "The external id of the item.")
    var item: String

    @Option(
        name: .short, parsing: .unconditional,
        help: "The list size to explain against, at most 10000 (default: the pipeline's n).")
    var n: Int?

    @Option(
        help: ArgumentHelp(
            "For a bandit pipeline: replay the arm draws of this served response, from the arms' "
                + "states it was decided from; without it, a dry run draws its own.",
            valueName: "id"))
    var request: String?

    @OptionGroup var output: FormatOption
    @OptionGroup var requestOptions: RequestOptions

    @Flag(help: "Every term and factor under its model's name instead of plain words.")
    var detail = false

    func validate() throws {
        if let n { try checkCount(n, "-n", maximum: Limits.listLength) }
        try checkID(user, "--user")
        try checkID(item, "--item")
        if user.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--user needs a user id, found an empty one")
        }
    }

    func run() throws {
        try Terminal.run {
            let session = try prepareSession(file, fit)
            let pipeline = session.pipeline
            var served: ServedRequest?
            if let request {
                guard let store = session.store else {
                    throw RequestError(
                        "pipeline '\(pipeline.name)' has no bandit ranker: --request replays a "
                            + "bandit's response")
                }
                served = try store.shown(request: request)
                guard let served else {
                    throw RequestError(
                        .notFound, "no response has the request id '\(excerpt(request))'")
                }
                guard served.user == user else {
                    throw RequestError(
                        "request '\(excerpt(request))' was served to user '\(excerpt(served.user))', "
                            + "not '\(excerpt(user))'; a replay explains that user's list")
                }
                guard served.pipeline == pipeline.name else {
                    throw RequestError(
                        "request '\(excerpt(request))' was served by pipeline '\(served.pipeline)', "
                            + "not '\(pipeline.name)'; add --pipeline \(served.pipeline)")
                }
            }
            // A replay explains against the list that response showed.
            // A replay decides from the states the response was decided from, when it was
            // logged with them.
            let context =
                try served.flatMap { served in
                    served.armStates.count == pipeline.bandit?.arms.count
                        ? RankingContext(armStates: served.armStates) : nil
                } ?? session.context()
            let stored = try session.stored(for: user)
            let explanation = try pipeline.explain(
                userID: user, itemID: item,
                n: n ?? served.flatMap { $0.impressions.isEmpty ? nil : $0.impressions.count },
                history: stored.history, exclude: stored.exclude,
                fields: try requestOptions.fields(for: pipeline), lambda: requestOptions.lambda,
                requestID: request, context: context)
            switch output.format {
            case .table: try Console.line(render(explanation, pipeline, served: served))
            case .json:
                var output = ItemExplanationOutput(explanation, pipeline: pipeline, user: user)
                output.served = served.map {
                    ItemExplanationOutput.Served($0, item: pipeline.describe(explanation.item).id)
                }
                try Console.line(try json(output))
            }
        }
    }

    private func render(
        _ explanation: ItemExplanation, _ pipeline: FittedPipeline, served: ServedRequest?
    ) -> String {
        let (id, title) = pipeline.describe(explanation.item)
        var lines = [
            "Item \(id) \"\(title)\" for user \(user) in pipeline '\(pipeline.name)' "
                + "(\(Words.user(explanation.trace.user)))"
        ]
        if let served = served.map({ ItemExplanationOutput.Served($0, item: id) }) {
            var line = "request \(served.request) (served to user \(served.user)) "
            if let position = served.position, let arm = served.arm,
                let propensity = served.propensity
            {
                line +=
                    "showed it at position \(position), placed by arm \(arm) chosen with "
                    + "probability \(Format.number(propensity))"
            } else {
                line += "did not show it"
            }
            lines.append(
                line
                    + (served.replaysExactly
                        ? "; below, the same draws from the same arms' states"
                        : "; below, the same draws with the arms' states as they are now (the "
                            + "response was logged without them)"))
        }
        lines.append(
            "verdict: "
                + verdict(explanation.outcome, explanation, scale: pipeline.rankerVocabulary.scale))
        if let whyNot = Words.whyNot(explanation, in: pipeline) {
            lines.append("why not: " + whyNot)
        } else if let ranked = explanation.ranked {
            lines.append(
                "why: "
                    + Words.summary(
                        ranked, views: explanation.stages, query: explanation.trace.query,
                        in: pipeline))
        }
        lines.append("")
        lines.append("candidate stages:")
        var filtered = false
        if case .filtered = explanation.outcome { filtered = true }
        for stage in explanation.stages {
            lines.append(
                "  \(stage.name) (\(stage.type), limit \(stage.limit)): "
                    + Words.stageStatus(stage, filtered: filtered))
            if !stage.explanation.isEmpty {
                lines.append(
                    "      "
                        + Words.explanation(
                            stage, keep: detail ? .max : 5,
                            query: explanation.trace.query,
                            in: pipeline,
                            detail: detail ? .full : .plain))
            }
        }
        if let ranked = explanation.ranked {
            lines.append("")
            if let bandit = explanation.trace.bandit {
                lines.append(
                    request == nil
                        ? "a dry run with its own arm draws (request \(bandit.requestID)); "
                            + "--request ID replays those of a served response"
                        : "the arm draws of request \(bandit.requestID), replayed")
                lines.append(Words.bandit(bandit))
            }
            let entry = explanation.trace.pool.entry(for: ranked.item)
            lines.append(
                "ranker \(pipeline.rankerType): "
                    + Format.ranked(
                        ranked, entry: entry, in: pipeline,
                        detail: detail ? .full : .plain))
            for move in ranked.moves {
                lines.append("re-rank \(Words.move(move, in: pipeline))")
            }
            if let placement = ranked.placement {
                lines.append(
                    "placed by arm \(placement.arm), which was chosen with probability "
                        + Format.number(placement.propensity))
                if !placement.contributions.isEmpty {
                    lines.append(
                        "inside arm \(placement.arm): "
                            + Format.terms(
                                placement, entry: entry, in: pipeline,
                                detail: detail ? .full : .plain))
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private func verdict(
        _ outcome: ItemExplanation.Outcome, _ explanation: ItemExplanation,
        scale: Vocabulary.Scale
    ) -> String {
        switch outcome {
        case .recommended(let rank):
            return "recommended at rank \(rank) of \(explanation.trace.resultCount)"
        case .belowCutoff(let rank, let cutoff):
            let score = explanation.ranked?.score ?? .nan
            var text =
                "not recommended: ranked \(rank) of \(explanation.trace.pool.count) in the pool, "
                + "score \(Format.number(score)) below the cut-off score \(Format.number(cutoff)) "
                + "at rank \(explanation.trace.resultCount)"
            if scale == .logit {
                text +=
                    " (a chance of \(Format.chance(score)) against \(Format.chance(cutoff)))"
            }
            return text
        case .filtered(let filters):
            return "not recommended: removed by the filter\(filters.count == 1 ? "" : "s") "
                + "\(filters.joined(separator: ", "))"
        case .belowWindow(let rank, let window):
            return "not recommended: ranked \(rank) by the ranker, below the re-rank steps' "
                + "window of \(window) items, so no step could bring it up"
        case .pushedOut(let rankerRank, let rank):
            return "not recommended: ranked \(rankerRank) by the ranker, in the first "
                + "\(explanation.trace.resultCount), pushed to \(rank) by the re-rank steps"
        case .notNominated:
            return "not recommended: no candidate stage nominated it within its limit"
        }
    }

}
