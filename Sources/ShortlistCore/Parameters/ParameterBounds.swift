/// The numbers a numeric parameter accepts, with one wording for every plugin's range errors.
public struct ParameterBounds: Sendable, Equatable {
    /// The lowest allowed value, if any.
    public var lower: Double?
    /// Whether ``lower`` itself is allowed.
    public var lowerIncluded: Bool
    /// The highest allowed value, if any.
    public var upper: Double?

    /// Bounds from `lower` (included or not) up to `upper` (included).
    public init(lower: Double?, lowerIncluded: Bool = true, upper: Double? = nil) {
        self.lower = lower
        self.lowerIncluded = lowerIncluded
        self.upper = upper
    }

    /// More than zero.
    public static let positive = ParameterBounds(lower: 0, lowerIncluded: false)
    /// Zero or more.
    public static let nonNegative = ParameterBounds(lower: 0)

    /// Between the two ends, both included.
    public static func between(_ lower: Double, _ upper: Double) -> ParameterBounds {
        ParameterBounds(lower: lower, upper: upper)
    }

    /// More than zero and at most `upper`.
    public static func positive(atMost upper: Double) -> ParameterBounds {
        ParameterBounds(lower: 0, lowerIncluded: false, upper: upper)
    }

    /// Whether `value` is allowed.
    public func contains(_ value: Double) -> Bool {
        if let lower, lowerIncluded ? value < lower : value <= lower { return false }
        if let upper, value > upper { return false }
        return true
    }

    /// `must be positive`, `must be zero or more`, `must be between 1 and 4096`, …
    public var requirement: String {
        let low = lower.map(plainNumber)
        let high = upper.map(plainNumber)
        switch (low, high) {
        case (nil, nil): return "can be any number"
        case (nil, let high?): return "must be at most \(high)"
        case ("0"?, nil): return lowerIncluded ? "must be zero or more" : "must be positive"
        case (let low?, nil):
            return lowerIncluded ? "must be at least \(low)" : "must be more than \(low)"
        case ("0"?, let high?) where !lowerIncluded: return "must be positive and at most \(high)"
        case (let low?, let high?):
            return lowerIncluded
                ? "must be between \(low) and \(high)"
                : "must be more than \(low) and at most \(high)"
        }
    }

    /// `> 0`, `≥ 0`, `in [0, 1]`, `in (0, 4096]`, as ``ParameterDoc`` shows it after the type.
    public var notation: String {
        let low = lower.map(plainNumber)
        let high = upper.map(plainNumber)
        switch (low, high) {
        case (nil, nil): return ""
        case (nil, let high?): return "≤ \(high)"
        case (let low?, nil): return "\(lowerIncluded ? "≥" : ">") \(low)"
        case (let low?, let high?): return "in \(lowerIncluded ? "[" : "(")\(low), \(high)]"
        }
    }
}
