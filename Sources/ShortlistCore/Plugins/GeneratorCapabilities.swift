/// What a candidate generator's model can do besides nominating items.
public struct GeneratorCapabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// It lists the items most like a given item (`shortlist similar`).
    public static let similarItems = GeneratorCapabilities(rawValue: 1)
    /// It predicts explicit ratings (evaluation reports its RMSE and MAE).
    public static let ratingPrediction = GeneratorCapabilities(rawValue: 2)
}
