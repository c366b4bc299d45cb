public import ShortlistCore

/// Wide & Deep (Cheng et al. 2016) as the ranking stage: sigmoid(wide + deep + bias), trained
/// with logistic loss on the pipeline's own candidates, labelled the two-stage way.
///
/// The wide part is linear over the standardised dense features and the declared crosses of
/// categorical fields, trained with FTRL-Proximal and L1 (McMahan et al. 2013). The deep part
/// embeds user, item, occupation, gender, age bucket and genres (averaged), concatenates the
/// dense features (each source's nomination, normalised score and log rank; item popularity,
/// mean rating and year; popularity lately, item age, similarity to the user's latest items,
/// the user's activity, all as of the request's time) and feeds a perceptron trained with
/// Adam or Adagrad.
public struct WideAndDeep: Ranker {
    /// The parameters under a `wide-and-deep` ranker. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var wide = [
            "source", "source-rank", "item", "occupation x genre", "gender x genre", "age x genre",
        ]
        public var deep = true
        public var embeddingSize = 8
        public var hidden = [32, 16]
        public var activation = Activation.relu
        public var dropout = 0.1
        public var optimizer = OptimizerKind.adam
        public var learningRate = 0.001
        public var ftrlAlpha = 0.05
        public var ftrlBeta = 1.0
        public var l1 = 1.0
        public var l2 = 1.0
        public var epochs = 10
        public var batchSize = 256
        public var negatives = 0.3
        public var validation = 0.1
        public var recentDays = 30
        public var lastItems = 10
        public var holdout = 0.2
        public var positiveRating = 4.0
        public var trainingUsers = TwoStageTraining.defaultUsers
        public var threads = 0

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "wide", \.wide,
                    "the wide part's features: fields (user, item, occupation, gender, age, "
                        + "genre, decade, source, source-rank) and crosses such as "
                        + "'occupation x genre'"),
                .init(
                    "deep", \.deep,
                    "whether the deep part exists (false: a linear model over the wide "
                        + "features alone)"),
                .init(
                    "embedding-size", \.embeddingSize, .between(1, 64),
                    "dimensions of each embedding (user, item, occupation, gender, age, genres)"),
                .init(
                    "hidden", \.hidden,
                    "the perceptron's hidden layer sizes, first to last (at most 4 layers of "
                        + "1 to 1024)"),
                .init("activation", \.activation, "the hidden layers' non-linearity"),
                .init(
                    "dropout", \.dropout, .between(0, 0.9),
                    "share of hidden units dropped in each training example"),
                .init("optimizer", \.optimizer, "how the deep part learns"),
                .init(
                    "learning-rate", \.learningRate, .positive(atMost: 10),
                    "the deep part's step size"),
                .init(
                    "ftrl-alpha", \.ftrlAlpha, .positive(atMost: 100),
                    "the wide part's FTRL-Proximal step size"),
                .init(
                    "ftrl-beta", \.ftrlBeta, .positive(atMost: 100),
                    "FTRL-Proximal's β (smooths the first steps)"),
                .init(
                    "l1", \.l1, .between(0, 1_000_000),
                    "the wide part's L1 penalty: larger keeps fewer features"),
                .init("l2", \.l2, .between(0, 1_000_000), "the wide part's L2 penalty"),
                .init("epochs", \.epochs, .between(1, 1000), "passes over the labelled pools"),
                .init("batch-size", \.batchSize, .between(1, 65536), "examples per step"),
                .init(
                    "negatives", \.negatives, .positive(atMost: 1),
                    "share of the negative examples kept (each epoch draws them anew)"),
                .init(
                    "validation", \.validation, .between(0.01, 0.5),
                    "share of the labelled users whose pools are kept aside to pick the epoch"),
                .init(
                    "recent-days", \.recentDays, .between(1, 3650),
                    "the window of 'popular lately' and of the user's recent activity"),
                .init(
                    "last-items", \.lastItems, .between(1, 1000),
                    "how many of the user's latest items the similarity features look at"),
                .init(
                    "holdout", \.holdout, .between(0.05, 0.5),
                    "the share of each user's latest interactions held out to make labels"),
                .init(
                    "positive-rating", \.positiveRating, .between(-1_000_000, 1_000_000),
                    "held-out interactions rated at least this are positives"),
                .init(
                    "training-users", \.trainingUsers, .between(1, 100_000_000),
                    "the most users whose pools train the ranker (a seeded sample when more "
                        + "have held-out positives)"),
                .init(
                    "threads", \.threads, .between(0, 256),
                    "worker threads for training (0 = one per core); never changes the model",
                    affectsFit: false),
            ]
        }
    }

    public static let type = "wide-and-deep"
    public static let summary =
        "Wide & Deep: FTRL-trained crosses plus an embedding perceptron, learned from the "
        + "pipeline's own candidates."
    public static let usesSeed = true

    let params: Params
    let crosses: [Cross]
    let sources: [String]
    let seed: UInt64
    public var twoStage: TwoStageTraining? {
        TwoStageTraining(
            holdout: params.holdout, positiveRating: params.positiveRating,
            users: params.trainingUsers)
    }

    public static func make(_ params: Params, context: BuildContext) throws -> WideAndDeep {
        var crosses: [Cross] = []
        for (index, text) in params.wide.enumerated() {
            guard let cross = Cross(parsing: text) else {
                throw ParameterError(
                    keyPath: ["wide", String(index)],
                    message: "'\(excerpt(text))' is not a field or a cross of distinct fields; "
                        + "fields are "
                        + Field.allCases.map(\.rawValue).joined(separator: ", ")
                        + ", crossed as 'occupation x genre'")
            }
            guard !crosses.contains(cross) else {
                throw ParameterError(
                    keyPath: ["wide", String(index)],
                    message: "'\(cross.name)' is listed twice")
            }
            crosses.append(cross)
        }
        guard params.hidden.count <= 4, params.hidden.allSatisfy({ (1...1024).contains($0) })
        else {
            throw ParameterError(
                keyPath: ["hidden"],
                message: "must be at most 4 layer sizes, each from 1 to 1024, found "
                    + "\(params.hidden)")
        }
        return WideAndDeep(
            params: params, crosses: crosses, sources: context.sourceNames, seed: context.seed)
    }

    /// Trains on the labelled pools: the wide part with FTRL-Proximal, the deep part with the
    /// chosen optimiser, in seeded mini-batches whose gradients are summed in a fixed order, so
    /// the thread count never changes the model. The epoch with the best NDCG@10 on the
    /// validation users' pools is kept.
    ///
    /// - Complexity: O(epochs · examples · (features + perceptron size)).
    public func fit(_ data: RankerTrainingData, progress: ProgressReporter) throws -> Model {
        guard !data.pools.isEmpty else {
            throw ParameterError(
                keyPath: ["positive-rating"],
                message: "no user has a held-out interaction rated at least "
                    + "\(plainNumber(params.positiveRating)), so there is nothing to learn from")
        }
        let training = FeatureTables(staticData: data.poolDataset, timed: data.dataset)
        let serving = FeatureTables(staticData: data.dataset, timed: data.dataset)
        for (index, cross) in crosses.enumerated() {
            let size = cross.fields.reduce(1.0) {
                $0 * Double(FeatureSpace.fieldSize($1, serving, sources.count))
            }
            guard size <= Double(maximumWideSize) else {
                throw ParameterError(
                    keyPath: ["wide", String(index)],
                    message: "'\(cross.name)' has \(plainNumber(size)) values on this data, "
                        + "more than the \(maximumWideSize) a cross may have")
            }
        }
        let space = FeatureSpace(
            sources: sources, crosses: crosses, recentDays: params.recentDays,
            lastItems: params.lastItems, tables: training)
        let trainer = Trainer(params: params, space: space, pools: data.pools, seed: seed)
        let model = try trainer.train(progress: progress, log: data.log)
        return Model(
            space: FeatureSpace(
                sources: sources, crosses: crosses, recentDays: params.recentDays,
                lastItems: params.lastItems, tables: serving),
            wide: model.wide, embeddings: model.embeddings, embeddingSize: model.embeddingSize,
            hasDeepPart: params.deep, network: model.network, scaling: model.scaling,
            reference: model.reference)
    }
}
