import ArgumentParser
import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistData
import ShortlistPipeline

struct NewPlugin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-plugin",
        abstract:
            "Write a new plugin's folder and its test from a template that compiles and passes, "
            + "and say the lines that register it."
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case generator, ranker
    }

    @Argument(help: "The plugin's Swift name (RecentPopular) or YAML type (recent-popular).")
    var name: String

    @Option(help: "generator (nominates candidates) or ranker (orders the pool).")
    var kind: Kind

    @Option(help: "The package folder (the one holding Package.swift).")
    var package = "."

    func validate() throws {
        guard name.count <= PluginTemplates.maximumNameLength else {
            throw ValidationError(
                "the plugin name is \(name.count) characters long; use at most "
                    + "\(PluginTemplates.maximumNameLength)")
        }
        guard let (swiftName, _) = NewPlugin.names(name) else {
            throw ValidationError(
                "'\(excerpt(name))' is not a plugin name: use letters and digits starting with a "
                    + "letter, as RecentPopular or recent-popular")
        }
        if PluginTemplates.reservedNames.contains(swiftName) {
            throw ValidationError(
                "'\(name)' would name the plugin's type \(swiftName), which Swift reserves or the "
                    + "plugin's code uses; choose another name")
        }
    }

    /// The Swift name and the YAML type of `name`: `RecentPopular` and `recent-popular` from
    /// either; nil when it is neither.
    static func names(_ name: String) -> (swift: String, type: String)? {
        let words: [String]
        if name.contains("-") {
            words = name.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        } else {
            var split: [String] = []
            for character in name {
                if character.isUppercase || split.isEmpty { split.append("") }
                split[split.count - 1].append(character)
            }
            words = split
        }
        guard let first = words.first?.first, first.isLetter,
            words.allSatisfy({
                !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            })
        else { return nil }
        return (
            words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
            words.map { $0.lowercased() }.joined(separator: "-")
        )
    }

    func run() throws {
        try Terminal.run {
            guard let (swiftName, type) = NewPlugin.names(name) else { return }
            guard FileManager.default.fileExists(atPath: "\(package)/Package.swift") else {
                throw DataError(
                    .missingFile,
                    "no Package.swift here: run this in the package folder, or give --package DIR",
                    file: package)
            }
            if let existing = builtInPlugins[type] {
                throw RequestError(
                    "a \(existing.kind.rawValue) of type '\(type)' is registered already; choose "
                        + "another name")
            }
            if PluginTemplates.coreNames.contains(swiftName) {
                throw RequestError(
                    "'\(swiftName)' names one of ShortlistCore's own types, which the plugin uses; "
                        + "choose another name")
            }
            let files = PluginTemplates.files(kind: kind).map { path, text in
                (
                    path: path.replacingOccurrences(of: "PLUGIN_NAME", with: swiftName),
                    text: text.replacingOccurrences(of: "PLUGIN_NAME", with: swiftName)
                        .replacingOccurrences(of: "PLUGIN_TYPE", with: type)
                )
            }
            let folder = "\(package)/Plugins/\(swiftName)"
            for path in [folder] + files.map({ "\(package)/\($0.path)" })
            where FileManager.default.fileExists(atPath: path) {
                throw RequestError(
                    "it exists already; choose another name or remove it",
                    location: ErrorLocation(file: path))
            }
            var written: [String] = []
            do {
                for file in files {
                    let path = "\(package)/\(file.path)"
                    try FileManager.default.createDirectory(
                        atPath: (path as NSString).deletingLastPathComponent,
                        withIntermediateDirectories: true)
                    try file.text.write(toFile: path, atomically: true, encoding: .utf8)
                    written.append(path)
                }
            } catch {
                for path in written { try? FileManager.default.removeItem(atPath: path) }
                try? FileManager.default.removeItem(atPath: folder)
                throw DataError(
                    .unwritable, "cannot write the plugin: \(error.localizedDescription)",
                    file: package)
            }
            let formatted = format(written)
            let entry = kind == .generator ? ".generator" : ".ranker"
            try Console.line(
                (files.map { "wrote \($0.path)" } + [
                    "",
                    "Register it in two files:",
                    "  Package.swift, in the plugins list at the top:   \"\(swiftName)\",",
                    "  Sources/BuiltInPlugins/BuiltInPlugins.swift:     \(entry)(\(swiftName).self),",
                    "    (with 'import \(swiftName)Plugin' beside the other imports)",
                    "",
                    "Then 'swift test --filter \(swiftName)Tests' runs its test, and once the "
                        + "binary is rebuilt (swift build -c release --product shortlist) "
                        + "'type: \(type)' works in pipelines.yaml.",
                ] + (formatted ? [] : ["(swift format was not found: format the files yourself)"]))
                .joined(separator: "\n"))
        }
    }

    /// Formats the written files in the package's house style (its `.swift-format`), as the
    /// toolchain's `swift format` does; returns whether it could.
    private func format(_ paths: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "format", "--in-place"] + paths
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
