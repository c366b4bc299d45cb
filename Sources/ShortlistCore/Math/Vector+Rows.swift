/// The kernels on ``Matrix`` row views, the form plugins call: each checks in debug builds that
/// the lengths agree, then runs the pointer kernel.
extension Vector {
    /// Σ a[i]·b[i] over two rows of one length.
    @inlinable @inline(__always)
    public static func dot(_ a: Matrix.Row, _ b: Matrix.Row) -> Float {
        assert(a.count == b.count, "dot product of \(a.count) and \(b.count) values")
        return dot(a.base, b.base, a.count)
    }

    /// The cosine of the angle between two rows of one length; 0 when either is all zeros.
    @inlinable
    public static func cosine(_ a: Matrix.Row, _ b: Matrix.Row) -> Float {
        assert(a.count == b.count, "cosine of \(a.count) and \(b.count) values")
        return cosine(a.base, b.base, a.count)
    }

    /// y[i] += alpha · x[i] over two rows of one length.
    @inlinable @inline(__always)
    public static func axpy(_ alpha: Float, _ x: Matrix.Row, _ y: Matrix.MutableRow) {
        assert(x.count == y.count, "adding \(x.count) values to \(y.count)")
        axpy(alpha, x.base, y.base, y.count)
    }

    /// y[o] += Σ x[i]·w[i][o] over the `inputs` i whose x[i] is not 0, as
    /// ``accumulate(_:inputs:rows:width:into:)`` adds them.
    @inlinable
    public static func accumulate<Inputs: Collection<Int>>(
        _ x: Matrix.Row, inputs: Inputs, rows w: Matrix.Rows, into y: Matrix.MutableRow
    ) {
        assert(w.width == y.count, "rows of \(w.width) added to \(y.count) values")
        assert(inputs.allSatisfy { $0 >= 0 && $0 < x.count && $0 < w.count }, "input out of range")
        accumulate(x.base, inputs: inputs, rows: w.base, width: w.width, into: y.base)
    }

    /// One stochastic gradient step of squared error with an L2 penalty on a pair of factor
    /// rows of one length, both from the old values: p += rate·(e·q − λ·p) and
    /// q += rate·(e·p − λ·q).
    @inlinable @inline(__always)
    public static func sgdStep(
        _ p: Matrix.MutableRow, _ q: Matrix.MutableRow, error: Float, rate: Float, lambda: Float
    ) {
        assert(p.count == q.count, "a step on rows of \(p.count) and \(q.count) values")
        let (p, q, k) = (p.base, q.base, p.count)
        let e = SIMD16<Float>(repeating: error)
        let r = SIMD16<Float>(repeating: rate)
        let l = SIMD16<Float>(repeating: lambda)
        var f = 0
        while f &+ 16 <= k {
            let pv = load16(UnsafePointer(p + f))
            let qv = load16(UnsafePointer(q + f))
            store16(pv + r * (e * qv - l * pv), p + f)
            store16(qv + r * (e * pv - l * qv), q + f)
            f &+= 16
        }
        while f < k {
            let pf = p[f]
            let qf = q[f]
            p[f] = pf + rate * (error * qf - lambda * pf)
            q[f] = qf + rate * (error * pf - lambda * qf)
            f &+= 1
        }
    }
}
