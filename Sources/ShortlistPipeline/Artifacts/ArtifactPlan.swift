public import ShortlistConfig
public import ShortlistCore
public import ShortlistData

/// What preparing one pipeline loads or fits, in the order it does: each candidate stage,
/// each ranker arm's ranker, then the ranker — and, in a plan made with its holdouts, the
/// candidate stages a learned ranker fits before its holdout, just before that ranker.
/// ``Workspace/plan(_:on:withHoldouts:)`` makes it; ``Workspace/prepare(pipeline:dataset:reuseArtifacts:)``
/// executes it; `artifacts list`, `validate` and the server print it.
public struct ArtifactPlan: Sendable, Equatable {
    /// The data a fit reads.
    public enum Input: Sendable, Equatable {
        /// The whole dataset.
        case allData
        /// The dataset without the share of each user's interactions that a learned ranker
        /// holds out to label its pools (``TwoStageTraining``).
        case beforeHoldout
    }

    /// What an artifact is to the pipeline.
    public enum Role: Sendable, Equatable {
        /// The candidate stage at this index of the pipeline's.
        case generator(Int)
        /// The candidate stage at this index, fitted before a learned ranker's holdout.
        case beforeHoldout(Int)
        /// The ranker of the ranker arm at this index of the bandit's arms.
        case armRanker(Int)
        /// The pipeline's ranker.
        case ranker
    }

    /// One artifact of the plan.
    public struct Artifact: Sendable, Equatable {
        /// The stage as logs and lists name it: `als`, `als before the holdout`, `ranker`,
        /// `ranker of arm NAME`.
        public var stage: String
        public var role: Role
        public var id: ArtifactID
        public var input: Input
        /// The artifacts whose keys are part of this one's (a ranker's candidate stages and
        /// arms' rankers), besides the settings and the data.
        public var upstream: [ArtifactID]
    }

    /// The pipeline.
    public var pipeline: String
    /// The artifacts before the ranker's, in the order preparing the pipeline meets them.
    public var stages: [Artifact]
    /// The ranker's artifact, the last.
    public var ranker: Artifact

    /// Every artifact, in the order preparing the pipeline meets them.
    public var artifacts: [Artifact] { stages + [ranker] }
}

extension Workspace {
    /// The artifacts preparing `spec` on `dataset` loads or fits. With `withHoldouts`, also
    /// what each learned ranker fits before its holdout, which needs the holdout split made
    /// (one per learned ranker); preparing makes it only when the ranker is fitted.
    public func plan(_ spec: PipelineSpec, on dataset: Dataset, withHoldouts: Bool = false)
        throws -> ArtifactPlan
    {
        var artifacts = spec.generators.enumerated().map { index, stage in
            ArtifactPlan.Artifact(
                stage: stage.name, role: .generator(index),
                id: Self.id(of: stage.generator, on: dataset), input: .allData, upstream: [])
        }
        let generators = artifacts.map(\.id)
        let upstream = Self.rankerUpstream(spec, generatorKeys: generators.map(\.key))
        var armRankers: [ArtifactID] = []
        func ranker(
            _ stage: RankerStage, role: ArtifactPlan.Role, label: String, after: [ArtifactID]
        )
            throws
        {
            if withHoldouts, let training = stage.ranker.twoStage {
                artifacts += beforeHoldout(spec, on: try holdout(dataset, training).train)
            }
            let id = Self.id(of: stage.ranker, on: dataset, upstream: upstream + after.map(\.key))
            artifacts.append(
                ArtifactPlan.Artifact(
                    stage: label, role: role, id: id, input: .allData,
                    upstream: generators + after))
            if case .armRanker = role { armRankers.append(id) }
        }
        for (index, arm) in spec.ranker.armRankers.sorted(by: { $0.key < $1.key }) {
            try ranker(
                arm, role: .armRanker(index), label: "ranker of arm \(spec.ranker.arms[index])",
                after: [])
        }
        try ranker(spec.ranker, role: .ranker, label: "ranker", after: armRankers)
        let last = artifacts.removeLast()
        return ArtifactPlan(pipeline: spec.name, stages: artifacts, ranker: last)
    }

    /// The candidate stages of `spec` fitted on `inner`, a learned ranker's data before its
    /// holdout.
    func beforeHoldout(_ spec: PipelineSpec, on inner: Dataset) -> [ArtifactPlan.Artifact] {
        spec.generators.enumerated().map { index, stage in
            ArtifactPlan.Artifact(
                stage: "\(stage.name) before the holdout", role: .beforeHoldout(index),
                id: Self.id(of: stage.generator, on: inner), input: .beforeHoldout, upstream: [])
        }
    }

    /// The artifact of a stage fitted on `dataset`, after the stages whose keys are
    /// `upstream`.
    static func id<Input, Model>(
        of stage: FittableStage<Input, Model>, on dataset: Dataset, upstream: [String] = []
    ) -> ArtifactID {
        ArtifactID(
            type: stage.type,
            key: ArtifactStore.key(
                type: stage.type, configuration: stage.configuration,
                formatVersion: stage.formatVersion, dataset: dataset.fingerprint,
                upstream: upstream))
    }

    /// What a ranker's fit depends on besides its own settings and the data: each candidate
    /// stage's name, key and limit, and the filters, which together shape the pools a learned
    /// ranker trains on.
    static func rankerUpstream(_ spec: PipelineSpec, generatorKeys: [String]) -> [String] {
        let filters = spec.filters
        return zip(spec.generators, generatorKeys).map { "\($0.name) \($1) \($0.limit)" } + [
            "exclude-seen \(filters.excludeSeen)", "exclude \(filters.excludedItems)",
            "min-interactions \(filters.minInteractions)",
        ]
    }
}
