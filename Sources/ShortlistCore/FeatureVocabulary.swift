/// A dataset's categorical user and item features under one vocabulary: what every plugin that
/// embeds or crosses features builds its rows from (Wide & Deep's tables, the triplet model's
/// towers), so that a genre, a decade or an age band is the same value in each, and TF-IDF's
/// `decade:` tokens name the same decades.
///
/// Each value's id is its place in its sorted list, from 1; 0 means unknown.
public struct FeatureVocabulary: Sendable, Equatable {
    /// Every genre of the catalogue, sorted.
    public let genres: [String]
    /// Every release decade (a year rounded down to 10), sorted.
    public let decades: [Int]
    /// Every occupation and gender the users have, sorted.
    public let occupations: [String]
    public let genders: [String]
    /// Per item: its genres' ids, ascending, each once.
    public let itemGenres: [[Int32]]
    /// Per item: its decade's id.
    public let itemDecade: [Int32]
    /// Per user: the ids of their occupation, gender and age band (``ageBands``).
    public let userOccupation: [Int32]
    public let userGender: [Int32]
    public let userAge: [Int32]

    /// The age bands' names, by id (MovieLens-1M's bands).
    public static let ageBands = [
        "unknown", "under 18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+",
    ]

    /// The id of the band of an age in years.
    public static func ageBand(_ age: Int?) -> Int32 {
        guard let age else { return 0 }
        switch age {
        case ..<18: return 1
        case 18..<25: return 2
        case 25..<35: return 3
        case 35..<45: return 4
        case 45..<50: return 5
        case 50..<56: return 6
        default: return 7
        }
    }

    /// The decade of a release year: 1994 is 1990.
    public static func decade(of year: Int) -> Int { year / 10 * 10 }

    /// The vocabulary of `dataset`'s users and items.
    ///
    /// - Complexity: O(users + items + genre entries · log genres).
    public init(_ dataset: Dataset) {
        func sorted<T: Hashable & Comparable>(_ values: some Sequence<T>) -> [T] {
            Array(Set(values)).sorted()
        }
        genres = sorted(dataset.items.lazy.flatMap(\.genres))
        decades = sorted(dataset.items.lazy.compactMap { $0.year.map(Self.decade(of:)) })
        occupations = sorted(dataset.users.lazy.compactMap(\.occupation))
        genders = sorted(dataset.users.lazy.compactMap(\.gender))
        let coder = ItemCoder(genres: genres, decades: decades)
        let items = dataset.items.map(coder.ids)
        itemGenres = items.map(\.genres)
        itemDecade = items.map(\.decade)
        let occupationID = Self.ids(occupations)
        let genderID = Self.ids(genders)
        userOccupation = dataset.users.map { $0.occupation.flatMap { occupationID[$0] } ?? 0 }
        userGender = dataset.users.map { $0.gender.flatMap { genderID[$0] } ?? 0 }
        userAge = dataset.users.map { Self.ageBand($0.age) }
    }

    /// Gives an item added or changed after a fit its ids under the fit's genres and decades
    /// (as a model stored them): a genre or decade the fit never saw is left out, or 0.
    public struct ItemCoder: Sendable {
        private let genreID: [String: Int32]
        private let decadeID: [Int: Int32]

        /// A coder for the fitted `genres` and `decades`, in their vocabulary's order.
        public init(genres: [String], decades: [Int]) {
            genreID = FeatureVocabulary.ids(genres)
            decadeID = FeatureVocabulary.ids(decades)
        }

        /// The item's genre ids (ascending, each once) and decade id.
        public func ids(_ features: ItemFeatures) -> (genres: [Int32], decade: Int32) {
            (
                Array(Set(features.genres.compactMap { genreID[$0] })).sorted(),
                features.year.flatMap { decadeID[FeatureVocabulary.decade(of: $0)] } ?? 0
            )
        }
    }

    /// Each value's id: its place in `values`, from 1.
    private static func ids<T: Hashable>(_ values: [T]) -> [T: Int32] {
        Dictionary(uniqueKeysWithValues: values.enumerated().map { ($1, Int32($0 + 1)) })
    }
}
