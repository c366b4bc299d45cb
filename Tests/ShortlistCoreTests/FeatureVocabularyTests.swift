import Testing

@testable import ShortlistCore

/// The one vocabulary of users' and items' categorical features that every plugin uses.
@Suite struct FeatureVocabularyTests {
    @Test func everyValueHasItsSortedPlaceFromOneAndUnknownIsZero() {
        var builder = DatasetBuilder()
        builder.addItem(
            "a", features: ItemFeatures(title: "A", year: 1994, genres: ["War", "Drama"]))
        builder.addItem(
            "b", features: ItemFeatures(title: "B", year: 1990, genres: ["Drama", "Drama"]))
        builder.addItem("c", features: ItemFeatures(title: "C", year: 2001))
        builder.addItem("d", features: ItemFeatures(title: "D", genres: ["Action"]))
        builder.addUser("u", features: UserFeatures(age: 17, gender: "M", occupation: "writer"))
        builder.addUser("v", features: UserFeatures(age: 25, occupation: "artist"))
        builder.addUser("w", features: UserFeatures(age: 56, gender: "F"))
        builder.addUser("x")
        let vocabulary = FeatureVocabulary(builder.build())
        #expect(vocabulary.genres == ["Action", "Drama", "War"])
        #expect(vocabulary.decades == [1990, 2000])
        #expect(vocabulary.itemGenres == [[2, 3], [2], [], [1]])
        #expect(vocabulary.itemDecade == [1, 1, 2, 0])
        #expect(vocabulary.occupations == ["artist", "writer"])
        #expect(vocabulary.genders == ["F", "M"])
        #expect(vocabulary.userOccupation == [2, 1, 0, 0])
        #expect(vocabulary.userGender == [2, 0, 1, 0])
        #expect(vocabulary.userAge == [1, 3, 7, 0])
        #expect(
            vocabulary.userAge.map { FeatureVocabulary.ageBands[Int($0)] } == [
                "under 18", "25-34", "56+", "unknown",
            ])
    }

    @Test func theAgeBandsSplitAtTheirBoundaries() {
        #expect(
            [nil, 0, 17, 18, 24, 25, 34, 35, 44, 45, 49, 50, 55, 56, 99].map(
                FeatureVocabulary.ageBand) == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7])
    }

    @Test func anItemAddedLaterGetsTheFitsIdsAndNoneForValuesItNeverSaw() {
        let coder = FeatureVocabulary.ItemCoder(genres: ["Action", "Drama"], decades: [1990])
        let known = coder.ids(ItemFeatures(title: "N", year: 1999, genres: ["Drama", "Action"]))
        #expect(known.genres == [1, 2] && known.decade == 1)
        let unseen = coder.ids(ItemFeatures(title: "M", year: 2020, genres: ["Western", "Drama"]))
        #expect(unseen.genres == [2] && unseen.decade == 0)
        #expect(
            FeatureVocabulary.decade(of: 1994) == 1990 && FeatureVocabulary.decade(of: 2000) == 2000
        )
    }
}
