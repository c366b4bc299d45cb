/// Whether a plugin nominates items, orders them, or reorders the ranker's best.
public enum PluginKind: String, Sendable {
    /// A candidate generator.
    case generator = "candidate generator"
    /// A ranker.
    case ranker
    /// A step of a pipeline's `rerank:` section.
    case rerankStep = "re-rank step"
}
