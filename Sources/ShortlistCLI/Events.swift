import ArgumentParser
import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistStore

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract:
            "Record what users do after the data was fitted (views, clicks, ratings, dislikes): "
            + "the event log every request for the user folds in.",
        subcommands: [Add.self, Import.self, List.self]
    )

    /// The pipelines file's event policy and store, and the catalogue when events for unknown
    /// items are refused.
    struct Log {
        let file: PipelinesFile
        let policy: EventPolicy
        let store: any FeedbackStorage
        let catalogue: Dataset?

        init(_ path: String) throws {
            let workspace = try openWorkspace(path)
            file = workspace.file
            guard let policy = file.events else {
                throw RequestError(
                    "\(path) declares no event log: add an 'events' section naming the kinds "
                        + "of event, such as 'events: {kinds: {click: {weight: 1}}}' "
                        + "('shortlist plugins' lists its keys)")
            }
            self.policy = policy
            store = try openFeedbackStore(file.feedbackStore)
            catalogue =
                policy.unknownItems == .refuse
                ? try workspace.loadDataset().cataloguing(store.catalogue().entries).dataset : nil
        }

        /// Why `event` cannot be recorded, or nil.
        func problem(with event: Event) -> RequestError? {
            if let problem = policy.problem(with: event) { return problem }
            guard let catalogue, catalogue.item(event.item) == nil else { return nil }
            return policy.unknownItemProblem(event.item)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record one event; sent again with the same --id, it counts once.")

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        @Option(help: "The user's id (a new user is welcome).")
        var user: String

        @Option(help: "The item's id.")
        var item: String

        @Option(help: "The kind of event, one the pipelines file's 'events.kinds' declares.")
        var kind: String

        @Option(
            parsing: .unconditional, help: "The rating, for a kind whose value is the rating.",
            transform: decimalArgument)
        var value: Double?

        @Option(
            help:
                "When it happened: seconds since 1970 or an ISO 8601 date and time (default: now)."
        )
        var time: String?

        @Option(help: "An id that makes sending the event again harmless.")
        var id: String?

        @Option(
            help: ArgumentHelp(
                "The request id of the logged response the event answers (a click on an item "
                    + "it showed)."))
        var request: String?

        func run() throws {
            try Terminal.run {
                let log = try Log(path)
                let event = Event(
                    id: id, user: user, item: item, kind: kind, value: value,
                    time: try time.map(Events.seconds), request: request)
                if let problem = log.problem(with: event) { throw problem }
                let outcome = try log.store.recordEvents([event])
                try Console.line(
                    (outcome.recorded > 0 ? "recorded" : "already recorded")
                        + " \(kind) of item \(item) by user \(user)"
                        + (id.map { " (event \($0))" } ?? ""))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record every event of a CSV, TSV or JSON Lines file, all or none: a malformed "
                + "line is named FILE:LINE and nothing of the file is recorded.",
            discussion: """
                CSV and TSV files start with a header naming the columns user, item, kind and \
                optionally value, time (seconds since 1970 or ISO 8601) and id, in any order. \
                A JSON Lines file has one object per line with those keys.
                """)

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        @Argument(help: "The file ('-' for standard input, with --format).")
        var file: String

        @Option(help: "How the file is written (default: from its extension).")
        var format: EventFile.Format?

        func run() throws {
            try Terminal.run {
                let format = try recordFormat(of: file, given: format)
                let log = try Log(path)
                let events = try EventFile(path: file, format: format)
                let start = Date()
                let progress = Terminal.progress("import")
                let outcome = try log.store.importEvents(
                    {
                        guard let event = try events.next() else { return nil }
                        if var problem = log.problem(with: event) {
                            problem.location = ErrorLocation(file: events.name, line: events.line)
                            throw problem
                        }
                        return event
                    }, progress: { progress.report("events", done: $0, total: nil) })
                let seconds = Date().timeIntervalSince(start)
                let total = outcome.recorded + outcome.repeated
                try Console.line(
                    "imported \(outcome.recorded) events from \(events.name)"
                        + (outcome.repeated > 0
                            ? " (\(outcome.repeated) sent before counted once)" : "")
                        + String(
                            format: " in %.2f s (%.0f events/s)", seconds,
                            Double(total) / max(seconds, 1e-9)))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a user's latest events, as a request for the user reads them.")

        @Option(name: .customLong("config"), help: "The pipelines file.")
        var path = "pipelines.yaml"

        @Option(help: "The user's id.")
        var user: String

        @Option(help: "How many of the latest events (default: the policy's fold-in).")
        var limit: Int?

        func run() throws {
            try Terminal.run {
                let file = try PipelinesFile.load(path: path, registry: builtInPlugins)
                let limit = limit ?? file.events?.foldIn ?? EventPolicy.defaultFoldIn
                try checkCount(limit, "--limit", maximum: EventPolicy.foldInLimit)
                let store = try openFeedbackStore(file.feedbackStore)
                let found = try store.events(user: user, limit: limit).events
                guard !found.isEmpty else {
                    try Console.line("user \(user) has no events in \(store.location)")
                    return
                }
                let formatter = ISO8601DateFormatter()
                let rows =
                    [["time", "kind", "item", "value", "id"]]
                    + found.map { event in
                        [
                            formatter.string(from: Date(timeIntervalSince1970: event.time ?? 0)),
                            event.kind, event.item, event.value.map(plainNumber) ?? "",
                            event.id ?? "",
                        ]
                    }
                try Console.write(columns(rows))
            }
        }
    }

    /// A time given on the command line, as an events file gives it.
    static func seconds(_ text: String) throws -> Double {
        guard let seconds = EventFile.seconds(text), seconds.isFinite else {
            throw ValidationError(
                "--time '\(excerpt(text))' is neither seconds since 1970 nor an ISO 8601 date "
                    + "and time such as 2026-12-07T10:00:00Z")
        }
        return seconds
    }
}
