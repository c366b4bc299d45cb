import Foundation
import ShortlistCore

/// The hidden layers' non-linearity.
public enum Activation: String, ParameterChoice {
    /// max(0, z).
    case relu
    /// tanh(z).
    case tanh

    @inline(__always)
    func apply(_ z: Float) -> Float {
        switch self {
        case .relu: max(0, z)
        case .tanh: Foundation.tanh(z)
        }
    }

    /// The derivative at `z`, given the output `a`.
    @inline(__always)
    func slope(_ z: Float, _ a: Float) -> Float {
        switch self {
        case .relu: z > 0 ? 1 : 0
        case .tanh: 1 - a * a
        }
    }
}

/// A multilayer perceptron with one output. Layer `l` is a `(widths[l] + 1) × widths[l + 1]`
/// row-major matrix whose last row is the bias, stored from `offsets[l]` in one flat array.
struct Perceptron: Sendable {
    let widths: [Int]
    let activation: Activation
    var parameters: [Float]
    let offsets: [Int]

    /// The number of layers of weights.
    var depth: Int { widths.count - 1 }

    /// The flat length of the parameters for `widths`.
    static func parameterCount(_ widths: [Int]) -> Int {
        (0..<widths.count - 1).reduce(0) { $0 + (widths[$1] + 1) * widths[$1 + 1] }
    }

    /// Per-example working memory: every layer's pre-activations, outputs and gradients (rows
    /// 0, 1 and 2), each row laid out by ``units``.
    struct Scratch {
        var values: Matrix
        let units: [Int]

        init(_ widths: [Int]) {
            var units = [0]
            for width in widths { units.append(units.last! + width) }
            self.units = units
            values = Matrix(rows: 3, columns: units.last!)
        }

        /// The gradient with respect to input `index`, from the last
        /// ``Perceptron/backward(_:_:into:mask:)``.
        func inputGradient(_ index: Int) -> Float { values[2, index] }
    }

    /// Random weights: N(0, 2 / fan-in) (He et al. 2015), biases 0.
    init(widths: [Int], activation: Activation, random: inout SeededGenerator) {
        var parameters: [Float] = []
        for l in 0..<widths.count - 1 {
            parameters += random.normals(
                count: widths[l] * widths[l + 1], std: (2 / Double(widths[l])).squareRoot())
            parameters += [Float](repeating: 0, count: widths[l + 1])
        }
        self.init(widths: widths, activation: activation, parameters: parameters)
    }

    init(widths: [Int], activation: Activation, parameters: [Float]) {
        self.widths = widths
        self.activation = activation
        self.parameters = parameters
        var offsets = [0]
        for l in 0..<widths.count - 1 {
            offsets.append(offsets[l] + (widths[l] + 1) * widths[l + 1])
        }
        self.offsets = offsets
    }

    /// The output's bias.
    var outputBias: Float { parameters[parameters.count - 1] }

    /// The first layer's pre-activations from the inputs at `indices` alone, bias included:
    /// for inputs that many examples share.
    func firstLayerPart(_ input: Matrix.Row, indices: [Int]) -> [Float] {
        let (inWidth, outWidth) = (widths[0], widths[1])
        var z = Array(parameters[inWidth * outWidth..<(inWidth + 1) * outWidth])
        parameters.withRow { p in
            z.withMutableRow { out in
                Vector.accumulate(input, inputs: indices, rows: weights(p, 0), into: out)
            }
        }
        return z
    }

    /// Layer `l`'s weights within the parameters `p`: one row per input, bias row apart.
    @inline(__always)
    private func weights(_ p: Matrix.Row, _ l: Int) -> Matrix.Rows {
        p.slice(offsets[l], count: widths[l] * widths[l + 1]).rows(width: widths[l + 1])
    }

    /// The output for `input`, keeping every layer's values in `scratch`; hidden unit `u`
    /// (numbered as in ``Scratch/units``) is multiplied by `mask[u]` when a mask is given
    /// (inverted dropout). With `shared`, the first layer starts from `shared.part`
    /// (``firstLayerPart(_:indices:)`` of the other inputs) and adds the inputs at
    /// `shared.rest` only.
    ///
    /// - Complexity: O(Σ widths[l] · widths[l + 1]).
    func forward(
        _ input: Matrix.Row, _ scratch: inout Scratch, mask: [Float]? = nil,
        shared: (part: [Float], rest: [Int])? = nil
    ) -> Float {
        let units = scratch.units
        let depth = self.depth
        let activation = self.activation
        return parameters.withRow { p in
            scratch.values.withMutableRows { rows in
                let (pre, post) = (rows[0], rows[1])
                for i in 0..<widths[0] { post[i] = input[i] }
                for l in 0..<depth {
                    let (inWidth, outWidth) = (widths[l], widths[l + 1])
                    let w = weights(p, l)
                    let a = post.reading.slice(units[l], count: inWidth)
                    let z = pre.slice(units[l + 1], count: outWidth)
                    if l == 0, let shared {
                        for o in 0..<outWidth { z[o] = shared.part[o] }
                        Vector.accumulate(a, inputs: shared.rest, rows: w, into: z)
                    } else {
                        let bias = p.slice(offsets[l] + inWidth * outWidth, count: outWidth)
                        for o in 0..<outWidth { z[o] = bias[o] }
                        Vector.accumulate(a, inputs: 0..<inWidth, rows: w, into: z)
                    }
                    let out = post.slice(units[l + 1], count: outWidth)
                    if l == depth - 1 {
                        for o in 0..<outWidth { out[o] = z[o] }
                    } else if let mask {
                        for o in 0..<outWidth {
                            out[o] = activation.apply(z[o]) * mask[units[l + 1] + o]
                        }
                    } else {
                        for o in 0..<outWidth { out[o] = activation.apply(z[o]) }
                    }
                }
                return post[units[depth]]
            }
        }
    }

