import Foundation
import ShortlistCore

extension MatrixFactorization {
    /// SGD on squared error over the ratings, one pass per epoch. By default the pass visits
    /// each user's ratings together in a fixed order, which gave a lower validation RMSE on
    /// MovieLens-100K than a fresh shuffle per epoch (0.9460 against 0.9506).
    ///
    /// With `strata` S above 1 the pass is stratified so that the cores share it with a result
    /// that does not depend on how many there are: users and items each fall in one of S
    /// blocks of consecutive indexes, and the pass takes the ratings in S rounds, round `s`
    /// those of user block `a` and item block `(a + s) mod S` for every `a` — blocks that share
    /// no user and no item, updated side by side, each in the pass's order (a block's item
    /// rows, a share of the table close together in memory, also stay in cache). The order
    /// differs from one pass, and so does the fit: the `ratings` pipeline with S = 8 on
    /// MovieLens-100K predicted a per-user temporal split worse (RMSE 0.9668–0.9681 against
    /// 0.9620–0.9634, seeds 1–5) and seeded random 80/20 splits better (0.9118–0.9261 against
    /// 0.9192–0.9303), so one pass stays the default.
    ///
    /// - Throws: a ``ParameterError`` at `learning-rate` when the error stops being finite.
    func fitExplicit(_ dataset: Dataset, progress: ProgressReporter) throws -> Model {
        let k = params.factors
        let (users, items, ratings) = observed(dataset)
        let mean = ratings.isEmpty ? 0 : ratings.reduce(0, +) / Float(ratings.count)
        var random = SeededGenerator(seed: seed)
        var userFactors = random.normals(count: dataset.userCount * k, std: initStd)
        var itemFactors = random.normals(count: dataset.itemCount * k, std: initStd)
        var userBias = [Float](repeating: 0, count: dataset.userCount)
        var itemBias = [Float](repeating: 0, count: dataset.itemCount)
        var order = (0..<ratings.count).map { Int32($0) }
        let rate = Float(params.learningRate)
        let lambda = Float(regularization)
        let strata = params.strata
        let threads = params.threads > 0 ? params.threads : Cores.available
        var clock = StepClock()
        var blocks: [[Int32]] = []
        for epoch in 0..<epochs {
            if params.order == .shuffled { order.shuffle(using: &random) }
            if epoch == 0 || params.order == .shuffled {
                blocks = [[Int32]](repeating: [], count: strata * strata)
                let (userCount, itemCount) = (max(dataset.userCount, 1), max(dataset.itemCount, 1))
                for index in order {
                    let n = Int(index)
                    let userBlock = Int(users[n]) * strata / userCount
                    blocks[userBlock * strata + Int(items[n]) * strata / itemCount].append(index)
                }
            }
            var squaredError: Float = 0
            userFactors.withMutableRows(width: k) { p in
                itemFactors.withMutableRows(width: k) { q in
                    userBias.withMutableRow { bu in
                        itemBias.withMutableRow { bi in
                            let blocks = blocks
                            for round in 0..<strata {
                                let errors = concurrentMap(strata, threads: threads, chunk: 1) {
                                    a -> Float in
                                    var squared: Float = 0
                                    for index in blocks[a * strata + (a + round) % strata] {
                                        let n = Int(index)
                                        let u = Int(users[n])
                                        let i = Int(items[n])
                                        let error =
                                            ratings[n]
                                            - (mean + bu[u] + bi[i]
                                                + Vector.dot(p[u].reading, q[i].reading))
                                        squared += error * error
                                        bu[u] += rate * (error - lambda * bu[u])
                                        bi[i] += rate * (error - lambda * bi[i])
                                        Vector.sgdStep(
                                            p[u], q[i], error: error, rate: rate, lambda: lambda)
                                    }
                                    return squared
                                }
                                for error in errors { squaredError += error }
                            }
                        }
                    }
                }
            }
            let rmse = (Double(squaredError) / Double(max(ratings.count, 1))).squareRoot()
            guard rmse.isFinite, isFinite(userFactors, itemFactors, userBias, itemBias) else {
                throw ParameterError(
                    keyPath: ["learning-rate"],
                    message: "matrix factorisation diverged in epoch \(epoch + 1): the "
                        + "training error "
                        + "is no longer finite; lower 'learning-rate' (it is "
                        + "\(plainNumber(params.learningRate)))")
            }
            progress.report(
                "epoch, training RMSE \(String(format: "%.4f", rmse)), "
                    + "\(clock.rate(dataset.interactionCount)) ratings", done: epoch + 1,
                total: epochs)
        }
        return Model(
            objective: .explicit, factors: k, userFactors: userFactors, itemFactors: itemFactors,
            globalMean: mean, userBias: userBias, itemBias: itemBias,
            trainedUsers: trainedUsers(users, count: dataset.userCount),
            regularization: lambda, alpha: Float(params.alpha), confidence: params.confidence,
            minRating: Float(params.minRating),
            ratingRange: (ratings.min() ?? 0)...(ratings.max() ?? 0)
        )
    }

