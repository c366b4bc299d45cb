public import ShortlistCore

/// Business rules over the ranker's best items: boost or lower items by genre, decade or id
/// (added to their relevance, the ranker's score scaled to [0, 1] over the items), bury items
/// below every other, and pin items to places.
///
/// Rules only reorder the items the step is given: a pinned item the ranker did not place
/// within the window stays out, and a buried one can still be shown when too few others are
/// left.
public struct BusinessRules: RerankStep {
    /// The parameters under a `rules` step.
    public struct Params: PluginParameters {
        public var pin: [String: Int] = [:]
        public var boost: [String: [String: Double]] = [:]
        public var bury: [String: [String]] = [:]

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init(
                    "pin", \.pin, "item id → the place (from 1) it is shown at, when in the window"),
                .init(
                    "boost", \.boost,
                    "genre, decade or item → value → what is added to the relevance of an item "
                        + "with it (negative lowers it), e.g. {decade: {1990s: 0.1}}"),
                .init(
                    "bury", \.bury,
                    "genre, decade or item → values: items with one go below every other"),
            ]
        }
    }

    public static let type = "rules"
    public static let summary =
        "Business rules: pin items to places, boost or bury by genre, decade or id."

    /// The pins by place, the boosts and the buries as declared.
    let pins: [(id: String, place: Int)]
    let boosts: [(match: RuleMatch, by: Double)]
    let buries: [RuleMatch]

    public static func make(_ params: Params, context: BuildContext) throws -> BusinessRules {
        for (id, place) in params.pin where place < 1 {
            throw ParameterError(
                keyPath: ["pin", id],
                message: "item '\(excerpt(id))' is pinned to place \(place); "
                    + "places count from 1")
        }
        let places = params.pin.values.sorted()
        if let twice = zip(places, places.dropFirst()).first(where: { $0 == $1 })?.0 {
            throw ParameterError(
                keyPath: ["pin"], message: "two items are pinned to place \(twice)")
        }
        var boosts: [(RuleMatch, Double)] = []
        for (key, values) in params.boost.sorted(by: { $0.key < $1.key }) {
            let field = try Self.field(key, in: "boost")
            for (value, by) in values.sorted(by: { $0.key < $1.key }) {
                guard (-10...10).contains(by) else {
                    throw ParameterError(
                        keyPath: ["boost", key, value],
                        message: "a boost is added to a relevance in [0, 1], so it lies in "
                            + "[-10, 10], found \(plainNumber(by))")
                }
                boosts.append((RuleMatch(field: field, value: value), by))
            }
        }
        var buries: [RuleMatch] = []
        for (key, values) in params.bury.sorted(by: { $0.key < $1.key }) {
            let field = try Self.field(key, in: "bury")
            buries += values.map { RuleMatch(field: field, value: $0) }
        }
        guard !params.pin.isEmpty || !boosts.isEmpty || !buries.isEmpty else {
            throw ParameterError(
                keyPath: [], message: "a rules step needs at least one of pin, boost and bury")
        }
        return BusinessRules(
            pins: params.pin.map { ($0.key, $0.value) }.sorted { $0.place < $1.place },
            boosts: boosts, buries: buries)
    }

    /// The field a rule's key names: genre, decade, or item (nil).
    private static func field(_ key: String, in parameter: String) throws -> ItemField? {
        if key == "item" { return nil }
        guard let field = ItemField(rawValue: key) else {
            throw ParameterError(
                keyPath: [parameter, key],
                message: suggesting(
                    "'\(parameter)' names '\(excerpt(key))', which is not genre, decade or item",
                    for: key, in: ["genre", "decade", "item"]),
                isAboutKey: true)
        }
        return field
    }

    public var requiredFields: [FieldRequirement] {
        let boosted = Set(boosts.compactMap(\.match.field))
        let buried = Set(buries.compactMap(\.field))
        return ItemField.allCases.compactMap { field in
            boosted.contains(field)
                ? FieldRequirement(field.dataField, keyPath: ["boost", field.rawValue])
                : buried.contains(field)
                    ? FieldRequirement(field.dataField, keyPath: ["bury", field.rawValue]) : nil
        }
    }

    public func check(_ fields: FeatureVocabulary, itemIDs: Set<String>) throws(ParameterError) {
        for (id, _) in pins where !itemIDs.contains(id) {
            throw ParameterError(
                keyPath: ["pin", id],
                message: suggesting(
                    "'pin' names item '\(excerpt(id))', which the dataset does not have", for: id,
                    in: itemIDs.sorted()),
                isAboutKey: true)
        }
        let matches = boosts.map { ("boost", $0.match) } + buries.map { ("bury", $0) }
        for (parameter, match) in matches {
            guard let field = match.field else {
                if !itemIDs.contains(match.value) {
                    throw ParameterError(
                        keyPath: [parameter, "item"],
                        message: "'\(parameter)' names item '\(excerpt(match.value))', which the "
                            + "dataset does not have")
                }
                continue
            }
            if field.value(named: match.value, in: fields) == nil {
                let known =
                    field == .genre ? fields.genres : fields.decades.map { "\($0)s" }
                throw ParameterError(
                    keyPath: [parameter, field.rawValue],
                    message: suggesting(
                        "'\(parameter)' names the \(field.rawValue) '\(excerpt(match.value))', "
                            + "which no item has", for: match.value, in: known))
            }
        }
    }

    /// - Complexity: O(items · rules + items · log items).
    public func rerank(_ items: [Ranked], context: RerankContext) -> [RerankPick] {
        let scores = items.map(\.score)
        let low = scores.min() ?? 0
        let range = (scores.max() ?? 0) - low
        // Each rule's value id, looked up once per request (nil for an item id).
        let ids = Dictionary(
            (boosts.map(\.match) + buries).compactMap { match in
                match.field.flatMap { $0.value(named: match.value, in: context.fields) }.map {
                    (match, $0)
                }
            }, uniquingKeysWith: { first, _ in first })
        func has(_ item: ItemIndex, _ match: RuleMatch) -> Bool {
            guard let field = match.field else {
                return item < context.itemIDs.count && context.itemIDs[item] == match.value
            }
            guard let value = ids[match] else { return false }
            return field.values(of: item, in: context.fields).contains(value)
        }
        var picks: [(pick: RerankPick, relevance: Double, buried: Bool)] = items.enumerated().map {
            position, ranked in
            let relevance = range > 0 ? (ranked.score - low) / range : 1
            if let buried = buries.first(where: { has(ranked.item, $0) }) {
                return (RerankPick(position: position, reason: .buried(buried)), relevance, true)
            }
            let matched = boosts.filter { has(ranked.item, $0.match) }
            let by = matched.reduce(0) { $0 + $1.by }
            return (
                RerankPick(
                    position: position,
                    reason: matched.isEmpty ? nil : .boosted(matches: matched.map(\.match), by: by)),
                relevance + by, false
            )
        }
        if !boosts.isEmpty {
            picks.sort {
                ($0.buried ? 1 : 0, -$0.relevance, $0.pick.position)
                    < ($1.buried ? 1 : 0, -$1.relevance, $1.pick.position)
            }
        } else {
            picks.sort {
                ($0.buried ? 1 : 0, $0.pick.position) < ($1.buried ? 1 : 0, $1.pick.position)
            }
        }
        var order = picks.map(\.pick)
        for (id, place) in pins {
            guard
                let index = order.firstIndex(where: {
                    context.itemIDs[items[$0.position].item] == id
                })
            else { continue }
            var pinned = order.remove(at: index)
            pinned.reason = .pinned(place: place)
            order.insert(pinned, at: min(place - 1, order.count))
        }
        return order
    }
}
