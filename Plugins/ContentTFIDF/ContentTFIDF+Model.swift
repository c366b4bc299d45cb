public import ShortlistCore

extension ContentTFIDF {
    /// Unit-length TF-IDF vectors by item and the inverted index over them.
    public struct Model: CandidateModel {
        /// The vocabulary, by term id.
        public let terms: [String]
        let offsets: [Int]
        let columns: [Int32]
        let weights: [Float]
        let likeThreshold: Float
        let centerRatings: Bool
        let rated: Bool
        /// Each term's inverse document frequency in the fitted catalogue: items added later
        /// are weighed with it (their terms the fitted vocabulary has).
        let idf: [Double]
        /// How an item's text is made: items added later are tokenised the same way.
        let text: TextFields
        /// For each term, the items containing it and the weight there.
        private let postings: (offsets: [Int], items: [Int32], weights: [Float])

        var itemCount: Int { offsets.count - 1 }

        init(
            terms: [String], offsets: [Int], columns: [Int32], weights: [Float],
            likeThreshold: Float, centerRatings: Bool, rated: Bool, idf: [Double],
            text: TextFields
        ) {
            self.idf = idf
            self.text = text
            self.terms = terms
            self.offsets = offsets
            self.columns = columns
            self.weights = weights
            self.likeThreshold = likeThreshold
            self.centerRatings = centerRatings
            self.rated = rated
            var counts = [Int](repeating: 0, count: terms.count + 1)
            for term in columns { counts[Int(term) + 1] += 1 }
            for t in 0..<terms.count { counts[t + 1] += counts[t] }
            var next = counts
            var items = [Int32](repeating: 0, count: columns.count)
            var postingWeights = [Float](repeating: 0, count: columns.count)
            for item in 0..<offsets.count - 1 {
                for entry in offsets[item]..<offsets[item + 1] {
                    let term = Int(columns[entry])
                    items[next[term]] = Int32(item)
                    postingWeights[next[term]] = weights[entry]
                    next[term] += 1
                }
            }
            postings = (counts, items, postingWeights)
        }

        /// The item's vector as (term, weight) pairs.
        public func vector(of item: ItemIndex) -> [(term: Int, weight: Float)] {
            guard item >= 0, item < itemCount else { return [] }
            return (offsets[item]..<offsets[item + 1]).map { (Int(columns[$0]), weights[$0]) }
        }

        /// The liked history items with their profile weights.
        func likedItems(_ query: Query) -> [(item: Int, weight: Float)] {
            let ratings = Array(query.historyRatings)
            let mean = ratings.isEmpty ? 0 : ratings.reduce(0, +) / Float(ratings.count)
            return zip(query.historyItems, ratings).compactMap { item, rating in
                guard Int(item) < itemCount, !rated || rating >= likeThreshold else { return nil }
                let weight: Float = !rated ? 1 : (centerRatings ? rating - mean : rating)
                return weight != 0 ? (Int(item), weight) : nil
            }
        }

        /// Σ weight · vector over the liked items, as (term, weight) pairs ordered by term, so
        /// every sum over it runs in one order (a dictionary's order varies between instances).
        func profile(_ liked: [(item: Int, weight: Float)]) -> [(term: Int, value: Double)] {
            var profile: [Int: Double] = [:]
            for (item, weight) in liked {
                for (term, value) in vector(of: item) {
                    profile[term, default: 0] += Double(weight * value)
                }
            }
            return profile.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }

        /// The items most similar to `profile` by cosine, skipping `isSkipped` ones.
        ///
        /// - Complexity: O(Σ postings of the profile's terms + touched · log limit).
        func nearest(_ profile: [(term: Int, value: Double)], limit: Int, isSkipped: (Int) -> Bool)
            -> [Candidate]
        {
            let norm = profile.reduce(0) { $0 + $1.value * $1.value }.squareRoot()
            guard norm > 0, limit > 0 else { return [] }
            var scores = [Double](repeating: 0, count: itemCount)
            var touched: [Int] = []
            for (term, value) in profile {
                for entry in postings.offsets[term]..<postings.offsets[term + 1] {
                    let item = Int(postings.items[entry])
                    if scores[item] == 0 { touched.append(item) }
                    scores[item] += value * Double(postings.weights[entry])
                }
            }
            var top = TopK(k: limit)
            for item in touched where !isSkipped(item) && scores[item] > 0 {
                top.insert(item, score: scores[item] / norm)
            }
            return top.sorted()
        }

        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            nearest(profile(likedItems(query)), limit: limit) { query.excluded.contains($0) }
        }

