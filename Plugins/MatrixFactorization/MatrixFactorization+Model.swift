public import ShortlistCore

extension MatrixFactorization {
    /// Fitted user and item factors (and, for the explicit objective, the mean and biases).
    public struct Model: CandidateModel {
        let objective: Objective
        let factors: Int
        let userFactors: [Float]
        let itemFactors: [Float]
        let globalMean: Float
        let userBias: [Float]
        let itemBias: [Float]
        /// 1 for users with at least one fitted interaction.
        let trainedUsers: [UInt8]
        let regularization: Float
        let alpha: Float
        let confidence: Confidence
        let minRating: Float
        /// The lowest and highest training rating: predictions are clipped to them.
        let ratingRange: ClosedRange<Float>
        /// QᵀQ over every item (implicit objective; empty otherwise), shared by every explanation.
        let itemGram: [Float]
        /// The item factors laid out for retrieval (with the item biases when explicit).
        let itemBlocks: RowBlocks
        /// Items added to the catalogue since the fit with too few interactions to fold in:
        /// their factor rows are zero and they are never scored (none in a fitted model).
        let unfolded: [ItemIndex]

        var userCount: Int { trainedUsers.count }
        var itemCount: Int { itemFactors.count / max(factors, 1) }

        init(
            objective: Objective, factors: Int, userFactors: [Float], itemFactors: [Float],
            globalMean: Float,
            userBias: [Float], itemBias: [Float], trainedUsers: [UInt8], regularization: Float,
            alpha: Float,
            confidence: Confidence, minRating: Float, ratingRange: ClosedRange<Float>,
            unfolded: [ItemIndex] = []
        ) {
            self.unfolded = unfolded
            self.ratingRange = ratingRange
            itemGram = objective == .implicit ? gram(itemFactors, factors: factors) : []
            itemBlocks = RowBlocks(
                itemFactors, dimensions: factors, bias: objective == .explicit ? itemBias : [])
            self.objective = objective
            self.factors = factors
            self.userFactors = userFactors
            self.itemFactors = itemFactors
            self.globalMean = globalMean
            self.userBias = userBias
            self.itemBias = itemBias
            self.trainedUsers = trainedUsers
            self.regularization = regularization
            self.alpha = alpha
            self.confidence = confidence
            self.minRating = minRating
        }

        /// A user's factors and bias for one request.
        struct UserVector {
            var factors: [Float]
            var bias: Float
        }

        /// The user's fitted row, or nil for unknown users and users with nothing fitted.
        private func fittedUser(_ query: Query) -> Int? {
            guard let user = query.user, user < userCount, trainedUsers[user] == 1 else {
                return nil
            }
            return user
        }

        /// The history the user's factors are solved from: interactions rated at least
        /// `min-rating`, of items the model knows.
        private func fittingHistory(_ query: Query) -> [(item: Int, rating: Float)] {
            zip(query.historyItems, query.historyRatings).compactMap { item, rating in
                rating >= minRating && Int(item) < itemCount ? (Int(item), rating) : nil
            }
        }

        /// The user's factors for the query: their fitted row, or, when the query folds in a
        /// history the fit has not seen, the factors solved from the whole history against the
        /// fixed item factors (the fit's own least-squares step, solved exactly, with no user
        /// bias for the explicit objective). Nil when there is nothing to use.
        ///
        /// - Complexity: O(1) for a fitted row; O(history · factors² + factors³) to fold in.
        func userVector(_ query: Query) -> UserVector? {
            guard query.foldsIn else {
                guard let user = fittedUser(query) else { return nil }
                let k = factors
                return UserVector(
                    factors: Array(userFactors[user * k..<(user + 1) * k]),
                    bias: objective == .explicit ? userBias[user] : 0)
            }
            let history = fittingHistory(query)
            guard !history.isEmpty else { return nil }
            if objective == .implicit {
                return UserVector(factors: implicitFactors(history), bias: 0)
            }
            let (a, targets) = system(history, userBias: 0)
            let k = factors
            var b = [Double](repeating: 0, count: k)
            for ((item, _), target) in zip(history, targets) {
                for d in 0..<k { b[d] += target * Double(itemFactors[item * k + d]) }
            }
            guard let x = solveSymmetric(a, b, size: k) else { return nil }
            return UserVector(factors: x.map(Float.init), bias: 0)
        }

