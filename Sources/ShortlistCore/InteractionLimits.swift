/// What an interaction's values may be, wherever one comes from: a data file, the command
/// line's `--history` or an HTTP request's `history`. Declared once so that the three agree.
public enum InteractionLimits {
    /// The largest magnitude of a rating.
    public static let ratingMagnitude = 1_000_000.0
    /// ``ratingMagnitude`` as messages write it.
    public static let ratingDescription = "±1000000"
    /// Timestamps in seconds since 1970, within the years 1900 to 2200.
    public static let seconds: ClosedRange<Double> = -2_208_988_800...7_258_118_400

    /// Whether `value` is a rating: finite and within ``ratingMagnitude``.
    public static func isRating(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= ratingMagnitude
    }
}
