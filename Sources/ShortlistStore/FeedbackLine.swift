import ShortlistCore
import ShortlistData

/// One line of a feedback batch: `REQUEST ITEM REWARD`, separated by tabs or spaces.
public struct FeedbackLine: Sendable, Equatable {
    public var request: String
    public var item: String
    /// The reward as written, a decimal number (the store checks that it lies in [0, 1]).
    public var reward: Double

    /// A feedback line.
    public init(request: String, item: String, reward: Double) {
        self.request = request
        self.item = item
        self.reward = reward
    }

    /// Parses `line`; nil for a blank line.
    ///
    /// - Throws: the reason, in users' words, when the line is not three fields with a decimal
    ///   reward.
    public init?(parsing line: String) throws(StoreError) {
        let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
        if fields.isEmpty { return nil }
        if let control = fields.lazy.compactMap({ firstControlCharacter(in: $0) }).first {
            throw .refusal(
                "the line holds a control character (\(control.codePoint)); an id is text "
                    + "without tabs or line ends")
        }
        guard fields.count == 3 else {
            throw .refusal("expected 'REQUEST ITEM REWARD', found '\(excerpt(line))'")
        }
        guard let reward = decimalNumber(fields[2]) else {
            throw .refusal("the reward '\(excerpt(String(fields[2])))' is not a decimal number")
        }
        guard reward.isFinite else {
            throw .refusal(
                "the reward '\(excerpt(String(fields[2])))' is out of range; a reward is a number "
                    + "from 0 to 1")
        }
        self.init(request: String(fields[0]), item: String(fields[1]), reward: reward)
    }
}
