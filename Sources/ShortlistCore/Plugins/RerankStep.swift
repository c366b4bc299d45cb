/// A plugin that reorders the ranker's best items: one step of a pipeline's `rerank:` section.
///
/// The steps run in order on the ranker's first `window` items, after the ranker and before
/// the response keeps its first `n`. A step reorders the items it is given and may leave some
/// out of the response (a cap that cannot fill `n` places without breaking leaves out what does
/// not fit); it never adds one, and it never changes an item's score or contributions (those
/// still add up to the ranker's score): what it did is a record of its own on the item
/// (``RerankMove``). A step fits nothing, so it has no artifact; what it reads (the items'
/// fields, a stage's item embeddings) comes in ``RerankContext``.
///
/// A step returns every position it was given exactly once: the kept ones in their new order,
/// and those it leaves out marked so (``RerankPick/isLeftOut``).
public protocol RerankStep: Plugin {
    /// The data fields it reads, with the parameter that asks for each.
    var requiredFields: [FieldRequirement] { get }
    /// The candidate stage whose item embeddings it reads, if any.
    var embeddingStage: String? { get }
    /// Throws, naming the parameter, for a value the catalogue does not have (a genre no item
    /// has, an unknown item id); checked before anything is fitted. None by default.
    func check(_ fields: FeatureVocabulary, itemIDs: Set<String>) throws(ParameterError)
    /// Every position, the kept ones in their new order, each with why it is there.
    func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick]
}

extension RerankStep {
    public var requiredFields: [FieldRequirement] { [] }
    public var embeddingStage: String? { nil }
    public func check(_ fields: FeatureVocabulary, itemIDs: Set<String>) throws(ParameterError) {}
}

/// What a step reads besides the items: the request, the items' fields and a stage's item
/// embeddings, prepared once per pipeline (and again whenever the catalogue changes).
public struct RerankContext: Sendable {
    /// The request's query (its user, history and excluded items).
    public var query: Query
    /// How many items the response keeps.
    public var count: Int
    /// The request's MMR trade-off in [0, 1], overriding the step's `lambda`, or nil.
    public var lambda: Double?
    /// Every item's genres and decade.
    public var fields: FeatureVocabulary
    /// The item embeddings of the stage the step named, when it named one and its model has them.
    public var embeddings: ItemEmbeddings?
    /// Every item's external id, by index.
    public var itemIDs: [String]
    /// The pool the ranker ordered: which stages nominated each item, and where.
    public var pool: CandidatePool
    /// What a step that draws seeds its draws with, with its own seed: the request's id when
    /// it has one, else the user's id (the same request draws the same).
    public var requestKey: String

    /// A context.
    public init(
        query: Query, count: Int, lambda: Double? = nil, fields: FeatureVocabulary,
        embeddings: ItemEmbeddings? = nil, itemIDs: [String] = [],
        pool: CandidatePool = CandidatePool(sources: [], lists: []), requestKey: String = ""
    ) {
        self.itemIDs = itemIDs
        self.pool = pool
        self.requestKey = requestKey
        self.query = query
        self.count = count
        self.lambda = lambda
        self.fields = fields
        self.embeddings = embeddings
    }
}

/// One row of floats per item: a model's item embeddings, compared by cosine.
public struct ItemEmbeddings: Sendable {
    /// The rows, item after item.
    public let vectors: [Float]
    /// Floats per row.
    public let dimensions: Int

    /// Embeddings of `vectors.count / dimensions` items.
    public init(vectors: [Float], dimensions: Int) {
        precondition(dimensions > 0 && vectors.count % dimensions == 0, "whole rows")
        self.vectors = vectors
        self.dimensions = dimensions
    }

    /// How many items have a row.
    public var count: Int { vectors.count / dimensions }

    /// The cosine of two items' rows (0 when either is zero or has no row).
    public func cosine(_ a: ItemIndex, _ b: ItemIndex) -> Double {
        guard a < count, b < count else { return 0 }
        return vectors.withRows(width: dimensions) { Double(Vector.cosine($0[a], $0[b])) }
    }
}

/// One item's place in a step's new order.
public struct RerankPick: Sendable, Equatable {
    /// Its position in the list the step was given, from 0.
    public var position: Int
    /// Why it is where it is; nil when the step had nothing to say of it.
    public var reason: RerankReason?
    /// Whether the step leaves it out of the response (it then follows every kept item).
    public var isLeftOut: Bool

    /// A pick.
    public init(position: Int, reason: RerankReason? = nil, isLeftOut: Bool = false) {
        self.position = position
        self.reason = reason
        self.isLeftOut = isLeftOut
    }
}

