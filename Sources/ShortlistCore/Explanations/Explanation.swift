/// Why a candidate stage scores an item as it does, from the same numbers that score it.
public struct Explanation: Sendable, Equatable {
    /// Terms that add up to the stage's score for the item (largest first, remainders last).
    public var terms: [Reason]
    /// More about the score that is not a share of it: a formula's inputs, similar liked items.
    public var details: [Reason]

    /// An explanation.
    public init(terms: [Reason] = [], details: [Reason] = []) {
        self.terms = terms
        self.details = details
    }

    /// No account: the stage does not score the item for this request.
    public static let none = Explanation()

    /// Whether there is nothing to say.
    public var isEmpty: Bool { terms.isEmpty && details.isEmpty }

    /// The sum of the terms: the stage's score.
    public var total: Double { terms.reduce(0) { $0 + $1.value } }

    /// The `count` largest terms by size, everything else folded into one remainder of other
    /// terms, so the terms still add up to the score.
    public func keepingTop(_ count: Int) -> Explanation {
        guard terms.count > count else { return self }
        let order = terms.indices.sorted {
            abs(terms[$0].value) != abs(terms[$1].value)
                ? abs(terms[$0].value) > abs(terms[$1].value) : $0 < $1
        }
        let kept = Set(order.prefix(count))
        let rest = terms.indices.filter { !kept.contains($0) }.reduce(0.0) { $0 + terms[$1].value }
        let shown = terms.indices.filter(kept.contains).map { terms[$0] }
        return Explanation(
            terms: shown + [Reason(.remainder, value: rest, subject: .remainder(.otherTerms))],
            details: details)
    }
}

extension [Reason] {
    /// The terms ordered largest share first, ties by liked item then subject.
    public func largestFirst() -> [Reason] {
        sorted {
            if $0.value != $1.value { return $0.value > $1.value }
            if $0.historyItem != $1.historyItem {
                return ($0.historyItem ?? -1) < ($1.historyItem ?? -1)
            }
            return ($0.subject?.description ?? "") < ($1.subject?.description ?? "")
        }
    }
}
