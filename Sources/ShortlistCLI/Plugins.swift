import ArgumentParser
import BuiltInPlugins
import ShortlistCore

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every plugin with its kind, YAML type and parameters."
    )

    func run() {
        let parameters = builtInPlugins.entries.flatMap(\.parameters)
        let keyWidth = parameters.map(\.key.count).max() ?? 0
        let typeWidth = parameters.map(\.type.count).max() ?? 0
        // A longer default (a list, say) takes its own line instead of widening the column.
        let defaultWidth = parameters.map(\.defaultValue.count).filter { $0 <= 27 }.max() ?? 0
        var lines: [String] = []
        for entry in builtInPlugins.entries {
            lines.append("\(entry.type)  (\(entry.kind.rawValue))")
            lines.append("    \(entry.summary)")
            let abilities = [
                (GeneratorCapabilities.similarItems, "list similar items"),
                (.ratingPrediction, "predict ratings"),
            ]
            .filter { entry.capabilities.contains($0.0) }.map(\.1)
            if !abilities.isEmpty { lines.append("    can \(abilities.joined(separator: ", "))") }
            if entry.kind == .generator {
                lines.append(
                    "    every candidate stage also takes name (required) and limit (default 100)")
            }
            for parameter in entry.parameters {
                let start =
                    "    " + Format.padded(parameter.key, keyWidth) + "  "
                    + Format.padded(parameter.type, typeWidth) + "  default "
                if parameter.defaultValue.count > defaultWidth {
                    lines.append(start + parameter.defaultValue)
                    lines.append(
                        String(repeating: " ", count: start.count + defaultWidth + 2)
                            + parameter.summary)
                } else {
                    lines.append(
                        start + Format.padded(parameter.defaultValue, defaultWidth) + "  "
                            + parameter.summary)
                }
            }
            lines.append("")
        }
        print(lines.joined(separator: "\n"), terminator: "")
    }
}