        /// The implicit objective's factors for a folded-in history: the solution of
        /// (QᵀQ + Σ_j (c_j − 1) q_j q_jᵀ + λI)·x = Σ_j c_j q_j by conjugate gradient from zero,
        /// until the residual is a millionth of the right side (at most 2 × factors steps):
        /// the exact solve's scores to rounding, without building the system (a request
        /// folding in 200 events would spend over a millisecond on it at 128 factors).
        ///
        /// - Complexity: O(steps · (factors² + history · factors)).
        private func implicitFactors(_ history: [(item: Int, rating: Float)]) -> [Float] {
            let k = factors
            let weights = history.map { alpha * (confidence == .rating ? $0.rating : 1) }
            var work = Matrix(rows: 4, columns: k)
            itemFactors.withRows(width: k) { q in
                itemGram.withRows(width: k) { g in
                    work.withMutableRows { work in
                        let (x, r, p, ap) = (work[0], work[1], work[2], work[3])
                        for ((item, _), weight) in zip(history, weights) {
                            Vector.axpy(1 + weight, q[item], r)
                        }
                        p.assign(r.reading)
                        var residual = Vector.dot(r.reading, r.reading)
                        let tolerance = residual * 1e-12
                        for _ in 0..<2 * k where residual > tolerance {
                            for a in 0..<k {
                                ap[a] = Vector.dot(g[a], p.reading) + regularization * p[a]
                            }
                            for ((item, _), weight) in zip(history, weights) {
                                Vector.axpy(weight * Vector.dot(q[item], p.reading), q[item], ap)
                            }
                            let curvature = Vector.dot(p.reading, ap.reading)
                            guard curvature > 0 else { break }
                            let step = residual / curvature
                            Vector.axpy(step, p.reading, x)
                            Vector.axpy(-step, ap.reading, r)
                            let next = Vector.dot(r.reading, r.reading)
                            for a in 0..<k { p[a] = r[a] + next / residual * p[a] }
                            residual = next
                        }
                    }
                }
            }
            return Array(work.values.prefix(k))
        }

        /// The items with the highest score p_u·q_i (+ μ + b_u + b_i when explicit).
        ///
        /// - Complexity: O(items · factors + items · log limit), plus the fold-in's solve.
        public func candidates(for query: Query, limit: Int) -> [Candidate] {
            guard let user = userVector(query), limit > 0 else { return [] }
            return itemBlocks.top(
                user.factors, offset: offset(user), limit: limit, excluded: excluded(query))
        }

        /// Every query's candidates, as ``candidates(for:limit:)`` gives them, scored a group
        /// of users at a time against each block of items.
        ///
        /// - Complexity: O(queries · items · factors), reading the item factors once per group.
        public func candidates(forEach queries: [Query], limit: Int) -> [[Candidate]] {
            let users = concurrentMap(queries.count, chunk: 32) { userVector(queries[$0]) }
            let served = zip(queries.indices, users).compactMap { index, user in
                user.map { (index: index, user: $0) }
            }
            let lists = itemBlocks.top(
                served.map(\.user.factors), offsets: served.map { offset($0.user) },
                limit: limit, excluded: served.map { excluded(queries[$0.index]) })
            var result = [[Candidate]](repeating: [], count: queries.count)
            for (served, list) in zip(served, lists) { result[served.index] = list }
            return result
        }

        /// What a user's scores start from: μ + b_u when explicit, 0 otherwise.
        private func offset(_ user: UserVector) -> Float {
            objective == .explicit ? globalMean + user.bias : 0
        }

        /// The query's excluded items and the items not folded in yet.
        private func excluded(_ query: Query) -> ItemSet {
            var excluded = query.excluded
            for item in unfolded { excluded.insert(item) }
            return excluded
        }

        /// The model's score for one item, as ``candidates(for:limit:)`` computes it.
        func score(_ item: ItemIndex, user: UserVector) -> Double {
            let k = factors
            let dot = user.factors.withRow { u in
                itemFactors.withRows(width: k) { Vector.dot(u, $0[item]) }
            }
            guard objective == .explicit else { return Double(dot) }
            return Double(dot + (globalMean + user.bias) + itemBias[item])
        }

        /// The items whose factors have the highest cosine with this item's.
        public func similarItems(to item: ItemIndex, limit: Int) -> [Candidate]? {
            Vector.nearestRows(to: item, in: itemFactors, dimensions: factors, limit: limit)
        }

