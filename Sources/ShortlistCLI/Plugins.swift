import ArgumentParser
import BuiltInPlugins
import ShortlistCore

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every plugin with its kind, YAML type and parameters."
    )

    func run() {
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
            for parameter in entry.parameters {
                lines.append(
                    "    " + Format.padded(parameter.key, 20) + " "
                        + Format.padded(parameter.type, 36)
                        + " default " + Format.padded(parameter.defaultValue, 18) + " "
                        + parameter.summary)
            }
            lines.append("")
        }
        print(lines.joined(separator: "\n"), terminator: "")
    }
}
