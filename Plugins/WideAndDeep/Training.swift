import Dispatch
import Foundation
import ShortlistCore

/// One shard's share of a mini-batch's gradients; each shard is written by one thread only.
final class Shard: @unchecked Sendable {
    var perceptron: [Float]
    var embeddings: SparseGradients
    var wide: SparseGradients
    var loss = 0.0

    init(parameterCount: Int, embeddingRows: Int, embeddingSize: Int, wideCount: Int) {
        perceptron = [Float](repeating: 0, count: parameterCount)
        embeddings = SparseGradients(rows: embeddingRows, width: embeddingSize)
        wide = SparseGradients(rows: wideCount, width: 1)
    }

    func reset() {
        perceptron.withMutableRow { $0.fill(0) }
        embeddings.clear()
        wide.clear()
        loss = 0
    }

    /// Adds another shard's sums.
    func add(_ other: Shard) {
        for i in perceptron.indices { perceptron[i] += other.perceptron[i] }
        embeddings.add(other.embeddings)
        wide.add(other.wide)
        loss += other.loss
    }
}

/// One labelled example: a pooled entry of a training pool.
struct Example: Sendable {
    var pool: Int32
    var entry: Int32
    var label: Bool
}

/// Trains a ``WideAndDeep/Model`` on labelled pools.
struct Trainer {
    static let shardCount = 4

    let params: WideAndDeep.Params
    let space: FeatureSpace
    let pools: [LabelledPool]
    let seed: UInt64

