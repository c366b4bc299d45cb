import Foundation
public import Logging
import ShortlistCore
public import ShortlistPipeline

extension Words {
    /// An event of loading and preparing, as the log line the CLI and the server write.
    public static func event(_ event: WorkspaceEvent) -> String {
        switch event {
        case .fetching(let dataset, let folder):
            return "dataset: \(folder) is missing; fetching \(dataset.rawValue)"
        case .datasetCacheProblem(let problem): return problem
        case .mergedDuplicates(let count):
            return "dataset: merged \(count) repeated (user, item) interaction"
                + "\(count == 1 ? "" : "s"), keeping the latest of each"
        case .skippedRows(let file, let count):
            return "dataset: skipped \(count) malformed row\(count == 1 ? "" : "s") in \(file)"
        case .missingValues(let field, let count):
            let (noun, name) =
                switch field {
                case .itemYear: ("item", "year")
                case .userAge: ("user", "age")
                case .userGender: ("user", "gender")
                case .userOccupation: ("user", "occupation")
                }
            return "dataset: \(count) \(noun)\(count == 1 ? "" : "s") of the \(noun)s file "
                + "\(count == 1 ? "has" : "have") no \(name)"
        case .unlistedItems(let count):
            return "dataset: \(unlisted(count, "item")) (they are titled by their ids)"
        case .unlistedUsers(let count): return "dataset: \(unlisted(count, "user"))"
        case .noRatings:
            return "dataset: the interactions have no ratings, so every interaction counts as "
                + "liked (weighted-rating ranks by vote count; evaluate counts every held-out "
                + "interaction as relevant)"
        case .noTimestamps:
            return "dataset: the interactions have no timestamps, so nothing is ordered by time "
                + "(splits by time are refused, use random:FRACTION:SEED; a learned ranker holds "
                + "out a random share of each user's interactions; what depends on time or on a "
                + "user's latest items sees every interaction at one moment, in no meaningful "
                + "order)"
        case .reused(let fit, let path): return "\(stage(fit)): reused artifact \(path)"
        case .fitted(let fit, let seconds, let path):
            return "\(stage(fit)): fitted in \(duration(seconds)), saved \(path)"
        case .refitting(let fit, let reason): return "\(stage(fit)): \(reason); refitting"
        case .notSaved(let fit, let seconds, let reason):
            return "\(stage(fit)): fitted in \(duration(seconds)) but not saved: \(reason)"
        case .labelledPools(
            let pipeline, let heldOut, let holdout, let latest, let pools, let eligible,
            let candidates, let positives):
            let share = String(
                format: "%.2f", 100 * Double(positives) / Double(max(candidates, 1)))
            let sample =
                eligible > pools
                ? " (a seeded sample of the \(eligible) users with a held-out positive)" : ""
            return "two-stage training of the ranker of '\(pipeline)': held out \(heldOut) "
                + "interactions (\(latest ? "the latest " : "a random ")"
                + "\(plainNumber(holdout * 100))% of each user's), \(pools) labelled pools"
                + "\(sample) of \(candidates) candidates, \(share)% positive"
        case .rankerProgress(let ranker, let pipeline, let message):
            return "\(ranker) of '\(pipeline)': \(message)"
        }
    }

    /// `stage 'als' (matrix-factorization)`, with ` before the holdout` when it is.
    private static func stage(_ fit: WorkspaceEvent.Fit) -> String {
        "stage '\(fit.stage)' (\(fit.type))" + (fit.beforeHoldout ? " before the holdout" : "")
    }

    /// `3 interactions name items the items file lacks`.
    private static func unlisted(_ count: Int, _ noun: String) -> String {
        "\(count) interaction\(count == 1 ? "" : "s") name\(count == 1 ? "s" : "") \(noun)s the "
            + "\(noun)s file lacks"
    }

    /// `0.4 ms`, `12.3 ms`, `4.56 s`.
    private static func duration(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
}

extension Logger {
    /// Logs a workspace event in its words, at its level (a warning as `.warning`), with the
    /// stage, plugin type and file it is about as metadata.
    public func report(_ event: WorkspaceEvent) {
        var metadata: Metadata = [:]
        switch event {
        case .reused(let fit, let path), .fitted(let fit, _, let path):
            metadata = ["stage": "\(fit.stage)", "type": "\(fit.type)", "path": "\(path)"]
        case .refitting(let fit, _), .notSaved(let fit, _, _):
            metadata = ["stage": "\(fit.stage)", "type": "\(fit.type)"]
        case .skippedRows(let file, _): metadata = ["file": "\(file)"]
        default: break
        }
        log(
            level: event.level == .warning ? .warning : .info, "\(Words.event(event))",
            metadata: metadata)
    }
}
