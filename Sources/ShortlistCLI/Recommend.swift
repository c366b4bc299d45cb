import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistPipeline

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend items to one user, or to many users in a batch."
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, tsv, jsonl
    }

    @OptionGroup var file: FileOptions

    @Option(help: "The external id of the user to recommend to.")
    var user: String?

    @Option(help: "Batch mode: 'all' for every user in the dataset, or a file with one user id per line.")
    var users: String?

    @Option(name: .short, help: "How many items to return (default: the pipeline's n).")
    var n: Int?

    @Flag(help: "Show, per item, every stage's rank and score and the ranker's contributions.")
    var explain = false

    @Option(help: "Output format: table or json for one user; tsv or jsonl for one or many.")
    var format: OutputFormat?

    func validate() throws {
        guard (user == nil) != (users == nil) else {
            throw ValidationError("give exactly one of --user ID or --users all|FILE")
        }
        if let n, n <= 0 { throw ValidationError("-n must be positive, found \(n)") }
        if users != nil, let format, format == .table || format == .json {
            throw ValidationError("--users writes tsv or jsonl, not \(format.rawValue)")
        }
    }

    func run() throws {
        try Terminal.run {
            let pipeline = try preparePipeline(file)
            if let users {
                try batch(pipeline, users: users)
            } else if let user {
                try single(pipeline, user: user)
            }
        }
    }

    private func single(_ pipeline: FittedPipeline, user: String) throws {
        let (items, trace) = pipeline.recommendWithTrace(userID: user, n: n)
        switch format ?? .table {
        case .table:
            print(RecommendationTable(pipeline: pipeline, user: user, items: items, trace: trace).render(explain: explain))
        case .json:
            print(try json(RecommendationOutput(pipeline: pipeline, user: user, items: items, trace: trace, explain: explain)))
        case .tsv:
            print(tsvHeader + tsvRows(pipeline, user: user, items: items), terminator: "")
        case .jsonl:
            print(try json(BatchLine(pipeline: pipeline, user: user, items: items), pretty: false))
        }
    }

    private func batch(_ pipeline: FittedPipeline, users: String) throws {
        let ids: [String]
        if users == "all" {
            ids = pipeline.dataset.userIDs
        } else {
            guard let text = try? String(contentsOfFile: users, encoding: .utf8) else {
                throw DataError(.missingFile, "cannot read the user list", file: users)
            }
            ids = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let start = Date()
        let results = pipeline.recommendAll(ids, n: n)
        let seconds = Date().timeIntervalSince(start)
        var output = ""
        if (format ?? .tsv) == .tsv {
            output = tsvHeader
            for (user, items) in zip(ids, results) { output += tsvRows(pipeline, user: user, items: items) }
        } else {
            for (user, items) in zip(ids, results) {
                output += try json(BatchLine(pipeline: pipeline, user: user, items: items), pretty: false) + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        Terminal.log("recommended for \(ids.count) users in \(String(format: "%.3f", seconds)) s")
    }
}

let tsvHeader = "user\titem\trank\tscore\n"

/// One user's list as TSV rows: external ids, rank from 1, the ranker's score.
func tsvRows(_ pipeline: FittedPipeline, user: String, items: [Ranked]) -> String {
    var rows = ""
    for (rank, item) in items.enumerated() {
        rows += "\(user)\t\(pipeline.dataset.itemIDs[item.item])\t\(rank + 1)\t\(item.score)\n"
    }
    return rows
}

/// One user's list as a JSON line.
struct BatchLine: Encodable {
    struct Item: Encodable {
        var item: String
        var rank: Int
        var score: Double
    }

    var user: String
    var recommendations: [Item]

    init(pipeline: FittedPipeline, user: String, items: [Ranked]) {
        self.user = user
        recommendations = items.enumerated().map { Item(item: pipeline.dataset.itemIDs[$1.item], rank: $0 + 1, score: $1.score) }
    }
}

/// One user's recommendations with their per-stage account, as JSON.
struct RecommendationOutput: Encodable {
    struct Item: Encodable {
        var rank: Int
        var item: String
        var title: String
        var score: Double
        var stages: [StageOutput]
        var contributions: [Contribution]
    }

    struct GeneratorSummary: Encodable {
        var stage: String
        var type: String
        var limit: Int
        var nominated: Int
        var emptyReason: String?
        var seconds: Double
    }

    var user: String
    var pipeline: String
    var userStatus: String
    var filters: [String: Int]
    var generators: [GeneratorSummary]
    var poolSize: Int
    var ranker: String
    var recommendations: [Item]

    init(pipeline: FittedPipeline, user: String, items: [Ranked], trace: Trace, explain: Bool) {
        self.user = user
        self.pipeline = pipeline.name
        userStatus = trace.userStatus
        filters = Dictionary(trace.filters.map { ($0.name, $0.excludedCount) }, uniquingKeysWith: +)
        generators = trace.generators.map {
            GeneratorSummary(stage: $0.name, type: $0.type, limit: $0.limit, nominated: $0.candidates.count, emptyReason: $0.emptyReason, seconds: $0.seconds)
        }
        poolSize = trace.pool.count
        ranker = pipeline.rankerType
        let query = pipeline.query(forUserID: user)
        recommendations = items.enumerated().map { rank, ranked in
            let entry = trace.pool.entry(for: ranked.item)
            let stages = pipeline.stages.enumerated().map { source, stage in
                let nomination = entry?.nomination(by: source)
                return StageOutput(
                    stage: stage.name, type: stage.type, rank: nomination?.rank, score: nomination?.score,
                    nominated: nomination != nil,
                    reasons: explain ? stage.model.explain(item: ranked.item, for: query).map { ReasonOutput($0, pipeline) } : []
                )
            }
            let (id, title) = pipeline.describe(ranked.item)
            return Item(rank: rank + 1, item: id, title: title, score: ranked.score, stages: stages, contributions: ranked.contributions)
        }
    }
}

/// One user's recommendations as a terminal table.
struct RecommendationTable {
    let pipeline: FittedPipeline
    let user: String
    let items: [Ranked]
    let trace: Trace

    func render(explain: Bool) -> String {
        var lines: [String] = []
        lines.append("Recommendations for user \(user) from pipeline '\(pipeline.name)' (\(trace.userStatus))")
        let filters = trace.filters.map { "\($0.name) removed \($0.excludedCount)" }
        lines.append("filters: \(filters.isEmpty ? "none" : filters.joined(separator: ", "))")
        for step in trace.generators {
            var line = "stage \(step.name) (\(step.type)): nominated \(step.candidates.count) of limit \(step.limit)"
            if let reason = step.emptyReason { line += " — nothing: \(reason)" }
            lines.append(line)
        }
        lines.append("ranker \(pipeline.rankerType): ordered a pool of \(trace.pool.count), kept the top \(items.count)")
        lines.append("")
        let titleWidth = 44
        var header = "  #  " + Format.padded("item", 6) + " " + Format.padded("title", titleWidth) + " " + Format.padded("score", 8)
        for stage in pipeline.stages { header += "  " + Format.padded(Format.truncated(stage.name, 16), 16) }
        lines.append(header)
        let query = pipeline.query(forUserID: user)
        for (rank, ranked) in items.enumerated() {
            let (id, title) = pipeline.describe(ranked.item)
            var line = String(format: "%3d  ", rank + 1) + Format.padded(id, 6) + " "
                + Format.padded(Format.truncated(title, titleWidth), titleWidth) + " " + Format.padded(Format.number(ranked.score), 8)
            let entry = trace.pool.entry(for: ranked.item)
            for source in pipeline.stages.indices {
                let cell = entry?.nomination(by: source).map { "#\($0.rank) \(Format.number($0.score))" } ?? "–"
                line += "  " + Format.padded(cell, 16)
            }
            lines.append(line)
            guard explain else { continue }
            lines.append("       ranker: " + ranked.contributions.map(Format.contribution).joined(separator: " + ") + " = \(Format.number(ranked.score))")
            for stage in pipeline.stages {
                let reasons = stage.model.explain(item: ranked.item, for: query)
                if !reasons.isEmpty {
                    lines.append("       \(stage.name): " + Format.reasons(reasons, for: ranked.item, in: pipeline))
                }
            }
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n")
    }
}
