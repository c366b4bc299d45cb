/// Why a candidate stage offers nothing for a request; the CLI and the server word it.
public enum Unavailability: Sendable, Equatable {
    /// The model needs a user the fitted data knows, and this id is unknown.
    case unknownUser
    /// The model needs a history, and this user has none.
    case noHistory
    /// The user is known but had nothing the fit used (e.g. every rating below its `min-rating`).
    case userNotFitted
    /// The model needs liked items, and none of the user's interactions is rated at least `threshold`.
    case nothingLiked(threshold: Double)
    /// No item the filters allow scores above zero for the user.
    case noPositiveScore
    /// Every item the model would nominate is excluded by the filters.
    case allExcluded
}
