import Foundation
import ShortlistCore
import Testing

/// Each beyond-accuracy measure against a hand computation on five items: item 0 has genres
/// 1 and 2, item 1 genre 1, item 2 genre 3, items 3 and 4 none.
@Suite struct BeyondAccuracyTests {
    let genres: [[Int32]] = [[1, 2], [1], [3], [], []]

    @Test func intraListDiversityIsTheMeanJaccardDistanceOfTheListsPairs() throws {
        // (0, 1): 1 − 1/2; (0, 2) and (1, 2) share nothing: 1 each.
        let three = try #require(BeyondAccuracy.intraListDiversity([0, 1, 2], genres: genres))
        #expect(abs(three - 2.5 / 3) < 1e-12)
        #expect(BeyondAccuracy.intraListDiversity([3, 4], genres: genres) == 0)
        #expect(BeyondAccuracy.intraListDiversity([0, 3], genres: genres) == 1)
        #expect(BeyondAccuracy.intraListDiversity([1], genres: genres) == nil)
    }

    @Test func intraListDiversityByEmbeddingsIsTheMeanCosineDistanceOfTheListsPairs() throws {
        // Items 0 (1, 0), 1 (0, 2), 2 (1, 1), 3 (−3, 0): cosines (0, 1) 0, (0, 2) √½, (1, 2) √½.
        let embeddings = ItemEmbeddings(vectors: [1, 0, 0, 2, 1, 1, -3, 0], dimensions: 2)
        let three = try #require(
            BeyondAccuracy.intraListDiversity([0, 1, 2], embeddings: embeddings))
        #expect(abs(three - (1 + 2 * (1 - 0.5.squareRoot())) / 3) < 1e-6)
        // Opposite directions: 1 − (−1).
        #expect(BeyondAccuracy.intraListDiversity([0, 3], embeddings: embeddings) == 2)
        #expect(BeyondAccuracy.intraListDiversity([2], embeddings: embeddings) == nil)
    }

    @Test func giniIsZeroForAnEvenSpreadAndGrowsWithConcentration() {
        #expect(BeyondAccuracy.gini([2, 2, 2]) == 0)
        // Sorted 0, 0, 0, 5: (2·4 − 4 − 1)·5 / (4 · 5).
        #expect(BeyondAccuracy.gini([0, 5, 0, 0]) == 0.75)
        // Sorted 0, 1, 1, 1, 1: (−2 + 0 + 2 + 4) / (5 · 4).
        #expect(abs(BeyondAccuracy.gini([1, 0, 1, 1, 1]) - 0.2) < 1e-12)
        #expect(BeyondAccuracy.gini([0, 0]) == 0 && BeyondAccuracy.gini([]) == 0)
    }

    @Test func noveltyIsTheSelfInformationOfTheItemsShareOfUsers() {
        #expect(BeyondAccuracy.novelty(interactions: 2, users: 8) == 2)
        #expect(BeyondAccuracy.novelty(interactions: 8, users: 8) == 0)
        #expect(BeyondAccuracy.novelty(interactions: 0, users: 8) == 3)
    }

    @Test func calibrationIsTheDivergenceOfTheListsGenresFromTheHistorys() throws {
        // History 0, 1: genre 1 (0.5 + 1) / 2 = 0.75, genre 2 0.25. List 1, 2: genres 1 and 3
        // 0.5 each; mixed with 1% of the history: genre 1 0.5025, genre 2 0.0025.
        let value = try #require(
            BeyondAccuracy.calibration(history: [0, 1], list: [1, 2], genres: genres))
        let expected = 0.75 * log(0.75 / 0.5025) + 0.25 * log(0.25 / 0.0025)
        #expect(abs(value - expected) < 1e-12)
        let same = try #require(
            BeyondAccuracy.calibration(history: [0, 1], list: [1, 0, 3], genres: genres))
        #expect(abs(same) < 1e-12)
        #expect(BeyondAccuracy.calibration(history: [3, 4], list: [0], genres: genres) == nil)
    }
}
