public import ShortlistCore

/// A synthetic dataset with planted structure: users and items fall into latent clusters, and
/// users mostly rate (and rate highly) items of their own cluster.
///
/// A model that learns the structure recommends in-cluster items; one that learns nothing
/// cannot beat chance at it.
public struct PlantedClusters: Sendable {
    /// The generated data.
    public let dataset: Dataset
    /// The cluster of each user, by ``UserIndex``.
    public let userCluster: [Int]
    /// The cluster of each item, by ``ItemIndex``.
    public let itemCluster: [Int]

    /// Generates the data deterministically from `seed`.
    ///
    /// User `u` is external id `u<u>` in cluster `u % clusters`; item `i` is `i<i>` in cluster
    /// `i % clusters`, titled `Item i`, released in `1990 + cluster`, of genre `g<cluster>`.
    /// Each user rates `perUser` distinct items, each from their own cluster with probability
    /// `1 − noise` (rated 4 or 5), else from anywhere (rated 1 or 2 when out of cluster), one a day.
    /// Without `sideFeatures`, items have only their ids as titles and users no demographics, so
    /// only the interactions carry the clusters.
    public init(
        users: Int = 120, items: Int = 80, clusters: Int = 4, perUser: Int = 12,
        noise: Double = 0.1, seed: UInt64 = 7,
        sideFeatures: Bool = true
    ) {
        var random = SeededGenerator(seed: seed)
        var builder = DatasetBuilder()
        for item in 0..<items {
            let cluster = item % clusters
            builder.addItem(
                "i\(item)",
                features: sideFeatures
                    ? ItemFeatures(
                        title: "Item \(item)", year: 1990 + cluster, genres: ["g\(cluster)"]) : nil)
        }
        for user in 0..<users {
            builder.addUser(
                "u\(user)",
                features: sideFeatures
                    ? UserFeatures(
                        age: 20 + user % clusters, gender: user % 2 == 0 ? "F" : "M",
                        occupation: "o\(user % clusters)") : nil)
        }
        for user in 0..<users {
            let cluster = user % clusters
            var chosen = Set<Int>()
            var day: Int64 = 0
            while chosen.count < min(perUser, items) {
                let item: Int
                if Double.random(in: 0..<1, using: &random) < noise {
                    item = Int.random(in: 0..<items, using: &random)
                } else {
                    item =
                        cluster + clusters
                        * Int.random(
                            in: 0..<(items - cluster + clusters - 1) / clusters, using: &random)
                }
                guard chosen.insert(item).inserted else { continue }
                let inCluster = item % clusters == cluster
                let rating: Float =
                    inCluster
                    ? Float(Int.random(in: 4...5, using: &random))
                    : Float(Int.random(in: 1...2, using: &random))
                day += 1
                builder.addInteraction(
                    user: "u\(user)", item: "i\(item)", rating: rating,
                    timestamp: 1_000_000_000 + day * 86_400 + Int64(user))
            }
        }
        dataset = builder.build()
        userCluster = (0..<users).map { $0 % clusters }
        itemCluster = (0..<items).map { $0 % clusters }
    }

    /// The share of each user's top 5 unseen items that lie in the user's planted cluster:
    /// near 1 for a model that learned the clusters, near 1/clusters for one that did not.
    public func inClusterShare(_ model: any CandidateModel) -> Double {
        var inCluster = 0
        var total = 0
        for user in 0..<dataset.userCount {
            var seen = ItemSet(capacity: dataset.itemCount)
            for item in dataset.byUser.columns[dataset.byUser.range(of: user)] {
                seen.insert(Int(item))
            }
            for candidate in model.candidates(
                for: dataset.query(for: user, excluded: seen), limit: 5)
            {
                total += 1
                if itemCluster[candidate.item] == userCluster[user] { inCluster += 1 }
            }
        }
        return Double(inCluster) / Double(max(total, 1))
    }

    /// A builder holding this data's catalogue and interactions, to extend with new users or items.
    public func builder() -> DatasetBuilder {
        var builder = DatasetBuilder(catalogueOf: dataset)
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) {
                builder.addInteraction(
                    user: dataset.userIDs[user],
                    item: dataset.itemIDs[Int(dataset.byUser.columns[entry])],
                    rating: dataset.byUser.ratings[entry],
                    timestamp: dataset.byUser.timestamps[entry]
                )
            }
        }
        return builder
    }
}
