import Foundation
public import ShortlistCore

extension WideAndDeep {
    /// The fitted wide weights, embeddings and perceptron, with the tables the features are
    /// computed from.
    public struct Model: RankerModel {
        var space: FeatureSpace
        /// One weight per wide feature: the dense features, then every cross's values.
        let wide: [Float]
        /// The embedding table, ``FeatureSpace/embeddingRows`` × `embeddingSize`.
        let embeddings: [Float]
        let embeddingSize: Int
        /// Whether the deep part is used; without it the logit is the wide part and the bias.
        let hasDeepPart: Bool
        let network: Perceptron
        /// How dense features are standardised.
        let scaling: Scaling
        /// The perceptron's mean input over the training examples: DeepLIFT's reference.
        let reference: [Float]

        /// The perceptron's input width: six embeddings, then the dense features.
        var inputWidth: Int { 6 * embeddingSize + space.denseCount }

        /// Writes entry `index`'s standardised perceptron input into `x` and returns its wide
        /// logit.
        func prepare(
            _ inputs: FeatureSpace.Inputs, _ index: Int, into x: Matrix.MutableRow
        ) -> Float {
            let e = embeddingSize
            let width = space.denseCount
            x.fill(0)
            embeddings.withRows(width: e) { table in
                for slot in 0..<5 {
                    let row = Int(inputs.rows[index * 5 + slot])
                    Vector.axpy(1, table[row], x.slice(slot * e, count: e))
                }
                let genres = inputs.genreRows[index]
                let share = 1 / Float(genres.count)
                for row in genres { Vector.axpy(share, table[Int(row)], x.slice(5 * e, count: e)) }
            }
            var logit: Float = 0
            for d in 0..<width {
                let value = scaling.apply(inputs.dense[index * width + d], d)
                x[6 * e + d] = value
                logit += wide[d] * value
            }
            for feature in inputs.wide[index] { logit += wide[Int(feature)] }
            return logit
        }

        /// Entry `index`'s logit, wide and deep parts apart, computed in full (`x` and `scratch`
        /// are working memory).
        func logit(
            _ inputs: FeatureSpace.Inputs, _ index: Int, _ x: inout [Float],
            _ scratch: inout Perceptron.Scratch
        ) -> (wide: Float, deep: Float) {
            x.withMutableRow { x in
                let wide = prepare(inputs, index, into: x)
                guard hasDeepPart else { return (wide, network.outputBias) }
                return (wide, network.forward(x.reading, &scratch))
            }
        }

        /// The perceptron inputs that are the same for every entry of a request: the user's
        /// and demographic embeddings and the user's dense features.
        var userInputs: [Int] {
            let e = embeddingSize
            let dense = 6 * e + space.sources.count * 3
            return Array(0..<e) + Array(2 * e..<5 * e)
                + [Dense.activity, .recentActivity, .daysSinceLastVisit].map { dense + $0.rawValue }
        }

        /// The logit of every pooled entry, in pool order, split into its wide and deep parts.
        /// The first layer's share of the user's inputs is computed once per request.
        func logits(_ pool: CandidatePool, for query: Query) -> [(wide: Float, deep: Float)] {
            guard !pool.entries.isEmpty else { return [] }
            let inputs = space.inputs(pool, for: query)
            var scratch = Perceptron.Scratch(network.widths)
            var x = [Float](repeating: 0, count: inputWidth)
            let constant = userInputs
            let isConstant = Set(constant)
            let rest = (0..<inputWidth).filter { !isConstant.contains($0) }
            let part = x.withMutableRow { x in
                _ = prepare(inputs, 0, into: x)
                return network.firstLayerPart(x.reading, indices: constant)
            }
            return pool.entries.indices.map { index in
                x.withMutableRow { x in
                    let wide = prepare(inputs, index, into: x)
                    guard hasDeepPart else { return (wide, network.outputBias) }
                    return (wide, network.forward(x.reading, &scratch, shared: (part, rest)))
                }
            }
        }

        /// Orders the pool by sigmoid(wide + deep + bias); the score is the logit, split into
        /// its wide and deep parts (``detailed(_:in:for:)`` splits both further).
        ///
        /// - Complexity: O(pool · (features + perceptron size)).
        public func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
            let logits = logits(pool, for: query)
            let scores = logits.map { Double($0.wide) + Double($0.deep) }
            let items = pool.entries.map(\.item)
            // Indexes are sorted, not the ranked items: moving an index is cheaper than moving
            // an item with its contributions, and the order is the same.
            let order = pool.entries.indices.sorted { a, b in
                scores[a] != scores[b] ? scores[a] > scores[b] : items[a] < items[b]
            }
            return order.map { index in
                Ranked(
                    item: items[index], score: scores[index],
                    contributions: [
                        Contribution(.widePart, value: Double(logits[index].wide)),
                        Contribution(.deepPart, value: Double(logits[index].deep)),
                    ])
            }
        }

