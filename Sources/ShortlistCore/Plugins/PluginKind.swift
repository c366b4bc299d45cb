/// Whether a plugin nominates items or orders them.
public enum PluginKind: String, Sendable {
    /// A candidate generator.
    case generator = "candidate generator"
    /// A ranker.
    case ranker
}
