public import ShortlistCore

extension MatrixFactorization {
    /// The words of its formula's terms.
    public static var vocabulary: Vocabulary {
        Vocabulary(names: [
            "global-mean": .init("global mean", plain: "the average rating"),
            "user-bias": .init("user bias", plain: "your rating bias"),
            "item-bias": .init("item bias", plain: "its rating bias"),
        ])
    }
}
