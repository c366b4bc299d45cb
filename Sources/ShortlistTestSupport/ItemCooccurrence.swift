public import ShortlistCore

/// A candidate generator that needs a history: it scores items by how many users rated them
/// together with the items the user rated. Tests use it to see how pipelines treat cold users.
public struct ItemCooccurrence: CandidateGenerator {
    /// No parameters.
    public struct Params: PluginParameters {
        public init() {}
        public static var declarations: [ParameterDeclaration<Self>] { [] }
    }

    public static let type = "item-cooccurrence"
    public static let summary =
        "Items rated by the same users as the user's items (needs a history)."

    public static func make(_ params: Params, context: BuildContext) throws -> ItemCooccurrence {
        ItemCooccurrence()
    }

    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        let dataset = data.dataset
        var counts = [Int32](repeating: 0, count: dataset.itemCount * dataset.itemCount)
        for user in 0..<dataset.userCount {
            let items = dataset.byUser.columns[dataset.byUser.range(of: user)]
            for a in items {
                for b in items where a != b { counts[Int(a) * dataset.itemCount + Int(b)] += 1 }
            }
        }
        return Model(itemCount: dataset.itemCount, counts: counts)
    }

    /// Co-occurrence counts between every pair of items.
    public struct Model: CandidateModel {
        let itemCount: Int
        let counts: [Int32]

        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            var top = TopK(k: limit)
            guard !query.isCold else { return [] }
            for item in 0..<itemCount where !query.excluded.contains(item) {
                let score = query.historyItems.reduce(0) {
                    $0 + Int(counts[Int($1) * itemCount + item])
                }
                if score > 0 { top.insert(item, score: Double(score)) }
            }
            return top.sorted()
        }

        /// Each history item's co-occurrence count with the item: the terms of its score.
        public func explain(item: ItemIndex, for query: Query) -> Explanation {
            let terms = query.historyItems.map { Int($0) }.filter {
                counts[$0 * itemCount + item] > 0
            }.map {
                Reason(.historyItem, value: Double(counts[$0 * itemCount + item]), historyItem: $0)
            }
            return Explanation(terms: terms.largestFirst())
        }

        public func unavailability(for query: Query) -> Unavailability? {
            query.isCold ? .noHistory : nil
        }

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            writer.write(itemCount)
            writer.write(counts)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            itemCount = try reader.readInt()
            counts = try reader.readArray(of: Int32.self)
            guard counts.count == (try reader.product(itemCount, itemCount, "item-cooccurrence"))
            else {
                throw ArtifactError(.corrupt, "item-cooccurrence: wrong count table size")
            }
        }

        init(itemCount: Int, counts: [Int32]) {
            self.itemCount = itemCount
            self.counts = counts
        }
    }
}
