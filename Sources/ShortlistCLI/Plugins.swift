import ArgumentParser
import BuiltInPlugins
import ShortlistConfig
import ShortlistCore
import ShortlistOutput

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "List the keys of a pipelines file and every plugin with its kind, YAML type and "
            + "parameters."
    )

    @Option(help: "List only the plugins this pipelines file uses.")
    var config: String?

    func run() throws {
        try Terminal.run {
            var entries = builtInPlugins.entries
            if let config {
                let file = try PipelinesFile.load(path: config, registry: builtInPlugins)
                let used = Set(
                    file.pipelines.flatMap { pipeline -> [String] in
                        let steps: [String] = pipeline.rerank?.steps.map(\.step.type) ?? []
                        return pipeline.generators.map(\.generator.type)
                            + [pipeline.ranker.ranker.type]
                            + pipeline.ranker.armRankers.values.map(\.ranker.type) + steps
                    })
                entries = entries.filter { used.contains($0.type) }
            }
            try Console.write(render(entries))
        }
    }

    private func render(_ entries: [PluginEntry]) -> String {
        let sections: [(title: String, keys: [ParameterDoc])] = [
            ("the pipelines file", FileKeys.topLevel),
            ("the event log, 'events'", FileKeys.events),
            ("each pipeline", FileKeys.pipeline),
            ("each pipeline's filters", FilterSpec.documentation),
            ("each candidate stage, besides its plugin's parameters", FileKeys.stage),
            ("the ranker, besides its plugin's parameters", FileKeys.ranker),
            ("each pipeline's rerank section", FileKeys.rerank),
            ("each re-rank step, besides its plugin's parameters", FileKeys.rerankStep),
        ]
        let every = sections.flatMap(\.keys) + entries.flatMap(\.parameters)
        let columns = Columns(every)
        var lines: [String] = []
        for section in sections {
            lines.append("keys of \(section.title)")
            lines += columns.rows(section.keys)
            lines.append("")
        }
        for entry in entries {
            lines.append("\(entry.type)  (\(entry.kind.rawValue))")
            lines.append("    \(entry.summary)")
            let abilities = [
                (GeneratorCapabilities.similarItems, "list similar items"),
                (.ratingPrediction, "predict ratings"),
            ]
            .filter { entry.capabilities.contains($0.0) }.map(\.1)
            if !abilities.isEmpty { lines.append("    can \(abilities.joined(separator: ", "))") }
            lines += columns.rows(entry.parameters)
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Key, type, default and summary in aligned columns under a header, two spaces apart; a
/// default too long for its column takes a line of its own.
private struct Columns {
    let key: Int
    let type: Int
    let defaultValue: Int

    init(_ parameters: [ParameterDoc]) {
        key = max(parameters.map(\.key.count).max() ?? 0, 3)
        type = max(parameters.map(\.type.count).max() ?? 0, 4)
        defaultValue = max(parameters.map(\.defaultValue.count).filter { $0 <= 27 }.max() ?? 0, 7)
    }

    func rows(_ parameters: [ParameterDoc]) -> [String] {
        guard !parameters.isEmpty else { return [] }
        var lines = [
            row("key", "type", "default", "what it sets"),
            row(
                String(repeating: "-", count: key), String(repeating: "-", count: type),
                String(repeating: "-", count: defaultValue), String(repeating: "-", count: 12)),
        ]
        for parameter in parameters {
            if parameter.defaultValue.count > defaultValue {
                lines.append(row(parameter.key, parameter.type, parameter.defaultValue, ""))
                lines.append(row("", "", "", parameter.summary))
            } else {
                lines.append(
                    row(parameter.key, parameter.type, parameter.defaultValue, parameter.summary))
            }
        }
        return lines
    }

    private func row(_ k: String, _ t: String, _ d: String, _ summary: String) -> String {
        let start = "    " + Format.padded(k, key) + "  " + Format.padded(t, type) + "  "
        if d.count > defaultValue { return start + d }
        let line = start + Format.padded(d, defaultValue) + "  " + summary
        return String(line.reversed().drop { $0 == " " }.reversed())
    }
}
