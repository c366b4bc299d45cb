import Foundation
import ShortlistCore

extension TripletEmbedding {
    /// One training run: tables, positives, sampler and the seeded generator.
    struct Trainer {
        let params: Params
        let towers: Towers
        var tables: [EmbeddingTable]
        /// The triplets the last epoch trained on.
        private(set) var lastTriplets = 0
        /// Each user's positive items, sorted, as compressed rows.
        let offsets: [Int]
        let positives: [Int32]
        let sampler: NegativeSampler
        var random: SeededGenerator
        /// Whether the data has ratings (otherwise every interaction is a positive).
        let rated: Bool

        init(params: Params, dataset: Dataset, seed: UInt64) {
            self.params = params
            rated = dataset.hasRatings
            towers = Towers(dataset: dataset, dimensions: params.dimensions)
            random = SeededGenerator(seed: seed)
            tables = []
            for table in Table.allCases {
                tables.append(
                    EmbeddingTable(
                        rows: towers.tableRows[table.rawValue], dimensions: params.dimensions,
                        std: params.initStd,
                        optimizer: params.optimizer, learningRate: params.learningRate,
                        random: &random
                    ))
            }
            var offsets = [0]
            var positives: [Int32] = []
            for user in 0..<dataset.userCount {
                let range = dataset.byUser.range(of: user)
                let liked = range.filter {
                    !dataset.hasRatings || Double(dataset.byUser.ratings[$0]) >= params.minRating
                }
                positives += Set(liked.map { dataset.byUser.columns[$0] }).sorted()
                offsets.append(positives.count)
            }
            self.offsets = offsets
            self.positives = positives
            let counts = (0..<dataset.itemCount).map { dataset.byItem.count(of: $0) }
            sampler = NegativeSampler(
                params.negatives == .popularity ? .popularity : .uniform, counts: counts)
        }

        func liked(_ user: Int) -> ArraySlice<Int32> {
            positives[offsets[user]..<offsets[user + 1]]
        }

        func compose(_ parts: [Part], into target: Matrix.MutableRow) {
            target.fill(0)
            for part in parts {
                tables[part.table.rawValue].add(row: part.row, scale: part.scale, into: target)
            }
        }

        /// Applies `gradient` (with respect to the tower output) to every part, plus L2 on each row.
        mutating func apply(_ gradient: Matrix.Row, to parts: [Part], scratch: Matrix.MutableRow) {
            let d = params.dimensions
            let lambda = Float(params.regularization)
            for part in parts {
                tables[part.table.rawValue].values.withRows(width: d) { rows in
                    let row = rows[part.row]
                    for f in 0..<d { scratch[f] = part.scale * gradient[f] + lambda * row[f] }
                }
                tables[part.table.rawValue].update(row: part.row, gradient: scratch.reading)
            }
        }

        /// One pass: every user in a shuffled order, every positive once, one negative each.
        /// User-side gradients are summed over the user's triplets and applied once.
        ///
        /// - Returns: the mean loss.
        mutating func epoch() -> Double {
            let d = params.dimensions
            var buffer = Matrix(rows: 6, columns: d)
            var totalLoss = 0.0
            var triplets = 0
            let users = (0..<towers.userCount).filter { offsets[$0 + 1] > offsets[$0] }.shuffled(
                using: &random)
            buffer.withMutableRows { rows in
                let (u, positive, negative) = (rows[0], rows[1], rows[2])
                let (userGradient, itemGradient, scratch) = (rows[3], rows[4], rows[5])
                for user in users {
                    let history = liked(user).map(Int.init)
                    let userParts = towers.userParts(user, history: history)
                    compose(userParts, into: u)
                    userGradient.fill(0)
                    for item in history.shuffled(using: &random) {
                        let negativeItem = sampleNegative(
                            for: user, userVector: u.reading, scratch: negative)
                        let positiveParts = towers.itemParts(item)
                        let negativeParts = towers.itemParts(negativeItem)
                        compose(positiveParts, into: positive)
                        compose(negativeParts, into: negative)
                        let margin = Double(
                            Vector.dot(u.reading, positive.reading)
                                - Vector.dot(u.reading, negative.reading))
                        let (loss, slope) = lossAndSlope(margin)
                        totalLoss += loss
                        triplets += 1
                        for index in tables.indices { tables[index].advance() }
                        guard slope != 0 else { continue }
                        let delta = Float(slope)
                        for f in 0..<d {
                            userGradient[f] += delta * (positive[f] - negative[f])
                            itemGradient[f] = delta * u[f]
                        }
                        apply(itemGradient.reading, to: positiveParts, scratch: scratch)
                        for f in 0..<d { itemGradient[f] = -itemGradient[f] }
                        apply(itemGradient.reading, to: negativeParts, scratch: scratch)
                    }
                    apply(userGradient.reading, to: userParts, scratch: scratch)
                }
            }
            lastTriplets = triplets
            return triplets > 0 ? totalLoss / Double(triplets) : 0
        }

        /// The loss of one triplet and its derivative with respect to s⁺ − s⁻.
        func lossAndSlope(_ x: Double) -> (Double, Double) {
            switch params.loss {
            case .bpr:
                return (x > 0 ? log1p(exp(-x)) : -x + log1p(exp(x)), -1 / (1 + exp(x)))
            case .triplet:
                let gap = params.margin - x
                return gap > 0 ? (gap, -1) : (0, 0)
            }
        }

        /// A negative that is not among the user's positives (after a few tries, whatever was drawn).
        mutating func sampleNegative(
            for user: Int, userVector: Matrix.Row, scratch: Matrix.MutableRow
        ) -> Int {
            let positives = liked(user)
            func isPositive(_ item: Int) -> Bool {
                var low = positives.startIndex
                var high = positives.endIndex
                while low < high {
                    let middle = (low + high) / 2
                    if Int(positives[middle]) < item { low = middle + 1 } else { high = middle }
                }
                return low < positives.endIndex && Int(positives[low]) == item
            }
            guard params.negatives == .hard else {
                var item = sampler.sample(using: &random)
                for _ in 0..<10 where isPositive(item) { item = sampler.sample(using: &random) }
                return item
            }
            var best = -1
            var bestScore = -Float.infinity
            for _ in 0..<params.hardCandidates {
                let item = Int.random(in: 0..<towers.itemCount, using: &random)
                guard !isPositive(item) else { continue }
                compose(towers.itemParts(item), into: scratch)
                let score = Vector.dot(userVector, scratch.reading)
                if score > bestScore { (best, bestScore) = (item, score) }
            }
            return best >= 0 ? best : Int.random(in: 0..<towers.itemCount, using: &random)
        }

        /// The fitted model: the tables and the item tower's output for every item.
        func model() -> Model {
            Model(
                towers: towers, tables: tables.map(\.values), minRating: Float(params.minRating),
                rated: rated)
        }
    }
}
