public import ShortlistCore

extension Reason.Kind {
    /// A feature group's share of an embedding score: one tower's part dotted with the other tower.
    public static let featureGroup = Reason.Kind(rawValue: "feature-group")
}

extension TripletEmbedding {
    /// The trained tables and every item's tower output.
    public struct Model: CandidateModel, SimilarItems {
        let towers: Towers
        let tables: [[Float]]
        let minRating: Float
        let rated: Bool
        /// The item tower's output for every item, row-major.
        let itemVectors: [Float]

        init(towers: Towers, tables: [[Float]], minRating: Float, rated: Bool) {
            self.towers = towers
            self.tables = tables
            self.minRating = minRating
            self.rated = rated
            var vectors = [Float](repeating: 0, count: towers.itemCount * towers.dimensions)
            vectors.withUnsafeMutableBufferPointer { buffer in
                for item in 0 ..< towers.itemCount {
                    towers.compose(towers.itemParts(item), tables: tables, into: buffer.baseAddress! + item * towers.dimensions)
                }
            }
            itemVectors = vectors
        }

        /// The liked items of the query's history.
        func history(_ query: Query) -> [Int] {
            zip(query.historyItems, query.historyRatings).compactMap { item, rating in
                Int(item) < towers.itemCount && (!rated || rating >= minRating) ? Int(item) : nil
            }
        }

        func userParts(_ query: Query) -> [Part]? {
            let parts = towers.userParts(query.user, history: history(query))
            return parts.isEmpty ? nil : parts
        }

        /// The items whose tower output has the largest dot product with the user tower's.
        ///
        /// - Complexity: O(items · dimensions + items · log limit).
        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            guard let parts = userParts(query), limit > 0 else { return [] }
            let d = towers.dimensions
            var user = [Float](repeating: 0, count: d)
            user.withUnsafeMutableBufferPointer { towers.compose(parts, tables: tables, into: $0.baseAddress!) }
            var top = TopK(k: limit)
            user.withUnsafeBufferPointer { u in
                itemVectors.withUnsafeBufferPointer { items in
                    for item in 0 ..< towers.itemCount where !query.excluded.contains(item) {
                        let score = Double(Vector.dot(u.baseAddress!, items.baseAddress! + item * d, d))
                        if score >= top.threshold { top.insert(item, score: score) }
                    }
                }
            }
            return top.sorted()
        }

        /// The items whose item-tower output has the highest cosine with this item's.
        public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate] {
            Vector.nearestRows(to: item, in: itemVectors, dimensions: towers.dimensions, limit: limit)
        }

        public func unavailableReason(for query: Query) -> String? {
            userParts(query) == nil ? "it needs a known user or a history and this id has neither" : nil
        }

        /// The feature groups of both towers with their share of the score (each tower's groups
        /// add up to it), then the liked items nearest to this one in embedding space (cosine).
        public func explain(item: ItemIndex, for query: Query) -> [Reason] {
            guard let userParts = userParts(query), item >= 0, item < towers.itemCount else { return [] }
            let d = towers.dimensions
            var user = [Float](repeating: 0, count: d), part = [Float](repeating: 0, count: d)
            user.withUnsafeMutableBufferPointer { towers.compose(userParts, tables: tables, into: $0.baseAddress!) }
            let itemVector = Array(itemVectors[item * d ..< (item + 1) * d])
            func share(_ parts: [Part], against other: [Float]) -> Double {
                guard !parts.isEmpty else { return 0 }
                part.withUnsafeMutableBufferPointer { towers.compose(parts, tables: tables, into: $0.baseAddress!) }
                return Double(zip(part, other).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            }
            let itemParts = towers.itemParts(item)
            var groups: [(String, Double)] = [
                ("item id", share(itemParts.filter { $0.table == .itemID }, against: user)),
                ("item genres", share(itemParts.filter { $0.table == .genre }, against: user)),
                ("item decade", share(itemParts.filter { $0.table == .decade }, against: user)),
                ("user id", share(userParts.filter { $0.table == .userID }, against: itemVector)),
                ("user history", share(userParts.filter { $0.table == .itemID }, against: itemVector)),
                ("user demographics", share(userParts.filter { [.age, .gender, .occupation].contains($0.table) }, against: itemVector)),
            ]
            groups = groups.filter { $0.1 != 0 }
            var reasons = groups.map { Reason(kind: .featureGroup, name: $0.0, value: $0.1, item: item) }
            let norm = itemVector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            let nearest = history(query).filter { $0 != item }.map { other -> (Int, Double) in
                let vector = itemVectors[other * d ..< (other + 1) * d]
                let dot = zip(vector, itemVector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                let otherNorm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                return (other, Double(dot / max(norm * otherNorm, 1e-12)))
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            reasons += nearest.prefix(3).map { Reason(kind: .becauseOf, name: "close in embedding space to", value: $0.1, item: $0.0) }
            return reasons
        }

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            towers.write(to: &writer)
            for table in tables { writer.write(table) }
            writer.write(Double(minRating))
            writer.write(rated ? 1 : 0)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let towers = try Towers(reading: &reader)
            var tables: [[Float]] = []
            for table in Table.allCases {
                let values = try reader.readArray(of: Float.self)
                guard values.count == towers.tableRows[table.rawValue] * towers.dimensions else {
                    throw ArtifactError(.corrupt, "triplet-embedding: table \(table) has \(values.count) values")
                }
                tables.append(values)
            }
            let minRating = Float(try reader.readDouble()), rated = try reader.readInt() == 1
            self.init(towers: towers, tables: tables, minRating: minRating, rated: rated)
        }
    }
}