    /// Trains, logging each epoch's training loss and the validation users' loss and NDCG@10.
    func train(progress: ProgressReporter, log: (String) -> Void) throws
        -> WideAndDeep.Model
    {
        var random = SeededGenerator(seed: seed)
        let order = Array(pools.indices).shuffled(using: &random)
        let validationCount =
            pools.count >= 2
            ? min(pools.count - 1, max(1, Int((Double(pools.count) * params.validation).rounded())))
            : 0
        let validation = Array(order.prefix(validationCount)).sorted()
        let trainingPools = Array(order.dropFirst(validationCount)).sorted()
        let inputs = concurrentMap(pools.count) {
            space.inputs(pools[$0].pool, for: pools[$0].query)
        }
        let labels = pools.map(\.labels)
        // Validation ranks epochs only if some validation pool holds a positive.
        let canValidate = validation.contains { labels[$0].contains(true) }
        let scaling = standardisation(inputs, trainingPools)

        let e = params.embeddingSize
        let widths = [6 * e + space.denseCount] + params.hidden + [1]
        var network = Perceptron(widths: widths, activation: params.activation, random: &random)
        var perceptron = EmbeddingTable(
            values: network.parameters, rows: 1, dimensions: network.parameters.count,
            optimizer: params.optimizer, learningRate: params.learningRate)
        var embeddings = EmbeddingTable(
            rows: space.embeddingRows, dimensions: e, std: 0.05, optimizer: params.optimizer,
            learningRate: params.learningRate, random: &random)
        var ftrl = FTRL(
            count: space.wideCount, alpha: params.ftrlAlpha, beta: params.ftrlBeta, l1: params.l1,
            l2: params.l2)

        var examples: [Example] = []
        for pool in trainingPools {
            for (entry, label) in labels[pool].enumerated() {
                examples.append(Example(pool: Int32(pool), entry: Int32(entry), label: label))
            }
        }
        let positives = examples.filter(\.label).count
        log(
            "\(examples.count) training examples (\(positives) positive) from "
                + "\(trainingPools.count) users' pools; \(validation.count) users' pools kept "
                + "for validation")
        let workers =
            params.threads == 0
            ? Cores.available
            : params.threads
        let shards = (0..<Self.shardCount).map { _ in
            Shard(
                parameterCount: network.parameters.count, embeddingRows: space.embeddingRows,
                embeddingSize: e, wideCount: space.wideCount)
        }
        var best: (ndcg: Double, epoch: Int, model: WideAndDeep.Model)?
        for epoch in 1...params.epochs {
            var epochRandom = SeededGenerator(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
            let kept = examples.filter {
                $0.label || params.negatives >= 1
                    || Double.random(in: 0..<1, using: &epochRandom) < params.negatives
            }.shuffled(using: &epochRandom)
            var lossSum = 0.0
            var start = 0
            while start < kept.count {
                let batch = kept[start..<min(kept.count, start + params.batchSize)]
                let batchStart = start
                start += params.batchSize
                let snapshot = WideAndDeep.Model(
                    space: space, wide: ftrl.weights, embeddings: embeddings.values,
                    embeddingSize: e, hasDeepPart: params.deep, network: network, scaling: scaling,
                    reference: [])
                let scale = 1 / Float(batch.count)
                let run: @Sendable (Int) -> Void = { shardIndex in
                    let shard = shards[shardIndex]
                    shard.reset()
                    let lower = batch.startIndex + batch.count * shardIndex / Self.shardCount
                    let upper = batch.startIndex + batch.count * (shardIndex + 1) / Self.shardCount
                    Self.accumulate(
                        batch[lower..<upper], firstIndex: batchStart + lower - batch.startIndex,
                        epoch: epoch, snapshot: snapshot, inputs: inputs, scale: scale,
                        dropout: Float(self.params.dropout), seed: self.seed, into: shard)
                }
                if workers <= 1 {
                    for shard in 0..<Self.shardCount { run(shard) }
                } else {
                    let threads = min(workers, Self.shardCount)
                    DispatchQueue.concurrentPerform(iterations: threads) { worker in
                        for shard in stride(from: worker, to: Self.shardCount, by: threads) {
                            run(shard)
                        }
                    }
                }
                for shard in shards.dropFirst() { shards[0].add(shard) }
                let total = shards[0]
                lossSum += total.loss
                perceptron.advance()
                perceptron.update(row: 0, gradient: total.perceptron)
                network.parameters = perceptron.values
                embeddings.advance()
                var row = [Float](repeating: 0, count: e)
                for touched in total.embeddings.touched {
                    for f in 0..<e { row[f] = Float(total.embeddings.values[touched * e + f]) }
                    embeddings.update(row: touched, gradient: row)
                }
                for feature in total.wide.touched {
                    ftrl.update(feature, total.wide.values[feature])
                }
            }
            let model = WideAndDeep.Model(
                space: space, wide: ftrl.weights, embeddings: embeddings.values, embeddingSize: e,
                hasDeepPart: params.deep, network: network, scaling: scaling,
                reference: [])
            let training =
                "epoch \(epoch)/\(params.epochs): training loss "
                + "\(String(format: "%.4f", lossSum / Double(max(kept.count, 1)))) on "
                + "\(kept.count) examples kept"
            progress.report("training", done: epoch, total: params.epochs)
            guard canValidate else {
                log(training)
                best = (0, epoch, model)
                continue
            }
            let (validationLoss, ndcg) = Self.validate(model, validation, pools, inputs)
            log(
                training + ", validation loss \(String(format: "%.4f", validationLoss)), "
                    + "validation NDCG@10 \(String(format: "%.4f", ndcg))")
            if best.map({ ndcg > $0.ndcg }) ?? true { best = (ndcg, epoch, model) }
        }
        guard let chosen = best else {
            throw ParameterError(keyPath: ["epochs"], message: "no epoch was trained")
        }
        if params.epochs > 1, canValidate {
            log(
                "kept epoch \(chosen.epoch), the best validation NDCG@10 "
                    + String(format: "%.4f", chosen.ndcg))
        } else if params.epochs > 1 {
            log(
                (validation.isEmpty
                    ? "there is no validation set (\(pools.count) user's pool in all)"
                    : "the \(validation.count) users' pools kept for validation hold no positive")
                    + ", so no epoch can be chosen by validation: kept the last, epoch "
                    + "\(chosen.epoch)")
        }
        let model = chosen.model
        guard
            model.wide.allSatisfy({ abs($0) <= inputBound }),
            model.embeddings.allSatisfy({ abs($0) <= inputBound }),
            model.network.parameters.allSatisfy({ abs($0) <= inputBound })
        else {
            throw ParameterError(
                keyPath: ["learning-rate"],
                message: "training diverged (a weight grew past \(plainNumber(Double(inputBound)))"
                    + " or stopped being a number); lower 'learning-rate' or 'ftrl-alpha'")
        }
        return WideAndDeep.Model(
            space: space, wide: model.wide, embeddings: model.embeddings, embeddingSize: e,
            hasDeepPart: params.deep, network: model.network, scaling: scaling,
            reference: Self.meanInput(model, trainingPools, inputs))
    }

    /// Each dense feature's mean and standard deviation (1 where it is below 1e-6) over the
    /// training pools' entries, and the range of its standardised values there.
    private func standardisation(_ inputs: [FeatureSpace.Inputs], _ poolIndices: [Int]) -> Scaling {
        let width = space.denseCount
        var sum = [Double](repeating: 0, count: width)
        var squares = sum
        var low = [Float](repeating: .infinity, count: width)
        var high = [Float](repeating: -.infinity, count: width)
        var count = 0.0
        for pool in poolIndices {
            let dense = inputs[pool].dense
            for (index, value) in dense.enumerated() {
                sum[index % width] += Double(value)
                squares[index % width] += Double(value) * Double(value)
                low[index % width] = min(low[index % width], value)
                high[index % width] = max(high[index % width], value)
            }
            count += Double(dense.count / max(width, 1))
        }
        let mean = sum.map { $0 / max(count, 1) }
        let deviation = zip(squares, mean).map { square, mean -> Float in
            let variance = square / max(count, 1) - mean * mean
            let value = Float(max(variance, 0).squareRoot())
            return value < 1e-6 ? 1 : value
        }
        let standardised = { (value: Float, d: Int) -> Float in
            guard value.isFinite else { return 0 }
            return min(max((value - Float(mean[d])) / deviation[d], -inputBound), inputBound)
        }
        return Scaling(
            mean: mean.map(Float.init), deviation: deviation,
            low: (0..<width).map { standardised(low[$0], $0) },
            high: (0..<width).map { standardised(high[$0], $0) })
    }

    /// Adds the gradients of a slice of examples (logistic loss, mean over the batch for the
    /// deep part, summed for FTRL) to a shard.
    static func accumulate(
        _ examples: ArraySlice<Example>, firstIndex: Int, epoch: Int,
        snapshot: WideAndDeep.Model, inputs: [FeatureSpace.Inputs], scale: Float, dropout: Float,
        seed: UInt64, into shard: Shard
    ) {
        let network = snapshot.network
        let e = snapshot.embeddingSize
        let width = snapshot.space.denseCount
        var scratch = Perceptron.Scratch(network.widths)
        var x = [Float](repeating: 0, count: snapshot.inputWidth)
        let units = scratch.units
        var mask = [Float](repeating: 1, count: units.last!)
        for (offset, example) in examples.enumerated() {
            let input = inputs[Int(example.pool)]
            let entry = Int(example.entry)
            let wide = x.withMutableRow { snapshot.prepare(input, entry, into: $0) }
            if dropout > 0 {
                var random = SeededGenerator(
                    seed: seed ^ (UInt64(epoch) << 40) ^ UInt64(firstIndex + offset))
                for unit in units[1]..<units[network.depth] {
                    mask[unit] =
                        Float.random(in: 0..<1, using: &random) < dropout ? 0 : 1 / (1 - dropout)
                }
            }
            let deep =
                snapshot.hasDeepPart
                ? x.withRow { network.forward($0, &scratch, mask: dropout > 0 ? mask : nil) }
                : network.outputBias
            let logit = Double(wide) + Double(deep)
            let probability = 1 / (1 + exp(-logit))
            let label = example.label ? 1.0 : 0.0
            shard.loss -=
                label * log(max(probability, 1e-12))
                + (1 - label) * log(max(1 - probability, 1e-12))
            let g = probability - label
            for d in 0..<width { shard.wide.add(d, 0, g * Double(x[6 * e + d])) }
            for feature in input.wide[entry] { shard.wide.add(Int(feature), 0, g) }
            guard snapshot.hasDeepPart else {
                shard.perceptron[shard.perceptron.count - 1] += Float(g) * scale
                continue
            }
            shard.perceptron.withMutableRow {
                network.backward(
                    Float(g) * scale, &scratch, into: $0, mask: dropout > 0 ? mask : nil)
            }
            for slot in 0..<5 {
                let row = Int(input.rows[entry * 5 + slot])
                for f in 0..<e {
                    shard.embeddings.add(row, f, Double(scratch.inputGradient(slot * e + f)))
                }
            }
            let genres = input.genreRows[entry]
            let share = 1 / Double(genres.count)
            for row in genres {
                for f in 0..<e {
                    shard.embeddings.add(
                        Int(row), f, share * Double(scratch.inputGradient(5 * e + f)))
                }
            }
        }
    }

    /// The mean logistic loss over every entry of the validation pools, and their mean NDCG@10.
    private static func validate(
        _ model: WideAndDeep.Model, _ validation: [Int], _ pools: [LabelledPool],
        _ inputs: [FeatureSpace.Inputs]
    ) -> (loss: Double, ndcg: Double) {
        guard !validation.isEmpty else { return (0, 0) }
        let results = concurrentMap(validation.count) { index -> (Double, Int, Double) in
            let pool = pools[validation[index]]
            let input = inputs[validation[index]]
            var scratch = Perceptron.Scratch(model.network.widths)
            var x = [Float](repeating: 0, count: model.inputWidth)
            var loss = 0.0
            var top = TopK(k: 10)
            for (entry, label) in pool.labels.enumerated() {
                let parts = model.logit(input, entry, &x, &scratch)
                let logit = Double(parts.wide) + Double(parts.deep)
                let probability = 1 / (1 + exp(-logit))
                loss -= log(max(label ? probability : 1 - probability, 1e-12))
                top.insert(pool.pool.entries[entry].item, score: logit)
            }
            let ndcg = RankingScores(
                recommended: top.sorted().map(\.item), relevant: Set(pool.positives), k: 10
            ).ndcg
            return (loss, pool.pool.count, ndcg)
        }
        let loss = results.reduce(0) { $0 + $1.0 } / Double(max(results.reduce(0) { $0 + $1.1 }, 1))
        return (loss, results.reduce(0) { $0 + $1.2 } / Double(results.count))
    }

    /// The perceptron's mean input over the training pools' entries.
    private static func meanInput(
        _ model: WideAndDeep.Model, _ poolIndices: [Int], _ inputs: [FeatureSpace.Inputs]
    ) -> [Float] {
        var sum = [Double](repeating: 0, count: model.inputWidth)
        var count = 0.0
        var x = [Float](repeating: 0, count: model.inputWidth)
        for pool in poolIndices {
            for entry in 0..<inputs[pool].rows.count / 5 {
                x.withMutableRow { _ = model.prepare(inputs[pool], entry, into: $0) }
                for i in x.indices { sum[i] += Double(x[i]) }
                count += 1
            }
        }
        return sum.map { Float($0 / max(count, 1)) }
    }
}