        /// The items whose text is most like `item`'s, best first, without the item itself.
        public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]? {
            nearest(vector(of: item).map { ($0.term, Double($0.weight)) }, limit: limit) {
                $0 == item
            }
        }

        public func unavailability(for query: Query) -> Unavailability? {
            if query.isCold { return .noHistory }
            if likedItems(query).isEmpty { return .nothingLiked(threshold: Double(likeThreshold)) }
            if candidates(for: query, limit: 1).isEmpty { return .noPositiveScore }
            return nil
        }

        /// Every term the item shares with the user's profile, with its share of the cosine and
        /// the liked item that brought most of it into the profile; the shares add up to the score.
        public func explain(item: ItemIndex, for query: Query) -> Explanation {
            let liked = likedItems(query)
            let profile = profile(liked)
            let norm = profile.reduce(0) { $0 + $1.value * $1.value }.squareRoot()
            guard norm > 0 else { return .none }
            let weights = Dictionary(uniqueKeysWithValues: profile.map { ($0.term, $0.value) })
            let shared = vector(of: item).compactMap { term, weight -> Reason? in
                guard let value = weights[term] else { return nil }
                let source = liked.max { a, b in
                    a.weight * self.weight(of: term, in: a.item) < b.weight
                        * self.weight(of: term, in: b.item)
                }
                return Reason(
                    .sharedTerm, value: value * Double(weight) / norm, historyItem: source?.item,
                    subject: .token(ContentToken(code: self.terms[term])))
            }
            return Explanation(terms: shared.largestFirst())
        }

        private func weight(of term: Int, in item: Int) -> Float {
            vector(of: item).first { $0.term == term }?.weight ?? 0
        }

        /// The model with the vectors of the catalogue's new and changed items, from their
        /// text under the fitted vocabulary and weights (terms it does not have are left out).
        ///
        /// - Complexity: O(catalogue's vector entries + changed items' tokens).
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)? {
            let lookup = Dictionary(
                uniqueKeysWithValues: terms.enumerated().map { ($1, Int32($0)) })
            let changed = Dictionary(
                uniqueKeysWithValues: update.changed.map { item in
                    var counts: [Int32: Int] = [:]
                    for token in text.tokens(of: update.dataset.items[item]) {
                        if let term = lookup[token] { counts[term, default: 0] += 1 }
                    }
                    return (item, unitVector(termCounts: counts, idf: idf))
                })
            var offsets = [0]
            var columns: [Int32] = []
            var weights: [Float] = []
            for item in 0..<update.dataset.itemCount {
                if let vector = changed[item] {
                    columns += vector.map(\.term)
                    weights += vector.map(\.weight)
                } else {
                    columns += self.columns[self.offsets[item]..<self.offsets[item + 1]]
                    weights += self.weights[self.offsets[item]..<self.offsets[item + 1]]
                }
                offsets.append(columns.count)
            }
            return Model(
                terms: terms, offsets: offsets, columns: columns, weights: weights,
                likeThreshold: likeThreshold, centerRatings: centerRatings, rated: rated, idf: idf,
                text: text)
        }

        public static let formatVersion = 3

        public func write(to writer: inout ArtifactWriter) {
            writer.write(terms)
            writer.write(offsets.map(Int64.init))
            writer.write(columns)
            writer.write(weights)
            writer.write(Double(likeThreshold))
            writer.write(centerRatings ? 1 : 0)
            writer.write(rated ? 1 : 0)
            writer.write(idf)
            writer.write(text.fields.map(\.rawValue))
            writer.write(text.bigrams ? 1 : 0)
            writer.write(text.stopWords ? 1 : 0)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let terms = try reader.readStrings()
            let offsets = try reader.readArray(of: Int64.self).map(Int.init)
            let columns = try reader.readArray(of: Int32.self)
            let weights = try reader.readFiniteArray(
                of: Float.self, "tfidf: the term weights", magnitude: 1.001)  // unit vectors
            let threshold = try reader.readFiniteFloat("tfidf: like-threshold")
            let center = try reader.readInt() == 1
            let rated = try reader.readInt() == 1
            let idf = try reader.readFiniteArray(
                of: Double.self, "tfidf: the inverse document frequencies", magnitude: 1e6)
            let fieldNames = try reader.readStrings()
            let fields = fieldNames.compactMap(Field.init(rawValue:))
            let bigrams = try reader.readInt() == 1
            let stopWords = try reader.readInt() == 1
            guard fields.count == fieldNames.count, idf.count == terms.count else {
                throw ArtifactError(
                    .corrupt, "tfidf: the text fields or term weights are malformed")
            }
            let ordered = zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 }
            guard let first = offsets.first, first == 0, ordered, offsets.last == columns.count,
                weights.count == columns.count,
                columns.allSatisfy({ $0 >= 0 && Int($0) < terms.count })
            else { throw ArtifactError(.corrupt, "tfidf: the vectors do not match their index") }
            try reader.expectItems(offsets.count - 1, "tfidf")
            self.init(
                terms: terms, offsets: offsets, columns: columns, weights: weights,
                likeThreshold: threshold, centerRatings: center, rated: rated, idf: idf,
                text: TextFields(fields: fields, bigrams: bigrams, stopWords: stopWords))
        }
    }
}
