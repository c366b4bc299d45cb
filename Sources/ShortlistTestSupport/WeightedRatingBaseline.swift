import ShortlistCore

/// The popularity baseline that learning tests compare against.
public enum WeightedRatingBaseline {
    /// The share of each user's top 5 unseen items that lie in the user's planted cluster,
    /// for the `weighted-rating` generator with its defaults.
    public static func inClusterShare(_ planted: PlantedClusters) throws -> Double {
        let model = try buildGenerator("weighted-rating", json: "{}").fit(TrainingData(dataset: planted.dataset), progress: .silent)
        var inCluster = 0, total = 0
        for user in 0 ..< planted.dataset.userCount {
            var seen = ItemSet(capacity: planted.dataset.itemCount)
            for item in planted.dataset.byUser.columns[planted.dataset.byUser.range(of: user)] { seen.insert(Int(item)) }
            for candidate in model.candidates(for: planted.dataset.query(for: user, excluded: seen), limit: 5) {
                total += 1
                if planted.itemCluster[candidate.item] == planted.userCluster[user] { inCluster += 1 }
            }
        }
        return Double(inCluster) / Double(max(total, 1))
    }
}
