/// Every plugin a pipeline file may name, looked up by YAML type.
public struct PluginRegistry: Sendable {
    /// The entries in registration order.
    public let entries: [PluginEntry]
    private let byType: [String: PluginEntry]

    /// A registry; two plugins with one type are a programmer error and trap.
    public init(_ entries: [PluginEntry]) {
        self.entries = entries
        var byType: [String: PluginEntry] = [:]
        for entry in entries {
            // fatalError, not precondition: its message is printed in release builds too.
            if byType[entry.type] != nil {
                fatalError("two plugins register the type '\(entry.type)'")
            }
            byType[entry.type] = entry
        }
        self.byType = byType
    }

    /// The plugin registered as `type`, if any.
    public subscript(type: String) -> PluginEntry? { byType[type] }

    /// The types of every plugin of a kind, in registration order.
    public func types(of kind: PluginKind) -> [String] {
        entries.filter { $0.kind == kind }.map(\.type)
    }

    /// The generator types whose models have every capability in `capabilities`.
    public func generatorTypes(with capabilities: GeneratorCapabilities) -> [String] {
        entries.filter { $0.kind == .generator && $0.capabilities.isSuperset(of: capabilities) }
            .map(\.type)
    }
}
