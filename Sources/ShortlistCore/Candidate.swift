/// An item nominated by a candidate generator, with that generator's raw score.
public struct Candidate: Sendable, Equatable {
    /// The nominated item.
    public var item: ItemIndex
    /// The generator's own score; higher is better, scales differ between generators.
    public var score: Double

    /// A candidate.
    public init(item: ItemIndex, score: Double) {
        self.item = item
        self.score = score
    }
}
