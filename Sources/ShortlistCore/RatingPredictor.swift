/// A model that also predicts explicit ratings, so evaluation can report RMSE and MAE for it.
public protocol RatingPredictor {
    /// The predicted rating of `item` by the query's user, or nil when the model cannot say.
    func predictRating(of item: ItemIndex, for query: Query) -> Double?
}
