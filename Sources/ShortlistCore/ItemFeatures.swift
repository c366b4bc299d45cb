/// What a dataset knows about one item besides its interactions.
public struct ItemFeatures: Sendable, Equatable {
    /// The item's title, or its external id when the dataset has no titles.
    public var title: String
    /// The release year, when known.
    public var year: Int?
    /// Genre or category tokens, in file order.
    public var genres: [String]

    /// Features with the given values.
    public init(title: String, year: Int? = nil, genres: [String] = []) {
        self.title = title
        self.year = year
        self.genres = genres
    }

    /// The title with the year in parentheses, unless the title already ends with it.
    public var displayTitle: String {
        guard let year, !title.hasSuffix("(\(year))") else { return title }
        return "\(title) (\(year))"
    }
}

/// What a dataset knows about one user besides their interactions.
public struct UserFeatures: Sendable, Equatable {
    /// Age in years, when known.
    public var age: Int?
    /// Gender as written in the data, when known.
    public var gender: String?
    /// Occupation as written in the data, when known.
    public var occupation: String?

    /// Features with the given values.
    public init(age: Int? = nil, gender: String? = nil, occupation: String? = nil) {
        self.age = age
        self.gender = gender
        self.occupation = occupation
    }
}
