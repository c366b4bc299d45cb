import Foundation

/// A seeded random number generator (SplitMix64, Steele, Lea & Flood 2014): the same seed
/// gives the same sequence on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    /// Two independent draws from the standard normal distribution (Box & Muller 1958).
    public mutating func normalPair() -> (Double, Double) {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        let radius = (-2 * log(u1)).squareRoot()
        return (radius * cos(2 * .pi * u2), radius * sin(2 * .pi * u2))
    }

    /// `count` draws from N(0, std²), two per ``normalPair()``.
    ///
    /// - Complexity: O(count).
    public mutating func normals(count: Int, std: Double) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        var index = 0
        while index < count {
            let (a, b) = normalPair()
            values[index] = Float(a * std)
            if index + 1 < count { values[index + 1] = Float(b * std) }
            index += 2
        }
        return values
    }
}
