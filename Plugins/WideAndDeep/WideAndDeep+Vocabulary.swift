public import ShortlistCore

extension Contribution.Kind {
    /// The wide (linear) part of Wide & Deep's logit.
    static var widePart: Self { Self(rawValue: "wide-part") }
    /// The deep (perceptron) part of the logit.
    static var deepPart: Self { Self(rawValue: "deep-part") }
    /// One active wide feature's term (its subject names the feature).
    static var wideFeature: Self { Self(rawValue: "wide-feature") }
    /// The output bias.
    static var bias: Self { Self(rawValue: "bias") }
    /// The deep part at the reference input (the mean of the training inputs).
    static var deepReference: Self { Self(rawValue: "deep-reference") }
    /// A feature group's share of the deep part's change from the reference (DeepLIFT).
    static var deepGroup: Self { Self(rawValue: "deep-group") }
}

extension WideAndDeep {
    /// The words of its contributions (a feature's and a group's subjects read as named); its
    /// score is a logit, read as the probability that the user likes the item.
    public static var vocabulary: Vocabulary {
        Vocabulary(
            contributions: [
                .widePart: .init("wide part"), .deepPart: .init("deep part"),
                .wideFeature: .init("wide: {}"), .bias: .init("bias"),
                .deepReference: .init(
                    "deep part at the mean input (DeepLIFT rescale)",
                    plain: "deep part for an average candidate"),
                .deepGroup: .init("deep: {}"),
            ], scale: .logit)
    }
}
