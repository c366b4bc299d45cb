import ArgumentParser
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check a pipelines file, and that its dataset has the fields every stage needs; "
            + "exits non-zero and prints the error when it is invalid."
    )

    @Argument(help: "The pipelines file (or give it as --config FILE; default: pipelines.yaml).")
    var file: String?

    @Option(help: "The pipelines file.")
    var config: String?

    @Flag(help: "Check the file only, without loading its dataset.")
    var noData = false

    func validate() throws {
        if let file, let config, file != config {
            throw ValidationError(
                "give the pipelines file once, as an argument or as --config, not both")
        }
    }

    func run() throws {
        let path = file ?? config ?? "pipelines.yaml"
        try Terminal.run {
            let workspace = try openWorkspace(path)
            let file = workspace.file
            var checked = "dataset not loaded"
            var plans: [String] = []
            if !noData {
                if let missing = workspace.missingDataset {
                    checked = "dataset not checked: \(missing)"
                } else {
                    let dataset = try workspace.loadDataset()
                    for pipeline in file.pipelines {
                        try workspace.check(pipeline, against: dataset)
                    }
                    checked =
                        "dataset has the fields every stage needs and the items every filter names"
                    let stored = Set(workspace.artifacts.files().map(\.id))
                    plans = try workspace.plans(on: dataset).map { plan in
                        Self.describe(plan, stored: stored)
                    }
                }
            }
            let names = file.pipelines.map { pipeline in
                let steps = pipeline.rerank?.steps.count ?? 0
                return "'\(pipeline.name)' (\(pipeline.generators.count) candidate "
                    + "stage\(pipeline.generators.count == 1 ? "" : "s")"
                    + (steps == 0 ? "" : ", \(steps) re-rank step\(steps == 1 ? "" : "s")") + ")"
            }
            try Console.write(
                "\(path): valid; pipelines \(names.joined(separator: ", ")); \(checked)\n"
                    + plans.map { $0 + "\n" }.joined())
        }
    }

    /// `'default': 7 artifacts, 4 stored; to fit: als, ranker`.
    private static func describe(_ plan: ArtifactPlan, stored: Set<ArtifactID>) -> String {
        let missing = plan.artifacts.filter { !stored.contains($0.id) }
        let count = plan.artifacts.count
        return "'\(plan.pipeline)': \(count) artifact\(count == 1 ? "" : "s"), "
            + "\(count - missing.count) stored"
            + (missing.isEmpty ? "" : "; to fit: " + missing.map(\.stage).joined(separator: ", "))
    }
}