    /// Adds the gradient of `scale ×` the output (from the last ``forward(_:_:mask:shared:)``, with
    /// the same mask) to `gradients` (laid out as ``parameters``) and writes the gradient with
    /// respect to the input into the first ``widths``[0] values of the scratch's gradients
    /// (``Scratch/inputGradient(_:)``).
    ///
    /// - Complexity: O(Σ widths[l] · widths[l + 1]).
    func backward(
        _ scale: Float, _ scratch: inout Scratch, into gradients: Matrix.MutableRow,
        mask: [Float]? = nil
    ) {
        let units = scratch.units
        let depth = self.depth
        let activation = self.activation
        parameters.withRow { p in
            scratch.values.withMutableRows { rows in
                let (pre, post, delta) = (rows[0].reading, rows[1].reading, rows[2])
                delta[units[depth]] = scale
                for l in stride(from: depth - 1, through: 0, by: -1) {
                    let (inWidth, outWidth) = (widths[l], widths[l + 1])
                    let d = delta.slice(units[l + 1], count: outWidth)
                    if l < depth - 1 {
                        for o in 0..<outWidth {
                            let unit = units[l + 1] + o
                            let m = mask?[unit] ?? 1
                            let a = m != 0 ? post[unit] / m : 0
                            d[o] *= m * activation.slope(pre[unit], a)
                        }
                    }
                    let w = weights(p, l)
                    let g = gradients.slice(offsets[l], count: (inWidth + 1) * outWidth)
                        .rows(width: outWidth)
                    let a = post.slice(units[l], count: inWidth)
                    for i in 0..<inWidth where a[i] != 0 {
                        Vector.axpy(a[i], d.reading, g[i])
                    }
                    Vector.axpy(1, d.reading, g[inWidth])
                    let back = delta.slice(units[l], count: inWidth)
                    for i in 0..<inWidth { back[i] = Vector.dot(w[i], d.reading) }
                }
            }
        }
    }

    /// An exact split of `output(input) − output(reference)` over the inputs by DeepLIFT's
    /// rescale rule (Shrikumar et al. 2017): each unit passes back the ratio of its output's
    /// change to its input's change, so the input terms add up to the output's change.
    ///
    /// - Parameter there: the reference's ``activations(_:)``, computed once for many inputs.
    /// - Returns: one term per input, and the reference's output.
    func deepLIFT(_ input: [Float], from there: [[Double]]) -> (terms: [Double], reference: Double)
    {
        let here = activations(input)
        let count = widths.count
        var multipliers = [1.0]
        for l in stride(from: depth - 1, through: 0, by: -1) {
            let (inWidth, outWidth) = (widths[l], widths[l + 1])
            if l < depth - 1 {
                for o in 0..<outWidth {
                    let dz = here[l + 1][o] - there[l + 1][o]
                    let da = here[count + l + 1][o] - there[count + l + 1][o]
                    let slope =
                        abs(dz) > 1e-9
                        ? da / dz
                        : Double(
                            activation.slope(
                                Float(here[l + 1][o]), Float(here[count + l + 1][o])))
                    multipliers[o] *= slope
                }
            }
            multipliers = (0..<inWidth).map { i in
                var sum = 0.0
                for o in 0..<outWidth {
                    sum += Double(parameters[offsets[l] + i * outWidth + o]) * multipliers[o]
                }
                return sum
            }
        }
        let terms = (0..<widths[0]).map {
            multipliers[$0] * (Double(input[$0]) - there[count][$0])
        }
        return (terms, there[count + depth][0])
    }

    /// Every layer's pre-activations, then every layer's outputs (the input first), in Double:
    /// what ``deepLIFT(_:from:)`` compares.
    func activations(_ x: [Float]) -> [[Double]] {
        var values = [x.map(Double.init)]
        var pre: [[Double]] = [values[0]]
        for l in 0..<depth {
            let (inWidth, outWidth) = (widths[l], widths[l + 1])
            let w = offsets[l]
            var z = (0..<outWidth).map { Double(parameters[w + inWidth * outWidth + $0]) }
            for i in 0..<inWidth where values[l][i] != 0 {
                for o in 0..<outWidth {
                    z[o] += values[l][i] * Double(parameters[w + i * outWidth + o])
                }
            }
            pre.append(z)
            values.append(l == depth - 1 ? z : z.map(activationDouble))
        }
        return pre + values
    }

    private func activationDouble(_ z: Double) -> Double {
        switch activation {
        case .relu: max(0, z)
        case .tanh: Foundation.tanh(z)
        }
    }
}