    /// Alternating least squares: all users given the items, then all items given the users;
    /// from random factors over `epochs` sweeps, or over `warm-epochs` from those of `start`
    /// when it is an implicit model of as many factors (its rows placed at the rows of the same
    /// ids; rows it does not have start random).
    ///
    /// - Throws: a ``ParameterError`` at `alpha` when the loss stops being finite.
    func fitImplicit(_ dataset: Dataset, from start: WarmStart?, progress: ProgressReporter)
        throws -> Model
    {
        let k = params.factors
        let byUser = ConfidenceRows(dataset.byUser, params: params)
        let byItem = ConfidenceRows(dataset.byItem, params: params)
        var random = SeededGenerator(seed: seed)
        var userFactors = random.normals(count: dataset.userCount * k, std: initStd)
        var itemFactors = random.normals(count: dataset.itemCount * k, std: initStd)
        let warm = start.flatMap { start -> Model? in
            guard let model = start.model as? Model, model.objective == .implicit,
                model.factors == k
            else { return nil }
            copyRows(
                model.userFactors, of: start.dataset.userIDs, to: &userFactors, k: k,
                at: dataset.user)
            copyRows(
                model.itemFactors, of: start.dataset.itemIDs, to: &itemFactors, k: k,
                at: dataset.item)
            return model
        }
        let sweeps = warm == nil ? epochs : params.warmEpochs
        let solver = ConjugateGradient(
            factors: k, regularization: Float(regularization), steps: params.cgSteps,
            threads: params.threads)
        var clock = StepClock()
        for sweep in 0..<sweeps {
            _ = solver.solve(&userFactors, given: itemFactors, rows: byUser, measuring: false)
            let error = solver.solve(
                &itemFactors, given: userFactors, rows: byItem, measuring: true)
            let loss =
                (error + solver.penalty(userFactors, itemFactors))
                / Double(max(byUser.columns.count, 1))
            guard loss.isFinite, isFinite(userFactors, itemFactors) else {
                throw ParameterError(
                    keyPath: ["alpha"],
                    message: "ALS diverged in sweep \(sweep + 1): the loss is no longer "
                        + "finite; lower "
                        + "'alpha' or raise 'regularization'")
            }
            progress.report(
                (warm == nil ? "ALS sweep" : "ALS sweep from the factors before the refresh")
                    + ", loss per interaction \(String(format: "%.4f", loss)), "
                    + "\(clock.rate(dataset.interactionCount)) interactions", done: sweep + 1,
                total: sweeps)
        }
        var trained = [UInt8](repeating: 0, count: dataset.userCount)
        for user in 0..<dataset.userCount where byUser.offsets[user + 1] > byUser.offsets[user] {
            trained[user] = 1
        }
        return Model(
            objective: .implicit, factors: k, userFactors: userFactors, itemFactors: itemFactors,
            globalMean: 0, userBias: [], itemBias: [], trainedUsers: trained,
            regularization: Float(regularization), alpha: Float(params.alpha),
            confidence: params.confidence, minRating: Float(params.minRating),
            ratingRange: 0...0
        )
    }

    /// The interactions used for fitting: those rated at least `min-rating`.
    private func observed(_ dataset: Dataset) -> (users: [Int32], items: [Int32], ratings: [Float])
    {
        var users: [Int32] = []
        var items: [Int32] = []
        var ratings: [Float] = []
        let floor = Float(params.minRating)
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) where dataset.byUser.ratings[entry] >= floor
            {
                users.append(Int32(user))
                items.append(dataset.byUser.columns[entry])
                ratings.append(dataset.byUser.ratings[entry])
            }
        }
        return (users, items, ratings)
    }

    /// Copies each row of `k` values of `source` (the row of `ids[row]`) to the row of
    /// `target` that `place` gives the same id, if any.
    private func copyRows(
        _ source: [Float], of ids: [String], to target: inout [Float], k: Int,
        at place: (String) -> Int?
    ) {
        for (old, id) in ids.prefix(source.count / k).enumerated() {
            guard let new = place(id) else { continue }
            target.replaceSubrange(new * k..<(new + 1) * k, with: source[old * k..<(old + 1) * k])
        }
    }

    private func trainedUsers(_ users: [Int32], count: Int) -> [UInt8] {
        var trained = [UInt8](repeating: 0, count: count)
        for user in users { trained[Int(user)] = 1 }
        return trained
    }
}

/// Whether every value of every array is finite.
private func isFinite(_ arrays: [Float]...) -> Bool {
    arrays.allSatisfy { $0.allSatisfy(\.isFinite) }
}
