import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend items to one user, or to many users in a batch."
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, tsv, jsonl
    }

    @OptionGroup var file: FileOptions
    @OptionGroup var fit: FitOptions
    @OptionGroup var requestOptions: RequestOptions

    @Option(help: "The external id of the user to recommend to.")
    var user: String?

    @Option(
        help:
            "Batch mode: 'all' for every user in the dataset, or a file with one user id per line.")
    var users: String?

    @Option(
        name: .short, parsing: .unconditional,
        help: "How many items to return, at most 10000 (default: the pipeline's n).")
    var n: Int?

    @Flag(help: "Show, per item, every stage's rank and score and the ranker's contributions.")
    var explain = false

    @Flag(
        help: "With --explain: every term and factor under its model's name instead of plain words."
    )
    var detail = false

    @Option(help: "Output format: table or json for one user; tsv or jsonl for one or many.")
    var format: OutputFormat?

    @Option(
        help: ArgumentHelp(
            "Interactions to add to the user's history for this request, as ITEM[:RATING] "
                + "separated by commas, oldest first (fold-in: a new user, or what happened "
                + "after the last fit).",
            valueName: "items"))
    var history: String?

    func validate() throws {
        guard (user == nil) != (users == nil) else {
            throw ValidationError("give exactly one of --user ID or --users all|FILE")
        }
        if let n { try checkCount(n, "-n", maximum: Limits.listLength) }
        try checkID(user, "--user")
        if let user, user.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--user needs a user id, found an empty one")
        }
        if users != nil, let format, format == .table || format == .json {
            throw ValidationError("--users writes tsv or jsonl, not \(format.rawValue)")
        }
        if detail, !explain { throw ValidationError("--detail details --explain; add --explain") }
        if explain, let format, format == .tsv || format == .jsonl {
            throw ValidationError(
                "--explain shows in the table or json format; \(format.rawValue) writes lists "
                    + "without explanations")
        }
        if users != nil, history != nil {
            throw ValidationError(
                "--history adds to one user's history (--user ID), not to --users")
        }
        if users != nil, explain {
            throw ValidationError(
                "--explain explains one user's list (--user ID); --users writes lists without "
                    + "explanations")
        }
    }

    func run() throws {
        try Terminal.run {
            // A list of users is read before anything is fitted, so a bad one fails at once.
            let listed = try users.flatMap { $0 == "all" ? nil : try Self.userList($0) }
            let session = try prepareSession(file, fit)
            if users != nil {
                try batch(session, users: listed ?? session.pipeline.dataset.userIDs)
            } else if let user {
                try single(session, user: user)
            }
        }
    }

    /// The user ids of a file, one per line (blank lines skipped).
    private static func userList(_ path: String) throws -> [String] {
        let reader = try LineReader(path: path)
        var ids: [String] = []
        while let line = try reader.next() {
            let id = line.trimmingCharacters(in: .whitespaces)
            if id.isEmpty { continue }
            if let control = firstControlCharacter(in: id) {
                throw RequestError(
                    FeatureField.controlCharacterMessage("user", control),
                    location: ErrorLocation(file: reader.name, line: reader.line))
            }
            ids.append(id)
        }
        return ids
    }

    /// One user's list, a served response: a bandit's decision is logged before it is shown.
    private func single(_ session: Session, user: String) throws {
        let pipeline = session.pipeline
        let stored = try session.stored(for: user)
        let request = Request(
            userID: user, n: n,
            history: stored.history
                + (try history.map { try pipeline.history(parsing: $0, option: "--history") }
                    ?? []),
            exclude: stored.exclude, fields: try requestOptions.fields(for: pipeline),
            lambda: requestOptions.lambda)
        let (response, traced) = pipeline.recommendWithTrace(
            request, context: try session.context())
        var trace = traced
        if try session.log(response.decision) { trace.bandit?.logged = true }
        let items = response.items
        let logged = trace.bandit.flatMap { $0.logged ? $0.requestID : nil }
        switch format ?? .table {
        case .table:
            try Console.line(
                RecommendationTable(pipeline: pipeline, user: user, items: items, trace: trace)
                    .render(explain: explain, detail: detail ? .full : .plain))
        case .json:
            try Console.line(
                try json(
                    RecommendationOutput(
                        pipeline: pipeline, user: user, items: items, trace: trace, explain: explain
                    )))
        case .tsv:
            try Console.write(
                tsvHeader(logged: logged != nil)
                    + tsvRows(pipeline, user: user, items: items, requestID: logged))
        case .jsonl:
            try Console.line(
                try json(
                    RecommendationOutput(
                        pipeline: pipeline, user: user, items: items, trace: trace, explain: false),
                    pretty: false))
        }
    }

    /// Many users' lists, which are not served responses: a bandit reads its arms' states before
    /// each batch and logs nothing; each user's stored events are folded in as for one user.
    private func batch(_ session: Session, users ids: [String]) throws {
        let pipeline = session.pipeline
        let unknown = ids.filter { pipeline.dataset.user($0) == nil }
        if let first = unknown.first {
            Terminal.log(
                "note: \(unknown.count) of the \(ids.count) users (the first '\(excerpt(first))') are "
                    + "not in the dataset: they get the lists of a user with no history")
        }
        let start = Date()
        let progress = Terminal.progress("recommend")
        let isTSV = (format ?? .tsv) == .tsv
        if isTSV { try Console.write(tsvHeader(logged: false)) }
        // Written batch by batch: the lists of every user are never held at once.
        try pipeline.recommendInBatches(
            ids, n: n, fields: try requestOptions.fields(for: pipeline),
            lambda: requestOptions.lambda, context: session.context, fresh: session.stored(for:)
        ) { users, lists in
            var output = ""
            for (user, items) in zip(ids[users], lists) {
                output +=
                    isTSV
                    ? tsvRows(pipeline, user: user, items: items)
                    : try json(
                        RecommendationOutput(pipeline: pipeline, user: user, items: items),
                        pretty: false) + "\n"
            }
            try Console.write(output)
            progress.report("users", done: users.upperBound, total: ids.count)
        }
        let seconds = Date().timeIntervalSince(start)
        Terminal.log("recommended for \(ids.count) users in \(String(format: "%.3f", seconds)) s")
    }
}
