/// One registered plugin: what it is, what it takes, and how to build it from a decoder.
public struct PluginEntry: Sendable {
    /// How the entry builds its plugin; the case is the plugin's kind.
    public enum Builder: Sendable {
        /// Builds a candidate generator from a decoder positioned at its parameters.
        case generator(@Sendable (any Decoder, BuildContext) throws -> AnyCandidateGenerator)
        /// Builds a ranker from a decoder positioned at its parameters.
        case ranker(@Sendable (any Decoder, BuildContext) throws -> AnyRanker)
        /// Builds a re-rank step from a decoder positioned at its parameters.
        case rerankStep(@Sendable (any Decoder, BuildContext) throws -> AnyRerankStep)
    }

    /// The YAML type.
    public let type: String
    /// One line saying what it does.
    public let summary: String
    /// Its documented parameters.
    public let parameters: [ParameterDoc]
    /// What a generator's models can do besides nominating in some configuration (empty for rankers).
    public let capabilities: GeneratorCapabilities
    /// Whether it is a bandit: a ranker whose model is a ``BanditRankerModel``, which blends
    /// arms listed under `arms:`.
    public let isBandit: Bool
    /// The words of the terms it emits.
    public let vocabulary: Vocabulary
    /// How to build it.
    public let builder: Builder
    /// For every declared parameter: whether decoding its documented default gives the
    /// default. Takes a decoder over `{}` and one over `{key: documented default}`.
    public let documentedDefaultDecodes:
        @Sendable (_ key: String, _ empty: any Decoder, _ documented: any Decoder) throws -> Bool

    /// Generator, ranker or re-rank step.
    public var kind: PluginKind {
        switch builder {
        case .generator: .generator
        case .ranker: .ranker
        case .rerankStep: .rerankStep
        }
    }

    /// The entry of a candidate generator.
    public static func generator<G: CandidateGenerator>(_: G.Type) -> PluginEntry {
        PluginEntry(
            type: G.type, summary: G.summary, parameters: G.Params.documentation,
            capabilities: G.capabilities, isBandit: false, vocabulary: G.vocabulary,
            builder: .generator { decoder, context in
                let params = try G.Params(decoding: decoder)
                let generator = try G.make(params, context: context)
                return AnyCandidateGenerator(
                    type: G.type, configuration: configuration(params, G.self, context),
                    formatVersion: G.Model.formatVersion, capabilities: generator.capabilities,
                    requiredFields: generator.requiredFields, vocabulary: G.vocabulary,
                    fit: { try generator.fit($0, progress: $1) },
                    read: { (reader: inout ArtifactReader) throws(ArtifactError) in
                        try G.Model(reading: &reader)
                    },
                    write: { $0.write(to: &$1) }
                )
            },
            documentedDefaultDecodes: defaultCheck(G.Params.self)
        )
    }

    /// The entry of a re-rank step.
    public static func rerankStep<S: RerankStep>(_: S.Type) -> PluginEntry {
        PluginEntry(
            type: S.type, summary: S.summary, parameters: S.Params.documentation,
            capabilities: [], isBandit: false, vocabulary: S.vocabulary,
            builder: .rerankStep { decoder, context in
                AnyRerankStep(try S.make(try S.Params(decoding: decoder), context: context))
            },
            documentedDefaultDecodes: defaultCheck(S.Params.self)
        )
    }

    /// The entry of a ranker.
    public static func ranker<R: Ranker>(_: R.Type) -> PluginEntry {
        rankerEntry(R.self, bandit: nil)
    }

    /// The entry of a bandit: a ranker whose model blends arms (``BanditRankerModel``).
    public static func ranker<R: Ranker>(_: R.Type) -> PluginEntry
    where R.Model: BanditRankerModel {
        rankerEntry(R.self) { $0 as? R.Model }
    }

    /// A ranker's entry; `bandit` gives its model as a bandit when the plugin is one.
    private static func rankerEntry<R: Ranker>(
        _: R.Type, bandit: (@Sendable (any RankerModel) -> (any BanditRankerModel)?)?
    ) -> PluginEntry {
        PluginEntry(
            type: R.type, summary: R.summary,
            parameters: (bandit != nil
                ? [
                    ParameterDoc(
                        "arms", "list of stage names or {name, ranker}", default: "required",
                        "the arms: candidate stages taken in their own order, or rankers of their "
                            + "own ({name: NAME, ranker: {type: …}}); at least two",
                        isValue: false)
                ] : []) + R.Params.documentation,
            capabilities: [], isBandit: bandit != nil, vocabulary: R.vocabulary,
            builder: .ranker { decoder, context in
                let params = try R.Params(decoding: decoder)
                let ranker = try R.make(params, context: context)
                // A ranker's model may name the stages and arms (its features, its terms), so
                // their names are part of what it was fitted for.
                let names = [
                    "stages": encodeJSON(context.sourceNames),
                    "arms": encodeJSON(
                        context.arms.map { [$0.name, $0.source.map(String.init) ?? "ranker"] }),
                ]
                return AnyRanker(
                    type: R.type, configuration: configuration(params, R.self, context, names),
                    formatVersion: R.Model.formatVersion, capabilities: [], requiredFields: [],
                    vocabulary: R.vocabulary, twoStage: ranker.twoStage,
                    fit: { try ranker.fit($0, progress: $1) },
                    read: { (reader: inout ArtifactReader) throws(ArtifactError) in
                        try R.Model(reading: &reader)
                    },
                    write: { $0.write(to: &$1) },
                    bandit: bandit
                )
            },
            documentedDefaultDecodes: defaultCheck(R.Params.self)
        )
    }

    /// The parameters that change a fit, the seed when the plugin draws random numbers, and
    /// `extra` settings from the pipeline.
    private static func configuration<P: Plugin>(
        _ params: P.Params, _: P.Type, _ context: BuildContext, _ extra: [String: String] = [:]
    ) -> String {
        params.canonicalJSON(
            extra: extra.merging(P.usesSeed ? ["seed": String(context.seed)] : [:]) { $1 })
    }

    private static func defaultCheck<Params: PluginParameters>(
        _: Params.Type
    ) -> @Sendable (String, any Decoder, any Decoder) throws -> Bool {
        { key, empty, documented in
            guard let declaration = Params.declarations.first(where: { $0.key == key }) else {
                return false
            }
            return declaration.isEqual(
                try Params(decoding: empty), try Params(decoding: documented))
        }
    }
}
