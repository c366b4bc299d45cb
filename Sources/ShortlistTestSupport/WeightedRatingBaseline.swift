import ShortlistCore

/// The popularity baseline that learning tests compare against.
public enum WeightedRatingBaseline {
    /// ``PlantedClusters/inClusterShare(_:)`` of the `weighted-rating` generator with its defaults.
    public static func inClusterShare(_ planted: PlantedClusters) throws -> Double {
        planted.inClusterShare(
            try buildGenerator("weighted-rating", json: "{}").fit(
                TrainingData(dataset: planted.dataset), progress: .silent))
    }
}