        /// Every item's logit as the sum of each active wide feature's term, the bias, the deep
        /// part at its reference input, and the deep part's change from there split by feature
        /// group (user, item, demographics, each source, popularity, time) with DeepLIFT's
        /// rescale rule, which adds up exactly. The reference term absorbs the float rounding
        /// between the served logit and the split (about 1e-6).
        public func detailed(_ ranked: [Ranked], in pool: CandidatePool, for query: Query)
            -> [Ranked]
        {
            let inputs = space.inputs(pool, for: query)
            var position: [ItemIndex: Int] = [:]
            for (index, entry) in pool.entries.enumerated() { position[entry.item] = index }
            let e = embeddingSize
            let groups =
                ["user", "item", "demographics", "demographics", "demographics", "item"]
                .flatMap { Array(repeating: $0, count: e) }
                + (0..<space.denseCount).map(space.denseGroup)
            let groupOrder =
                ["user", "item", "demographics"] + space.sources + [
                    "popularity", "time",
                ]
            let bias = Double(network.outputBias)
            let there = hasDeepPart ? network.activations(reference) : []
            return ranked.map { item in
                guard let index = position[item.item] else { return item }
                var x = [Float](repeating: 0, count: inputWidth)
                x.withMutableRow { _ = prepare(inputs, index, into: $0) }
                var contributions: [Contribution] = []
                let width = space.denseCount
                for d in 0..<width {
                    let value = Double(x[6 * e + d])
                    let weight = Double(wide[d])
                    guard weight != 0 else { continue }
                    contributions.append(
                        Contribution(
                            .wideFeature, subject: .named(space.denseName(d)),
                            value: weight * value,
                            factors: [
                                Factor("standardised value", value), Factor("weight", weight),
                            ], source: space.denseSource(d)))
                }
                for feature in inputs.wide[index] where wide[Int(feature)] != 0 {
                    let weight = Double(wide[Int(feature)])
                    contributions.append(
                        Contribution(
                            .wideFeature, subject: .named(space.wideName(Int(feature))),
                            value: weight,
                            factors: [Factor("weight", weight)],
                            source: space.wideSource(Int(feature))))
                }
                let wideTotal = contributions.reduce(0) { $0 + $1.value }
                guard hasDeepPart else {
                    contributions.append(Contribution(.bias, value: item.score - wideTotal))
                    return Ranked(item: item.item, score: item.score, contributions: contributions)
                }
                let split = network.deepLIFT(x, from: there)
                var byGroup: [String: Double] = [:]
                for (term, group) in zip(split.terms, groups) { byGroup[group, default: 0] += term }
                // Summed in one order, so the reference term is the same to the last bit each run.
                let deepChange = byGroup.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value }
                let deep = item.score - wideTotal
                contributions.append(Contribution(.bias, value: bias))
                contributions.append(
                    Contribution(
                        .deepReference, value: deep - deepChange - bias,
                        factors: [Factor("deep part", deep), Factor("reference", split.reference)]))
                for group in groupOrder {
                    guard let value = byGroup[group] else { continue }
                    contributions.append(
                        Contribution(
                            .deepGroup, subject: .named(group), value: value,
                            source: space.sources.contains(group) ? group : nil))
                }
                return Ranked(item: item.item, score: item.score, contributions: contributions)
            }
        }

        /// The ranker with features for the items the catalogue gained or changed since the
        /// fit (``FeatureTables/cataloguing(_:)``); a new item's own embedding and wide weights
        /// are an unknown item's, as the fit had no row for it.
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any RankerModel)? {
            var model = self
            model.space.tables = space.tables.cataloguing(update)
            return model
        }

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            writer.write(space.sources)
            writer.write(space.crosses.map(\.name))
            writer.write(Int(space.recentMinutes / 1440))
            writer.write(space.lastItems)
            space.tables.write(to: &writer)
            writer.write(wide)
            writer.write(embeddingSize)
            writer.write(hasDeepPart ? 1 : 0)
            writer.write(embeddings)
            writer.write(network.widths)
            writer.write(network.activation.rawValue)
            writer.write(network.parameters)
            for values in [scaling.mean, scaling.deviation, scaling.low, scaling.high] {
                writer.write(values)
            }
            writer.write(reference)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let what = "wide-and-deep"
            let sources = try reader.readStrings()
            try reader.expectSources(sources, what)
            var crosses: [Cross] = []
            for name in try reader.readStrings() {
                guard let cross = Cross(parsing: name) else {
                    throw ArtifactError(.corrupt, "\(what): unreadable cross '\(excerpt(name))'")
                }
                crosses.append(cross)
            }
            let recentDays = try reader.readInt()
            let lastItems = try reader.readInt()
            guard (1...3650).contains(recentDays), (1...1000).contains(lastItems) else {
                throw ArtifactError(.corrupt, "\(what): the time windows are out of range")
            }
            let tables = try FeatureTables(reading: &reader)
            for cross in crosses {
                let size = cross.fields.reduce(1.0) { product, field in
                    product * Double(FeatureSpace.fieldSize(field, tables, sources.count))
                }
                guard size <= Double(maximumWideSize) else {
                    throw ArtifactError(.corrupt, "\(what): the cross \(cross.name) is too large")
                }
            }
            space = FeatureSpace(
                sources: sources, crosses: crosses, recentDays: recentDays, lastItems: lastItems,
                tables: tables)
            wide = try reader.readFiniteArray(
                of: Float.self, "\(what): the wide weights", magnitude: inputBound)
            embeddingSize = try reader.readInt()
            let deepFlag = try reader.readInt()
            guard (1...64).contains(embeddingSize), wide.count == space.wideCount,
                deepFlag == 0 || deepFlag == 1
            else {
                throw ArtifactError(.corrupt, "\(what): the wide weights do not fit the features")
            }
            hasDeepPart = deepFlag == 1
            embeddings = try reader.readFiniteArray(
                of: Float.self, "\(what): the embeddings", magnitude: inputBound)
            guard embeddings.count == space.embeddingRows * embeddingSize else {
                throw ArtifactError(.corrupt, "\(what): the embeddings do not fit the features")
            }
            let widths = try reader.readArray(of: Int.self)
            let name = try reader.readString()
            guard let activation = Activation(rawValue: name), widths.count >= 2,
                widths.count <= 6, widths.dropFirst().allSatisfy({ (1...1024).contains($0) }),
                widths.first == 6 * embeddingSize + space.denseCount, widths.last == 1
            else {
                throw ArtifactError(.corrupt, "\(what): unreadable perceptron shape")
            }
            let parameters = try reader.readFiniteArray(
                of: Float.self, "\(what): the perceptron's weights", magnitude: inputBound)
            guard parameters.count == Perceptron.parameterCount(widths) else {
                throw ArtifactError(.corrupt, "\(what): the perceptron's weights do not fit")
            }
            network = Perceptron(widths: widths, activation: activation, parameters: parameters)
            var parts: [[Float]] = []
            for name in ["means", "deviations", "lowest values", "highest values"] {
                parts.append(
                    try reader.readFiniteArray(
                        of: Float.self, "\(what): the features' \(name)", magnitude: 1e7))
            }
            scaling = Scaling(mean: parts[0], deviation: parts[1], low: parts[2], high: parts[3])
            reference = try reader.readFiniteArray(
                of: Float.self, "\(what): the reference", magnitude: inputBound)
            guard parts.allSatisfy({ $0.count == space.denseCount }),
                scaling.deviation.allSatisfy({ $0 >= 1e-6 }),
                zip(scaling.low, scaling.high).allSatisfy({
                    $0 <= $1 && abs($0) <= inputBound
                        && abs($1) <= inputBound
                }),
                reference.count == widths[0]
            else {
                throw ArtifactError(.corrupt, "\(what): the feature scaling does not fit")
            }
        }

        /// The same model with other embeddings.
        func replacing(embeddings: [Float]) -> Model {
            Model(
                space: space, wide: wide, embeddings: embeddings, embeddingSize: embeddingSize,
                hasDeepPart: hasDeepPart, network: network, scaling: scaling,
                reference: reference)
        }

        /// The same model with another perceptron.
        func replacing(network: Perceptron) -> Model {
            Model(
                space: space, wide: wide, embeddings: embeddings, embeddingSize: embeddingSize,
                hasDeepPart: hasDeepPart, network: network, scaling: scaling,
                reference: reference)
        }

        init(
            space: FeatureSpace, wide: [Float], embeddings: [Float], embeddingSize: Int,
            hasDeepPart: Bool, network: Perceptron, scaling: Scaling, reference: [Float]
        ) {
            self.space = space
            self.wide = wide
            self.embeddings = embeddings
            self.embeddingSize = embeddingSize
            self.hasDeepPart = hasDeepPart
            self.network = network
            self.scaling = scaling
            self.reference = reference
        }
    }
}

/// How raw dense features become perceptron inputs: standardised by their training mean and
/// deviation, then held within the range they had in training, so that a request unlike any
/// training example (a user back after a year, say) is not extrapolated.
struct Scaling: Sendable {
    var mean: [Float]
    var deviation: [Float]
    var low: [Float]
    var high: [Float]

    /// Feature `d`'s input for the raw value `value`.
    @inline(__always)
    func apply(_ value: Float, _ d: Int) -> Float {
        min(max((value - mean[d]) / deviation[d], low[d]), high[d])
    }
}
