import Foundation

/// Draws from one Beta distribution as X / (X + Y) with X ~ Gamma(α) and Y ~ Gamma(β): the
/// constants of each Gamma computed once, for Thompson sampling's many draws.
public struct BetaSampler: Sendable {
    private let distribution: BetaDistribution
    private var x: GammaSampler
    private var y: GammaSampler

    public init(_ distribution: BetaDistribution) {
        self.distribution = distribution
        x = GammaSampler(shape: distribution.alpha)
        y = GammaSampler(shape: distribution.beta)
    }

    public mutating func next(using random: inout SeededGenerator) -> Double {
        let x = x.next(using: &random)
        let y = y.next(using: &random)
        return x + y > 0 ? x / (x + y) : distribution.mean
    }
}

/// Draws from Gamma(shape, 1) by Marsaglia & Tsang (2000), shapes below 1 through
/// Gamma(shape + 1) · U^(1/shape). Standard normals come from Marsaglia's polar method (no
/// trigonometry), two at a time: the second is kept for the next draw.
struct GammaSampler: Sendable {
    private let d: Double
    private let c: Double
    /// 1 / shape for a shape below 1, else nil.
    private let boost: Double?
    private var spare: Double?

    init(shape: Double) {
        boost = shape < 1 ? 1 / shape : nil
        d = (shape < 1 ? shape + 1 : shape) - 1.0 / 3
        c = 1 / (9 * d).squareRoot()
    }

    mutating func next(using random: inout SeededGenerator) -> Double {
        while true {
            let x = normal(using: &random)
            var v = 1 + c * x
            guard v > 0 else { continue }
            v = v * v * v
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
            if u < 1 - 0.0331 * x * x * x * x
                || Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v))
            {
                guard let boost else { return d * v }
                return d * v
                    * Foundation.pow(
                        Double.random(in: Double.ulpOfOne..<1, using: &random), boost)
            }
        }
    }

    private mutating func normal(using random: inout SeededGenerator) -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        while true {
            let u = Double.random(in: -1..<1, using: &random)
            let v = Double.random(in: -1..<1, using: &random)
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let scale = (-2 * Foundation.log(s) / s).squareRoot()
                spare = v * scale
                return u * scale
            }
        }
    }
}