        /// The item factors (an item added since the fit and not yet folded in has a zero row).
        public var itemEmbeddings: ItemEmbeddings? {
            factors > 0 ? ItemEmbeddings(vectors: itemFactors, dimensions: factors) : nil
        }

        /// The model with a factor row for every item the catalogue gained since the fit: an
        /// item with at least `minInteractions` interactions by fitted users has its factors
        /// solved against theirs, as an ALS sweep solves an item's (implicit: (PᵀP + Σ_u
        /// (c_u − 1) p_u p_uᵀ + λI)·q = Σ_u c_u p_u; explicit: the ridge step on r − μ − b_u,
        /// with no item bias); the others stay unscored until they have enough.
        ///
        /// - Complexity: O(users · factors²) for PᵀP when an item folds in, then
        ///   O(interactions · factors² + factors³) per folded item.
        public func servingCatalogue(_ update: CatalogueUpdate) -> (any CandidateModel)? {
            let k = factors
            let added = update.newItems
            guard !added.isEmpty else { return self }
            var grown = itemFactors + [Float](repeating: 0, count: added.count * k)
            var grownBias = itemBias
            if objective == .explicit { grownBias += [Float](repeating: 0, count: added.count) }
            let raters = added.map { item in
                (update.interactions[item] ?? []).filter {
                    $0.user < userCount && trainedUsers[$0.user] == 1
                        && (objective == .implicit || $0.rating >= minRating)
                }
            }
            // PᵀP over every user, once, and only when an item folds in.
            let userGram =
                objective == .implicit && raters.contains { $0.count >= update.minInteractions }
                ? gram(userFactors, factors: k).map(Double.init) : []
            var unfolded: [ItemIndex] = []
            for (item, raters) in zip(added, raters) {
                guard raters.count >= update.minInteractions,
                    let solved = solvedItemFactors(raters, gram: userGram)
                else {
                    unfolded.append(item)
                    continue
                }
                grown.replaceSubrange(item * k..<(item + 1) * k, with: solved)
            }
            return Model(
                objective: objective, factors: k, userFactors: userFactors, itemFactors: grown,
                globalMean: globalMean, userBias: userBias, itemBias: grownBias,
                trainedUsers: trainedUsers, regularization: regularization, alpha: alpha,
                confidence: confidence, minRating: minRating, ratingRange: ratingRange,
                unfolded: unfolded)
        }

        /// One item's factors from its raters' fitted factors (the system ``normalEquations``
        /// gives, with PᵀP as `gram` for the implicit objective and no item bias), or nil when it
        /// is singular.
        private func solvedItemFactors(_ raters: [(user: UserIndex, rating: Float)], gram: [Double])
            -> [Float]?
        {
            let k = factors
            let observed = raters.map { ($0.user, $0.rating) }
            let (a, targets) = normalEquations(
                observed, of: userFactors, gram: gram,
                residual: { user, rating in rating - globalMean - userBias[user] })
            var b = [Double](repeating: 0, count: k)
            for ((user, _), target) in zip(observed, targets) {
                for d in 0..<k { b[d] += target * Double(userFactors[user * k + d]) }
            }
            return solveSymmetric(a, b, size: k)?.map(Float.init)
        }

        /// The explicit model's rating, clipped to the training ratings' range; a user with
        /// nothing fitted or folded in gets μ + b_i.
        public func predictRating(of item: ItemIndex, for query: Query) -> Double? {
            guard objective == .explicit, item >= 0, item < itemCount, !unfolded.contains(item)
            else { return nil }
            let raw =
                userVector(query).map { score(item, user: $0) }
                ?? Double(globalMean + itemBias[item])
            return min(max(raw, Double(ratingRange.lowerBound)), Double(ratingRange.upperBound))
        }

        public func unavailability(for query: Query) -> Unavailability? {
            if query.foldsIn {
                return fittingHistory(query).isEmpty ? .noHistory : nil
            }
            if query.user == nil { return .unknownUser }
            return fittedUser(query) == nil ? .userNotFitted : nil
        }