/// Why a step put an item where it did: data, never a sentence.
public enum RerankReason: Sendable, Equatable {
    /// Picked by maximal marginal relevance: its relevance (the ranker's score scaled to [0, 1]
    /// over the items), the most similar item picked before it and their similarity (none for
    /// the first pick), and the trade-off λ.
    case marginalRelevance(
        relevance: Double, nearest: ItemIndex?, similarity: Double, lambda: Double)
    /// Held back by a cap: `max` items with this value of the field were already in the
    /// `per` slots before its place (`per` 0: the list's whole quota of `max` was taken).
    case capped(field: ItemField, value: String, max: Int, per: Int)
    /// Pinned to this place (from 1) by a rule.
    case pinned(place: Int)
    /// Moved by rules that add `by` in all to its relevance (the ranker's score scaled to
    /// [0, 1] over the items), for the values it has.
    case boosted(matches: [RuleMatch], by: Double)
    /// Moved below every item no rule buries, for a value it has.
    case buried(RuleMatch)
    /// Drawn into an exploration place from a candidate stage's nominations, with the
    /// probability that this item was shown in this place.
    case explored(stage: String, propensity: Double)
}

/// What a rule matched an item by: a value of a field, or its id when `field` is nil.
public struct RuleMatch: Sendable, Hashable {
    /// The field, or nil for the item's id.
    public var field: ItemField?
    /// The value (a genre, a decade as "1990s", an item id).
    public var value: String

    /// A match.
    public init(field: ItemField?, value: String) {
        self.field = field
        self.value = value
    }
}

/// What one step did to an item: where it was and where it went.
public struct RerankMove: Sendable, Equatable {
    /// The step's type.
    public var step: String
    /// Its place before the step, from 1.
    public var from: Int
    /// Its place after the step, from 1.
    public var to: Int
    /// Why.
    public var reason: RerankReason?

    /// A move.
    public init(step: String, from: Int, to: Int, reason: RerankReason?) {
        self.step = step
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// An item field a step reads.
public enum ItemField: String, ParameterChoice {
    /// The item's genres (a set of values).
    case genre
    /// The item's release decade (one value).
    case decade

    /// The dataset field it comes from.
    public var dataField: DataField {
        switch self {
        case .genre: .itemGenres
        case .decade: .itemYear
        }
    }

    /// An item's values of the field as vocabulary ids (none when it has none).
    public func values(of item: ItemIndex, in fields: FeatureVocabulary) -> [Int32] {
        switch self {
        case .genre:
            return item < fields.itemGenres.count ? fields.itemGenres[item] : []
        case .decade:
            let decade = item < fields.itemDecade.count ? fields.itemDecade[item] : 0
            return decade == 0 ? [] : [decade]
        }
    }

    /// A value id's name: a genre, or a decade as "1990s".
    public func name(of value: Int32, in fields: FeatureVocabulary) -> String {
        let index = Int(value) - 1
        switch self {
        case .genre:
            return fields.genres.indices.contains(index) ? fields.genres[index] : "unknown"
        case .decade:
            return fields.decades.indices.contains(index) ? "\(fields.decades[index])s" : "unknown"
        }
    }

    /// The id of a value's name in the vocabulary, if it has it ("1990s" or "1990" for a decade).
    public func value(named name: String, in fields: FeatureVocabulary) -> Int32? {
        switch self {
        case .genre:
            return fields.genres.firstIndex(of: name).map { Int32($0 + 1) }
        case .decade:
            let digits = name.hasSuffix("s") ? String(name.dropLast()) : name
            return Int(digits).flatMap { fields.decades.firstIndex(of: $0) }.map { Int32($0 + 1) }
        }
    }
}

/// A re-rank step built from its parameters, with its concrete type erased.
public struct AnyRerankStep: Sendable {
    /// The plugin's YAML type.
    public let type: String
    /// The data fields it reads, with the parameter that asks for each.
    public let requiredFields: [FieldRequirement]
    /// The candidate stage whose item embeddings it reads, if any.
    public let embeddingStage: String?
    private let body: @Sendable ([Ranked], RerankContext) -> [RerankPick]
    private let checkBody: @Sendable (FeatureVocabulary, Set<String>) throws(ParameterError) -> Void

    /// Erases `step`.
    public init<Step: RerankStep>(_ step: Step) {
        type = Step.type
        requiredFields = step.requiredFields
        embeddingStage = step.embeddingStage
        body = { step.rerank($0, context: $1) }
        checkBody = { (fields, ids) throws(ParameterError) in try step.check(fields, itemIDs: ids) }
    }

    /// Throws for a value the catalogue does not have (``RerankStep/check(_:itemIDs:)``).
    public func check(_ fields: FeatureVocabulary, itemIDs: Set<String>) throws(ParameterError) {
        try checkBody(fields, itemIDs)
    }

    /// The items' positions in the step's new order.
    public func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick] {
        body(items, context)
    }
}
