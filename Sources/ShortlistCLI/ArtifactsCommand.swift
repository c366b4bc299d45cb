import ArgumentParser
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistOutput
import ShortlistPipeline

struct ArtifactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifacts",
        abstract: "List or remove the fitted stages stored beside a pipelines file.",
        subcommands: [List.self, Clean.self]
    )

    /// The stored files with the stages of the file's pipelines that use each; nil uses when
    /// the dataset is not on disk (its fingerprint is in every key).
    static func inventory(_ path: String) throws -> (
        workspace: Workspace, files: [ArtifactStore.StoredFile], uses: [ArtifactID: [String]]?
    ) {
        let workspace = try openWorkspace(path)
        workspace.artifacts.removeStaleTemporaryFiles()
        let files = workspace.artifacts.files()
        guard workspace.missingDataset == nil else { return (workspace, files, nil) }
        var uses: [ArtifactID: [String]] = [:]
        for plan in try workspace.plans(on: try workspace.loadDataset()) {
            for artifact in plan.artifacts {
                uses[artifact.id, default: []].append("\(plan.pipeline)/\(artifact.stage)")
            }
        }
        return (workspace, files, uses)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "List every stored artifact with its size, age and the stages of the file's "
                + "pipelines that use it.")

        @Option(help: "The pipelines file.")
        var config = "pipelines.yaml"

        func run() throws {
            try Terminal.run {
                let (workspace, files, uses) = try ArtifactsCommand.inventory(config)
                let width = max(
                    files.map { ($0.path as NSString).lastPathComponent.count }.max() ?? 0, 8)
                let date = DateFormatter()
                date.dateFormat = "yyyy-MM-dd HH:mm"
                var lines = [
                    Format.padded("artifact", width) + "  " + Format.padded("size", 9) + "  "
                        + Format.padded("written", 16) + "  used by"
                ]
                for file in files {
                    let used = uses.map { $0[file.id] ?? [] }
                    lines.append(
                        Format.padded((file.path as NSString).lastPathComponent, width) + "  "
                            + Format.padded(bytes(file.bytes), 9) + "  "
                            + Format.padded(date.string(from: file.modified), 16) + "  "
                            + (used.map { $0.isEmpty ? "unused" : $0.joined(separator: ", ") }
                                ?? "unknown"))
                }
                let total = files.reduce(0) { $0 + $1.bytes }
                var summary =
                    "\(files.count) artifact\(files.count == 1 ? "" : "s"), \(bytes(total)) in "
                    + workspace.artifacts.folder
                if let uses {
                    let unused = files.filter { uses[$0.id] == nil }
                    summary +=
                        "; \(unused.count) unused (\(bytes(unused.reduce(0) { $0 + $1.bytes })))"
                    let stored = Set(files.map(\.id))
                    let missing = uses.filter { !stored.contains($0.key) }.values.flatMap { $0 }
                    if !missing.isEmpty {
                        summary += "; not fitted yet: " + missing.sorted().joined(separator: ", ")
                    }
                } else if let why = workspace.missingDataset {
                    summary += "; which are used is unknown: \(why)"
                }
                try Console.line((lines + ["", summary]).joined(separator: "\n"))
            }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Remove stored artifacts: every one, or with --unused those no pipeline of the "
                + "file uses (the next run refits what it needs).")

        @Option(help: "The pipelines file.")
        var config = "pipelines.yaml"

        @Flag(help: "Remove only the artifacts that no stage of the file's pipelines uses now.")
        var unused = false

        func run() throws {
            try Terminal.run {
                let (workspace, files, uses) = try ArtifactsCommand.inventory(config)
                var removing = files
                if unused {
                    guard let uses else {
                        throw RequestError(
                            "cannot tell which artifacts are unused: "
                                + (workspace.missingDataset ?? "the dataset is not loaded"))
                    }
                    removing = files.filter { uses[$0.id] == nil }
                }
                var removed = 0
                for file in removing {
                    do {
                        try FileManager.default.removeItem(atPath: file.path)
                        removed += file.bytes
                    } catch {
                        throw DataError(.unwritable, "cannot remove the artifact", file: file.path)
                    }
                }
                try Console.line(
                    "removed \(removing.count) artifact\(removing.count == 1 ? "" : "s") "
                        + "(\(bytes(removed))) from \(workspace.artifacts.folder); kept "
                        + "\(files.count - removing.count)")
            }
        }
    }
}

/// `812 B`, `3.4 kB`, `11.2 MB`.
private func bytes(_ count: Int) -> String {
    if count < 1000 { return "\(count) B" }
    if count < 1_000_000 { return String(format: "%.1f kB", Double(count) / 1e3) }
    return String(format: "%.1f MB", Double(count) / 1e6)
}
