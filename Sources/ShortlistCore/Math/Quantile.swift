/// The `q`-quantile of `values` by linear interpolation between order statistics
/// (type 7 of Hyndman & Fan 1996, as numpy's default); nil when `values` is empty.
///
/// - Complexity: O(n log n).
public func quantile(_ values: [Double], _ q: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let position = min(max(q, 0), 1) * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}
