/// Everything a pipeline file can name with `type:`.
///
/// An implementation must:
/// - declare its YAML ``type`` in kebab-case, fixed forever (never derived from the Swift name);
/// - declare every parameter once in ``Params`` (key, default, range, documentation), so the
///   configuration layer can reject unknown keys and `shortlist plugins` can list defaults
///   (checked by `PluginRegistryTests`);
/// - reject combinations of parameters that cannot work in ``make(_:context:)`` with a
///   ``ParameterError``;
/// - set ``usesSeed`` when its fit draws random numbers, so the seed is part of its artifact key.
public protocol Plugin: Sendable {
    /// The plugin's parameters as written under its stage in the pipeline file.
    associatedtype Params: PluginParameters

    /// The name a pipeline file uses in `type:`.
    static var type: String { get }
    /// One line saying what the plugin does.
    static var summary: String { get }
    /// Whether fitting draws from `BuildContext.seed` (then the seed is part of the artifact key).
    static var usesSeed: Bool { get }
    /// The words of the terms its models emit (none by default: subjects read as named).
    static var vocabulary: Vocabulary { get }

    /// Builds the plugin from decoded parameters, or throws a ``ParameterError``.
    static func make(_ params: Params, context: BuildContext) throws -> Self
}

extension Plugin {
    public static var usesSeed: Bool { false }
    public static var vocabulary: Vocabulary { .none }
}
