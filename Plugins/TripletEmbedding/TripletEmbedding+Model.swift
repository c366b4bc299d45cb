public import ShortlistCore

extension TripletEmbedding {
    /// The trained tables and every item's tower output.
    public struct Model: CandidateModel {
        let towers: Towers
        let tables: [[Float]]
        let minRating: Float
        let rated: Bool
        /// The item tower's output for every item, row-major.
        let itemVectors: [Float]
        /// The same, laid out for retrieval.
        let itemBlocks: RowBlocks

        init(towers: Towers, tables: [[Float]], minRating: Float, rated: Bool) {
            self.towers = towers
            self.tables = tables
            self.minRating = minRating
            self.rated = rated
            var vectors = [Float](repeating: 0, count: towers.itemCount * towers.dimensions)
            vectors.withMutableRows(width: towers.dimensions) { rows in
                for item in 0..<towers.itemCount {
                    towers.compose(towers.itemParts(item), tables: tables, into: rows[item])
                }
            }
            itemVectors = vectors
            itemBlocks = RowBlocks(vectors, dimensions: towers.dimensions)
        }

        /// The liked items of the query's history.
        func history(_ query: Query) -> [Int] {
            zip(query.historyItems, query.historyRatings).compactMap { item, rating in
                Int(item) < towers.idRows && (!rated || rating >= minRating) ? Int(item) : nil
            }
        }

        func userParts(_ query: Query) -> [Part]? {
            let parts = towers.userParts(query.user, history: history(query))
            return parts.isEmpty ? nil : parts
        }

        /// The user tower's output for the query, or nil when it has no parts.
        func userVector(_ query: Query) -> [Float]? {
            guard let parts = userParts(query) else { return nil }
            var user = [Float](repeating: 0, count: towers.dimensions)
            user.withMutableRow { towers.compose(parts, tables: tables, into: $0) }
            return user
        }

        /// The items whose tower output has the largest dot product with the user tower's.
        ///
        /// - Complexity: O(items · dimensions + items · log limit).
        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            guard let user = userVector(query), limit > 0 else { return [] }
            return itemBlocks.top(user, limit: limit, excluded: query.excluded)
        }

        /// Every query's candidates, as ``candidates(for:limit:)`` gives them, scored a group
        /// of users at a time against each block of items.
        ///
        /// - Complexity: O(queries · items · dimensions), reading the item vectors once per
        ///   group.
        public func candidates(forEach queries: [Query], limit: Int) -> [[Candidate]] {
            let users = concurrentMap(queries.count, chunk: 32) { userVector(queries[$0]) }
            let served = zip(queries.indices, users).compactMap { index, user in
                user.map { (index: index, user: $0) }
            }
            let lists = itemBlocks.top(
                served.map(\.user), limit: limit,
                excluded: served.map { queries[$0.index].excluded })
            var result = [[Candidate]](repeating: [], count: queries.count)
            for (served, list) in zip(served, lists) { result[served.index] = list }
            return result
        }

        /// The item tower's output for every item.
        public var itemEmbeddings: ItemEmbeddings? {
            ItemEmbeddings(vectors: itemVectors, dimensions: towers.dimensions)
        }

        /// The items whose item-tower output has the highest cosine with this item's.
        public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]? {
            Vector.nearestRows(
                to: item, in: itemVectors, dimensions: towers.dimensions, limit: limit)
        }

        /// Known users are served from their id and demographics, unknown ones from a history.
        public func unavailability(for query: Query) -> Unavailability? {
            userParts(query) == nil ? .unknownUser : nil
        }

        /// The score split over pairs of feature groups, user side × item side (the dot product
        /// of the towers' sums is the sum of the groups' dot products), then as details the liked
        /// items nearest to this one in embedding space (cosine).
        public func explain(item: ItemIndex, for query: Query) -> Explanation {
            guard let userParts = userParts(query), item >= 0, item < towers.itemCount else {
                return .none
            }
            let d = towers.dimensions
            let userGroups: [(String, [Part])] = [
                ("user-id", userParts.filter { $0.table == .userID }),
                ("user-history", userParts.filter { $0.table == .itemID }),
                (
                    "user-demographics",
                    userParts.filter { [.age, .gender, .occupation].contains($0.table) }
                ),
            ].filter { !$0.1.isEmpty }
            let itemParts = towers.itemParts(item)
            let itemGroups: [(String, [Part])] = [
                ("item-id", itemParts.filter { $0.table == .itemID }),
                ("item-genres", itemParts.filter { $0.table == .genre }),
                ("item-decade", itemParts.filter { $0.table == .decade }),
            ].filter { !$0.1.isEmpty }
            var terms: [Reason] = []
            var left = [Float](repeating: 0, count: d)
            var right = [Float](repeating: 0, count: d)
            left.withMutableRow { l in
                right.withMutableRow { r in
                    for (userName, userGroup) in userGroups {
                        towers.compose(userGroup, tables: tables, into: l)
                        for (itemName, itemGroup) in itemGroups {
                            towers.compose(itemGroup, tables: tables, into: r)
                            let value = Double(Vector.dot(l.reading, r.reading))
                            terms.append(
                                Reason(
                                    .featureGroup, value: value,
                                    subject: .pair(userName, itemName)))
                        }
                    }
                }
            }
            let nearest = itemVectors.withRows(width: d) { vectors in
                history(query).filter { $0 != item }.map { other in
                    (other, Double(Vector.cosine(vectors[other], vectors[item])))
                }
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            let details = nearest.prefix(3).map {
                Reason(.similarLikedItem, value: $0.1, historyItem: $0.0)
            }
            return Explanation(terms: terms.largestFirst(), details: Array(details))
        }

        /// The model with the item tower's output for the catalogue's new and changed items
        /// (``Towers/cataloguing(_:)``): a new item is placed by its genres and decade.
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)? {
            Model(
                towers: towers.cataloguing(update), tables: tables, minRating: minRating,
                rated: rated)
        }

        public static let formatVersion = 3

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
                let values = try reader.readFiniteArray(
                    of: Float.self, "triplet-embedding: table \(table)", magnitude: 1e6)
                let size = try reader.product(
                    towers.tableRows[table.rawValue], towers.dimensions, "triplet-embedding")
                guard values.count == size else {
                    throw ArtifactError(
                        .corrupt, "triplet-embedding: table \(table) has \(values.count) values")
                }
                tables.append(values)
            }
            let minRating = try reader.readFiniteFloat("triplet-embedding: min-rating")
            let rated = try reader.readInt() == 1
            self.init(towers: towers, tables: tables, minRating: minRating, rated: rated)
        }
    }
}
