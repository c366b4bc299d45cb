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

/// A multilayer perceptron with one output, stored layer by layer: layer `l` is a
/// `(widths[l] + 1) × widths[l + 1]` row-major matrix whose last row is the bias.
struct Perceptron: Sendable {
    let widths: [Int]
    let activation: Activation
    var layers: [[Float]]

    /// The number of layers of weights.
    var depth: Int { widths.count - 1 }

    /// Per-example working memory: each layer's pre-activations and outputs.
    struct Scratch {
        var pre: [[Float]]
        var post: [[Float]]
        var gradient: [[Float]]

        init(_ widths: [Int]) {
            pre = widths.map { [Float](repeating: 0, count: $0) }
            post = pre
            gradient = pre
        }
    }

    /// Random weights: N(0, 2 / fan-in) (He et al. 2015), biases 0.
    init(widths: [Int], activation: Activation, random: inout SeededGenerator) {
        self.widths = widths
        self.activation = activation
        layers = (0..<widths.count - 1).map { l in
            let weights = random.normals(
                count: widths[l] * widths[l + 1], std: (2 / Double(widths[l])).squareRoot())
            return weights + [Float](repeating: 0, count: widths[l + 1])
        }
    }

    init(widths: [Int], activation: Activation, layers: [[Float]]) {
        self.widths = widths
        self.activation = activation
        self.layers = layers
    }

    /// The output for `input`, keeping every layer's values in `scratch`; hidden outputs are
    /// multiplied by `masks[l]` when given (inverted dropout).
    ///
    /// - Complexity: O(Σ widths[l] · widths[l + 1]).
    func forward(
        _ input: UnsafePointer<Float>, _ scratch: inout Scratch, masks: [[Float]]? = nil
    ) -> Float {
        for i in 0..<widths[0] { scratch.post[0][i] = input[i] }
        for l in 0..<depth {
            let (inWidth, outWidth) = (widths[l], widths[l + 1])
            layers[l].withUnsafeBufferPointer { w in
                scratch.pre[l + 1].withUnsafeMutableBufferPointer { z in
                    let out = z.baseAddress!
                    for o in 0..<outWidth { out[o] = w[inWidth * outWidth + o] }
                    scratch.post[l].withUnsafeBufferPointer { a in
                        for i in 0..<inWidth where a[i] != 0 {
                            Vector.axpy(a[i], w.baseAddress! + i * outWidth, out, outWidth)
                        }
                    }
                }
            }
            let isOutput = l == depth - 1
            for o in 0..<outWidth {
                let z = scratch.pre[l + 1][o]
                var a = isOutput ? z : activation.apply(z)
                if !isOutput, let masks { a *= masks[l][o] }
                scratch.post[l + 1][o] = a
            }
        }
        return scratch.post[depth][0]
    }

    /// Adds the gradient of `scale ×` the output (from the last ``forward(_:_:masks:)``) to
    /// `gradients` and writes the gradient with respect to the input into `scratch.gradient[0]`.
    ///
    /// - Complexity: O(Σ widths[l] · widths[l + 1]).
    func backward(
        _ scale: Float, _ scratch: inout Scratch, into gradients: inout [[Float]],
        masks: [[Float]]? = nil
    ) {
        scratch.gradient[depth][0] = scale
        for l in stride(from: depth - 1, through: 0, by: -1) {
            let (inWidth, outWidth) = (widths[l], widths[l + 1])
            if l < depth - 1 {
                for o in 0..<outWidth {
                    let mask = masks?[l][o] ?? 1
                    let a = mask != 0 ? scratch.post[l + 1][o] / mask : 0
                    scratch.gradient[l + 1][o] *= mask * activation.slope(scratch.pre[l + 1][o], a)
                }
            }
            layers[l].withUnsafeBufferPointer { w in
                gradients[l].withUnsafeMutableBufferPointer { g in
                    scratch.gradient[l + 1].withUnsafeBufferPointer { delta in
                        let d = delta.baseAddress!
                        scratch.post[l].withUnsafeBufferPointer { a in
                            for i in 0..<inWidth where a[i] != 0 {
                                Vector.axpy(a[i], d, g.baseAddress! + i * outWidth, outWidth)
                            }
                        }
                        Vector.axpy(1, d, g.baseAddress! + inWidth * outWidth, outWidth)
                        scratch.gradient[l].withUnsafeMutableBufferPointer { back in
                            for i in 0..<inWidth {
                                back[i] = Vector.dot(w.baseAddress! + i * outWidth, d, outWidth)
                            }
                        }
                    }
                }
            }
        }
    }

    /// An exact split of `output(input) − output(reference)` over the inputs by DeepLIFT's
    /// rescale rule (Shrikumar et al. 2017): each unit passes back the ratio of its output's
    /// change to its input's change, so the input terms add up to the output's change.
    ///
    /// - Returns: one term per input, and the reference's output.
    func deepLIFT(_ input: [Float], reference: [Float]) -> (terms: [Double], reference: Double) {
        func run(_ x: [Float]) -> [[Double]] {
            var values = [x.map(Double.init)]
            var pre: [[Double]] = [values[0]]
            for l in 0..<depth {
                let (inWidth, outWidth) = (widths[l], widths[l + 1])
                var z = (0..<outWidth).map { Double(layers[l][inWidth * outWidth + $0]) }
                for i in 0..<inWidth where values[l][i] != 0 {
                    for o in 0..<outWidth {
                        z[o] += values[l][i] * Double(layers[l][i * outWidth + o])
                    }
                }
                pre.append(z)
                values.append(l == depth - 1 ? z : z.map(activationDouble))
            }
            return pre + values
        }
        let here = run(input)
        let there = run(reference)
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
                for o in 0..<outWidth { sum += Double(layers[l][i * outWidth + o]) * multipliers[o] }
                return sum
            }
        }
        let terms = (0..<widths[0]).map {
            multipliers[$0] * (Double(input[$0]) - Double(reference[$0]))
        }
        return (terms, there[count + depth][0])
    }

    private func activationDouble(_ z: Double) -> Double {
        switch activation {
        case .relu: max(0, z)
        case .tanh: Foundation.tanh(z)
        }
    }
}
