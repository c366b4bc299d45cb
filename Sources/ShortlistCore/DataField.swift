/// A field of the dataset besides the ids of its interactions, which some configurations need.
public enum DataField: String, Sendable, CaseIterable {
    /// Ratings on the interactions.
    case ratings = "ratings"
    /// Timestamps on the interactions.
    case timestamps = "timestamps"
    /// Item titles (other than the ids themselves).
    case itemTitle = "item titles"
    /// Item genres or categories.
    case itemGenres = "item genres"
    /// Item release years.
    case itemYear = "item years"
    /// User ages.
    case userAge = "user ages"
    /// User genders.
    case userGender = "user genders"
    /// User occupations.
    case userOccupation = "user occupations"
}

extension DataField {
    /// What gives a dataset the field, for an error that asks for it.
    public var remedy: String {
        switch self {
        case .ratings: "give the interactions a rating column, or change the setting"
        case .timestamps: "give the interactions a timestamp column, or change the setting"
        case .itemTitle, .itemGenres, .itemYear:
            "give the dataset an items file with that column ('items:' of a delimited dataset), "
                + "or change the setting"
        case .userAge, .userGender, .userOccupation:
            "give the dataset a users file with that column ('users:' of a delimited dataset), "
                + "or change the setting"
        }
    }
}

/// A field a stage cannot work without, and the parameter that asks for it.
public struct FieldRequirement: Sendable, Equatable {
    /// The field.
    public var field: DataField
    /// The keys from the stage's mapping to the parameter that needs it, e.g. `["fields"]`.
    public var keyPath: [String]

    /// A requirement.
    public init(_ field: DataField, keyPath: [String]) {
        self.field = field
        self.keyPath = keyPath
    }
}

extension Dataset {
    /// The fields at least one item or user of the dataset has.
    ///
    /// - Complexity: O(items + users).
    public var availableFields: Set<DataField> {
        var fields = Set<DataField>()
        if hasRatings { fields.insert(.ratings) }
        if hasTimestamps { fields.insert(.timestamps) }
        for (index, item) in items.enumerated() {
            if !item.title.isEmpty, item.title != itemIDs[index] { fields.insert(.itemTitle) }
            if !item.genres.isEmpty { fields.insert(.itemGenres) }
            if item.year != nil { fields.insert(.itemYear) }
        }
        for user in users {
            if user.age != nil { fields.insert(.userAge) }
            if user.gender != nil { fields.insert(.userGender) }
            if user.occupation != nil { fields.insert(.userOccupation) }
        }
        return fields
    }
}
