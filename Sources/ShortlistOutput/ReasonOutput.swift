public import ShortlistCore
public import ShortlistPipeline

/// A reason as JSON: its kind, value, subject and liked item by external id and title.
public struct ReasonOutput: Encodable {
    public var kind: String
    public var value: Double
    public var subject: String?
    public var historyItem: String?
    public var historyTitle: String?

    public init(_ reason: Reason, _ pipeline: FittedPipeline) {
        kind = reason.kind.rawValue
        value = reason.value
        subject = reason.subject?.description
        historyItem = reason.historyItem.map { pipeline.dataset.itemIDs[$0] }
        historyTitle = reason.historyItem.map { pipeline.describe($0).title }
    }
}

/// A ranker's term as JSON: its name as the model gives it (its kind's words with its
/// subject), its value, the numbers it was made from and the stage it comes from.
public struct ContributionOutput: Encodable {
    public var name: String
    public var value: Double
    public var factors: [Factor]
    public var source: String?

    public init(_ contribution: Contribution, _ pipeline: FittedPipeline) {
        name = Words.name(of: contribution, in: pipeline.rankerVocabulary, detail: .full)
        value = contribution.value
        factors = contribution.factors
        source = contribution.source
    }
}

/// The arm that placed a bandit's item as JSON, with its propensity and the item's terms
/// inside an arm that is a ranker of its own.
public struct PlacementOutput: Encodable {
    public var arm: String
    public var propensity: Double
    public var contributions: [ContributionOutput]

    public init(_ placement: Placement, _ pipeline: FittedPipeline) {
        arm = placement.arm
        propensity = placement.propensity
        contributions = placement.contributions.map { ContributionOutput($0, pipeline) }
    }
}

/// A stage's explanation as JSON: at most ten terms (the rest folded into one remainder), so
/// the terms still add up to `total`, then the details.
public struct ExplanationOutput: Encodable {
    public var total: Double
    public var terms: [ReasonOutput]
    public var details: [ReasonOutput]

    public init(_ explanation: Explanation, _ pipeline: FittedPipeline) {
        let shown = explanation.keepingTop(10)
        total = shown.total
        terms = shown.terms.map { ReasonOutput($0, pipeline) }
        details = shown.details.map { ReasonOutput($0, pipeline) }
    }
}
