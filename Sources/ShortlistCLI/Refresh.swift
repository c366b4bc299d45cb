import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistPipeline
import ShortlistStore

struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Fold the event log into the data and refit the stages it changes: every later run "
            + "reads the refreshed data whole from the dataset cache.",
        discussion: """
            Requests fold a user's latest events in without a refit; a refresh makes them part \
            of the data the stages are fitted on, for every user and item at once. Every \
            pipeline of the file is prepared (a stage whose data did not change is loaded), \
            or only --pipeline NAME; matrix factorisation starts from the factors fitted on the \
            data before the refresh when they are stored (warm-epochs sweeps).
            """)

    @Option(name: .customLong("config"), help: "The pipelines file.")
    var path = "pipelines.yaml"

    @Option(help: "The pipeline to prepare (default: every pipeline of the file).")
    var pipeline: String?

    func run() throws {
        try Terminal.run {
            let workspace = try openWorkspace(path)
            guard workspace.file.events != nil else {
                throw RequestError(
                    "\(path) declares no event log ('events'): there is nothing to refresh with")
            }
            let store = try openFeedbackStore(workspace.file.feedbackStore)
            let start = Date()
            let mark = try store.newestEventPosition()
            let before = workspace.refreshedThrough() ?? 0
            let events = try store.events(after: 0, through: mark)
            let catalogue = try store.catalogue()
            let previous = try workspace.loadDataset()
            let dataset = try workspace.refresh(
                with: events, catalogue: catalogue.entries,
                at: Workspace.RefreshMark(events: mark, catalogue: catalogue.version))
            let names = pipeline.map { [$0] } ?? workspace.file.pipelines.map(\.name)
            for name in names {
                _ = try workspace.prepare(pipeline: name, dataset: dataset, warmFrom: previous)
            }
            let fresh = try store.events(after: before, through: mark).count
            try Console.line(
                "refreshed with \(events.count) events (\(fresh) since the last refresh; the "
                    + "log through position \(mark)) and \(catalogue.entries.count) catalogue "
                    + "entries: \(dataset.userCount) users, \(dataset.itemCount) items, "
                    + "\(dataset.interactionCount) interactions; prepared "
                    + names.map { "'\($0)'" }.joined(separator: ", ")
                    + String(format: " in %.1f s", Date().timeIntervalSince(start)))
        }
    }
}
