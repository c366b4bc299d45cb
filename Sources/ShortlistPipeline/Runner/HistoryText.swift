import Foundation
public import ShortlistCore
import ShortlistData

extension FittedPipeline {
    /// `50:5,172,181:4` as fresh interactions in that order, for the CLI's `--history` and the
    /// server's `history` query parameter (empty text is no history); an unknown item, a bad
    /// rating or an empty entry is an error that names it and `option`.
    public func history(parsing text: String, option: String) throws(RequestError)
        -> [FreshInteraction]
    {
        var history: [FreshInteraction] = []
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RequestError(
                    "\(option) has an empty entry (two commas together, or one at an end) in "
                        + "'\(excerpt(text))'; write ITEM or ITEM:RATING separated by commas")
            }
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard !parts[0].isEmpty else {
                throw RequestError(
                    "\(option) has an entry '\(excerpt(String(entry)))' without an item id; write "
                        + "ITEM or ITEM:RATING")
            }
            guard let item = dataset.item(parts[0]) else {
                throw RequestError(
                    .notFound,
                    "\(option) names item '\(excerpt(parts[0]))', which the dataset does not have")
            }
            guard parts.count == 2 else {
                history.append(FreshInteraction(item: item))
                continue
            }
            guard isDecimalNumber(parts[1]), let rating = Float(parts[1]),
                InteractionLimits.isRating(Double(rating))
            else {
                throw RequestError(
                    "\(option) gives item '\(parts[0])' the rating '\(excerpt(parts[1]))', which "
                        + "is not a number within \(InteractionLimits.ratingDescription)")
            }
            history.append(FreshInteraction(item: item, rating: rating))
        }
        return history
    }
}