        /// The item's score as the global mean and biases (explicit) plus one term per fitted
        /// history item, plus the gap between the user's factors and that decomposition.
        ///
        /// A user's factors solve a least-squares problem over their history H:
        /// x_u = A⁻¹ Σ_{j∈H} t_j·q_j, so q_i·x_u = Σ_j t_j·(q_iᵀA⁻¹q_j) and each j's term is its
        /// contribution (as implicit's `explain`). Implicit: A = QᵀQ + Σ_j (c_j − 1) q_j q_jᵀ + λI,
        /// t_j = c_j, which ALS solves approximately (a few CG steps). Explicit: A = Σ_j q_j q_jᵀ +
        /// λ·|H|·I, t_j = r_uj − μ − b_u − b_j, the stationary point of SGD, which applies λ at each
        /// of the |H| visits, with the items and biases held fixed. The remainder term
        /// (a ``Remainder/fitApproximation`` remainder) is the difference, so the terms add up to the score; for
        /// a folded-in history, which is solved exactly, it is only rounding.
        public func explain(item: ItemIndex, for query: Query) -> Explanation {
            explain(items: [item], for: query)[0]
        }

        /// Each item's explanation, as ``explain(item:for:)`` gives it, with the user's system
        /// built and factored once for the whole list.
        ///
        /// - Complexity: O(history · factors² + factors³) once, then O(factors² + history ·
        ///   factors) per item.
        public func explain(items: [ItemIndex], for query: Query) -> [Explanation] {
            guard let user = userVector(query) else { return items.map { _ in .none } }
            let history = fittingHistory(query)
            let (a, targets) = system(history, userBias: user.bias)
            let factored = Cholesky(a, size: factors)
            return items.map { item in
                guard item >= 0, item < itemCount, !unfolded.contains(item) else { return .none }
                var terms: [Reason] = []
                var rest = score(item, user: user)
                if objective == .explicit {
                    terms = [
                        Reason(
                            .modelTerm, value: Double(globalMean), subject: .named("global-mean")),
                        Reason(.modelTerm, value: Double(user.bias), subject: .named("user-bias")),
                        Reason(
                            .modelTerm, value: Double(itemBias[item]), subject: .named("item-bias")),
                    ]
                    rest -= Double(globalMean + user.bias + itemBias[item])
                }
                let liked = historyTerms(
                    item: item, factored: factored, history: history, targets: targets
                ).map { Reason(.historyItem, value: $0.value, historyItem: $0.item) }
                rest -= liked.reduce(0) { $0 + $1.value }
                return Explanation(
                    terms: terms + liked.largestFirst() + [
                        Reason(.remainder, value: rest, subject: .remainder(.fitApproximation))
                    ])
            }
        }

        /// The least-squares system A and targets t of a user's factors over `history`; only
        /// A's lower triangle is kept current, which is all a Cholesky factorisation reads.
        private func system(_ history: [(item: Int, rating: Float)], userBias: Float)
            -> (a: [Double], targets: [Double])
        {
            normalEquations(
                history.map { ($0.item, $0.rating) }, of: itemFactors,
                gram: itemGram.map(Double.init),
                residual: { item, rating in rating - globalMean - userBias - itemBias[item] })
        }

        /// The least-squares system of one row's factors (a user's, or an item's) over the rows
        /// it was observed with in `rows` (items' factors, or users'): A = base + Σ_j w_j q_j q_jᵀ
        /// + ridge·I, with only A's lower triangle kept current (all a Cholesky factorisation
        /// reads), and the targets t_j. Implicit: base `gram` (QᵀQ), w_j = c_j − 1, t_j = c_j,
        /// ridge λ. Explicit: base 0, w_j = 1, t_j = `residual(j, r_j)`, ridge λ·|observed|.
        private func normalEquations(
            _ observed: [(Int, Float)], of rows: [Float], gram: @autoclosure () -> [Double],
            residual: (Int, Float) -> Float
        ) -> (a: [Double], targets: [Double]) {
            let k = factors
            var a = objective == .implicit ? gram() : [Double](repeating: 0, count: k * k)
            var targets: [Double] = []
            targets.reserveCapacity(observed.count)
            rows.withRows(width: k) { q in
                for (j, rating) in observed {
                    let weight: Double
                    if objective == .implicit {
                        let c = Double(1 + alpha * (confidence == .rating ? rating : 1))
                        weight = c - 1
                        targets.append(c)
                    } else {
                        weight = 1
                        targets.append(Double(residual(j, rating)))
                    }
                    let v = q[j]
                    for r in 0..<k {
                        let scaled = weight * Double(v[r])
                        for c in 0...r { a[r * k + c] += scaled * Double(v[c]) }
                    }
                }
            }
            let ridge =
                Double(regularization) * (objective == .implicit ? 1 : Double(observed.count))
            for d in 0..<k { a[d * k + d] += ridge }
            return (a, targets)
        }

