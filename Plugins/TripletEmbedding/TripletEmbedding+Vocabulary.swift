public import ShortlistCore

extension TripletEmbedding {
    /// The words of its feature groups, each side of a `user group × item group` term: the
    /// pair `user-history × item-genres` reads "your history with its genres".
    public static var vocabulary: Vocabulary {
        Vocabulary(names: [
            "user-id": .init("user id", plain: "you"),
            "user-history": .init("user history", plain: "your history"),
            "user-demographics": .init("user demographics", plain: "your demographics"),
            "item-id": .init("item id", plain: "this item"),
            "item-genres": .init("item genres", plain: "its genres"),
            "item-decade": .init("item decade", plain: "its decade"),
        ])
    }
}
