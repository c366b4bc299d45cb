import Foundation
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline

/// One user's recommendations as a terminal table.
struct RecommendationTable {
    let pipeline: FittedPipeline
    let user: String
    let items: [Ranked]
    let trace: Trace

    /// The table; with `explain`, each item is led by a plain sentence, then every stage's view
    /// of it and the ranker's terms, in plain words or, with `detail`, in full.
    func render(explain: Bool, detail: Detail = .plain) -> String {
        var lines: [String] = []
        lines.append(
            "Recommendations for user \(user) from pipeline '\(pipeline.name)' "
                + "(\(Words.user(trace.user, fresh: trace.freshInteractions)))"
        )
        let filters = trace.filters.map { "\($0.name) removed \($0.excludedCount)" }
        lines.append("filters: \(filters.isEmpty ? "none" : filters.joined(separator: ", "))")
        for step in trace.generators {
            var line =
                "stage \(step.name) (\(step.type)): nominated \(step.candidates.count) of "
                + "limit \(step.limit)"
            if let reason = step.unavailable { line += " — nothing: \(Words.unavailable(reason))" }
            lines.append(line)
        }
        if let rerank = trace.rerank, let steps = pipeline.reranking?.steps {
            lines.append(
                "ranker \(pipeline.rankerType): ordered a pool of \(trace.pool.count)")
            lines.append(
                "re-rank \(steps.map(\.type).joined(separator: ", ")): reordered its best "
                    + "\(rerank.window), kept \(items.count)"
                    + (items.count < trace.resultCount
                        ? " (no more fit the steps within the window)" : ""))
        } else {
            lines.append(
                "ranker \(pipeline.rankerType): ordered a pool of \(trace.pool.count), kept the "
                    + "top \(items.count)"
            )
        }
        if let bandit = trace.bandit {
            let id = bandit.requestID
            lines.append(
                bandit.logged
                    ? "request \(id): reward an item with shortlist feedback --request \(id) "
                        + "--item ID --reward 1"
                    : "request \(id): a dry run, not logged for feedback")
            if explain { lines.append(Words.bandit(bandit)) }
        }
        lines.append("")
        let titleWidth = 44
        let scale = pipeline.rankerVocabulary.scale
        let scores = items.enumerated().map { Format.score($1, rank: $0 + 1, on: scale) }
        let scoreWidth = max(8, scores.map(\.count).max() ?? 0)
        var header =
            "  #  " + Format.padded("item", 6) + " " + Format.padded("title", titleWidth) + " "
            + Format.padded(Format.scoreHeading(scale), scoreWidth)
        for stage in pipeline.stages {
            header += "  " + Format.padded(Format.truncated(stage.name, 16), 16)
        }
        let placed = items.contains { $0.placement != nil }
        if placed { header += "  arm (propensity)" }
        // With re-rank steps: each item's place in the ranker's own order.
        var rankerRank: [ItemIndex: Int] = [:]
        if trace.rerank != nil {
            header += "  ranker #"
            for (index, item) in trace.ranked.enumerated() { rankerRank[item.item] = index + 1 }
        }
        lines.append(header)
        let query = trace.query
        let views =
            explain ? pipeline.stageViews(of: items.map(\.item), for: query, trace: trace) : []
        for (rank, ranked) in items.enumerated() {
            let (id, title) = pipeline.describe(ranked.item)
            var line =
                String(format: "%3d  ", rank + 1) + Format.padded(id, 6) + " "
                + Format.padded(Format.truncated(title, titleWidth), titleWidth) + " "
                + Format.padded(scores[rank], scoreWidth)
            let entry = trace.pool.entry(for: ranked.item)
            for source in pipeline.stages.indices {
                let cell =
                    entry?.nomination(by: source).map { "#\($0.rank) \(Format.number($0.score))" }
                    ?? "–"
                line += "  " + Format.padded(cell, 16)
            }
            if placed {
                line +=
                    "  "
                    + (ranked.placement.map { "\($0.arm) (\(Format.number($0.propensity)))" }
                        ?? "–")
            }
            if let place = rankerRank[ranked.item] { line += "  #\(place)" }
            lines.append(line)
            guard explain else { continue }
            lines.append(
                "       "
                    + Words.summary(ranked, views: views[rank], query: trace.query, in: pipeline))
            for view in views[rank] {
                var line = "       \(view.name): "
                if !view.isNominated { line += Words.stageStatus(view, filtered: false) }
                if view.isNominated || detail == .full, !view.explanation.isEmpty {
                    line +=
                        (view.isNominated ? "" : " — ")
                        + Words.explanation(
                            view, keep: detail == .full ? .max : 5, query: trace.query,
                            in: pipeline, detail: detail)
                }
                lines.append(line)
            }
            lines.append(
                "       ranker: "
                    + Format.ranked(
                        ranked, entry: entry, in: pipeline,
                        keep: detail == .full ? nil : 6, detail: detail))
            for move in ranked.moves {
                lines.append("       re-rank \(Words.move(move, in: pipeline))")
            }
            if let placement = ranked.placement, !placement.contributions.isEmpty {
                lines.append(
                    "       inside arm \(placement.arm): "
                        + Format.terms(
                            placement, entry: entry, in: pipeline,
                            keep: detail == .full ? nil : 6, detail: detail))
            }
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(
            separator: "\n")
    }
}
