import Foundation
public import ShortlistCore

/// Ratings made from planted low-rank structure plus Gaussian noise: r = 3 + p_u·q_i + ε.
///
/// A rating model that learns the structure approaches an RMSE of `noise` on held-out ratings;
/// one that predicts the mean cannot go below the ratings' spread.
public struct PlantedLowRank: Sendable {
    /// The generated ratings (unclipped, so the noise level is exact).
    public let dataset: Dataset
    /// The noise's standard deviation.
    public let noise: Double

    /// Generates `users` × `perUser` ratings over `items` items with `rank` latent dimensions.
    public init(
        users: Int = 300, items: Int = 120, rank: Int = 3, perUser: Int = 40, noise: Double = 0.3,
        seed: UInt64 = 5
    ) {
        var random = SeededGenerator(seed: seed)
        func normal() -> Double { random.normalPair().0 }
        let p = (0..<users * rank).map { _ in normal() * 0.8 }
        let q = (0..<items * rank).map { _ in normal() * 0.8 }
        var builder = DatasetBuilder()
        for user in 0..<users {
            var chosen = Set<Int>()
            var time: Int64 = 0
            while chosen.count < min(perUser, items) {
                let item = Int.random(in: 0..<items, using: &random)
                guard chosen.insert(item).inserted else { continue }
                var rating = 3.0
                for d in 0..<rank { rating += p[user * rank + d] * q[item * rank + d] }
                rating += normal() * noise
                time += 1
                builder.addInteraction(
                    user: "u\(user)", item: "i\(item)", rating: Float(rating), timestamp: time)
            }
        }
        dataset = builder.build()
        self.noise = noise
    }
}
