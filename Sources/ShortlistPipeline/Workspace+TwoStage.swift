import Foundation
import ShortlistConfig
public import ShortlistCore

extension Workspace {
    /// The labelled pools a learned ranker trains on, made the two-stage way (Covington et al.
    /// 2016): the latest `training.holdout` of each user's interactions is held out, every
    /// candidate stage is fitted on the rest (artifacts cached like any fit), the pipeline's own
    /// request path runs for each user with a held-out positive, and each pool is labelled by
    /// those positives. No generator that produced a pool saw its labels.
    ///
    /// - Returns: the pools, and the data their generators were fitted on.
    /// - Complexity: one fit of every generator on the reduced data and one request per user.
    public func labelledPools(
        for spec: PipelineSpec, dataset: Dataset, training: TwoStageTraining, reuse: Bool
    ) throws -> (pools: [LabelledPool], dataset: Dataset) {
        let split = try holdout(dataset, training)
        let inner = split.train
        var stages: [FittedPipeline.Stage] = []
        for (stage, artifact) in zip(spec.generators, beforeHoldout(spec, on: inner)) {
            let generator = stage.generator
            let (model, _) = try cached(
                stage.name, generator, id: artifact.id, beforeHoldout: true,
                input: { TrainingData(dataset: inner) }, reuse: reuse,
                shape: ArtifactReader.Shape(items: inner.itemCount, users: inner.userCount),
                locate: stage.locate)
            stages.append(
                FittedPipeline.Stage(
                    name: stage.name, type: generator.type, limit: stage.limit, model: model,
                    capabilities: generator.capabilities))
        }
        let pipeline = FittedPipeline(
            name: spec.name, resultCount: 1, dataset: inner, stages: stages,
            rankerType: "pool order",
            ranker: PoolOrder(), filters: try spec.filters.resolved(for: spec.name, in: inner))
        let eligible = (0..<inner.userCount).compactMap {
            user -> (UserIndex, [ItemIndex], Int64)? in
            let held = split.test[user]
            let positives = held.filter {
                !dataset.hasRatings || Double($0.rating) >= training.positiveRating
            }
            guard let boundary = held.map(\.timestamp).min(), !positives.isEmpty else { return nil }
            return (user, Set(positives.map(\.item)).sorted(), boundary)
        }
        let labelled = sample(eligible, count: training.users)
        // The stages nominate for 2,048 users at a time: a factor model reads its item table
        // once per group of users, and only one batch's lists are held besides the pools.
        var pools: [LabelledPool] = []
        pools.reserveCapacity(labelled.count)
        for start in stride(from: 0, to: labelled.count, by: 2048) {
            let batch = labelled[start..<min(labelled.count, start + 2048)]
            let nominated = pipeline.nominateAll(
                batch.map { Request(userID: inner.userIDs[$0.0], n: 1, time: $0.2) })
            for ((_, positives, boundary), (query, pool)) in zip(batch, nominated) {
                pools.append(
                    LabelledPool(query: query, pool: pool, positives: positives, asOf: boundary))
            }
        }
        let pooled = pools.reduce(0) { $0 + $1.pool.count }
        let positives = pools.reduce(0) { $0 + $1.labels.filter { $0 }.count }
        report(
            .labelledPools(
                pipeline: spec.name, heldOut: split.testCount, holdout: training.holdout,
                latest: dataset.hasTimestamps, pools: pools.count, eligible: eligible.count,
                candidates: pooled, positives: positives))
        return (pools, inner)
    }
}

extension Workspace {
    /// `count` of `users`, drawn with the file's seed and kept in their order, or all of them
    /// when there are no more.
    func sample<User>(_ users: [User], count: Int) -> [User] {
        guard users.count > count else { return users }
        var random = SeededGenerator(seed: file.seed)
        var chosen = Array(users.indices)
        chosen.shuffle(using: &random)
        return chosen.prefix(max(count, 0)).sorted().map { users[$0] }
    }

    /// The split a learned ranker trains on: each user's latest `training.holdout` held out
    /// (without timestamps no share is the latest, so a draw seeded by the file's seed).
    func holdout(_ dataset: Dataset, _ training: TwoStageTraining) throws -> Split {
        try Split(
            dataset,
            dataset.hasTimestamps
                ? .temporal(training.holdout) : .random(training.holdout, seed: file.seed))
    }
}

/// Leaves the pool in the order it was merged: two-stage training needs the pool, not an order.
private struct PoolOrder: RankerModel {
    func rank(_ pool: CandidatePool, for query: Query) -> [Ranked] {
        pool.entries.map { Ranked(item: $0.item, score: 0, contributions: []) }
    }

    static let formatVersion = 1
    func write(to writer: inout ArtifactWriter) {}
    init() {}
    init(reading reader: inout ArtifactReader) throws(ArtifactError) {}
}