        /// Each history item's term t_j·(q_iᵀA⁻¹q_j) of item i's score; none when A could not
        /// be factored.
        private func historyTerms(
            item: ItemIndex, factored: Cholesky?, history: [(item: Int, rating: Float)],
            targets: [Double]
        ) -> [(item: Int, value: Double)] {
            guard let factored else { return [] }
            let k = factors
            let w = factored.solve(itemFactors[item * k..<(item + 1) * k].map(Double.init))
            return zip(history, targets).map { entry, target in
                let dot = (0..<k).reduce(0.0) {
                    $0 + w[$1] * Double(itemFactors[entry.item * k + $1])
                }
                return (entry.item, target * dot)
            }
        }

        public static let formatVersion = 1

        public func write(to writer: inout ArtifactWriter) {
            writer.write(objective.rawValue)
            writer.write(confidence.rawValue)
            writer.write(factors)
            writer.write(Double(globalMean))
            writer.write(Double(regularization))
            writer.write(Double(alpha))
            writer.write(Double(minRating))
            writer.write(Double(ratingRange.lowerBound))
            writer.write(Double(ratingRange.upperBound))
            writer.write(userFactors)
            writer.write(itemFactors)
            writer.write(userBias)
            writer.write(itemBias)
            writer.write(trainedUsers)
        }

        public init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            let objectiveName = try reader.readString()
            let confidenceName = try reader.readString()
            guard let objective = Objective(rawValue: objectiveName),
                let confidence = Confidence(rawValue: confidenceName)
            else {
                throw ArtifactError(
                    .corrupt,
                    "matrix-factorization: unknown objective '\(objectiveName)' or confidence "
                        + "'\(confidenceName)'"
                )
            }
            let factors = try reader.readInt()
            guard (1...4096).contains(factors) else {
                throw ArtifactError(.corrupt, "matrix-factorization: \(factors) factors")
            }
            let globalMean = try reader.readFiniteFloat("matrix-factorization: the mean")
            let regularization = try reader.readFiniteFloat("matrix-factorization: λ")
            let alpha = try reader.readFiniteFloat("matrix-factorization: α")
            let minRating = try reader.readFiniteFloat("matrix-factorization: min-rating")
            let lowest = try reader.readFiniteFloat("matrix-factorization: the lowest rating")
            let highest = try reader.readFiniteFloat("matrix-factorization: the highest rating")
            let userFactors = try reader.readFiniteArray(
                of: Float.self, "matrix-factorization: user factors", magnitude: 1e6)
            let itemFactors = try reader.readFiniteArray(
                of: Float.self, "matrix-factorization: item factors", magnitude: 1e6)
            let userBias = try reader.readFiniteArray(
                of: Float.self, "matrix-factorization: user biases", magnitude: 1e6)
            let itemBias = try reader.readFiniteArray(
                of: Float.self, "matrix-factorization: item biases", magnitude: 1e6)
            let trainedUsers = try reader.readArray(of: UInt8.self)
            try reader.expectUsers(trainedUsers.count, "matrix-factorization")
            try reader.expectItems(itemFactors.count / factors, "matrix-factorization")
            let userValues = try reader.product(trainedUsers.count, factors, "matrix-factorization")
            let biasesFit =
                objective == .implicit
                ? userBias.isEmpty && itemBias.isEmpty
                : userBias.count == trainedUsers.count
                    && itemBias.count == itemFactors.count / factors
            guard lowest <= highest, userFactors.count == userValues,
                itemFactors.count % factors == 0,
                biasesFit, trainedUsers.allSatisfy({ $0 <= 1 })
            else {
                throw ArtifactError(
                    .corrupt, "matrix-factorization: factor tables do not match their sizes")
            }
            self.init(
                objective: objective, factors: factors, userFactors: userFactors,
                itemFactors: itemFactors,
                globalMean: globalMean, userBias: userBias, itemBias: itemBias,
                trainedUsers: trainedUsers,
                regularization: regularization, alpha: alpha, confidence: confidence,
                minRating: minRating,
                ratingRange: lowest...highest
            )
        }
    }
}
