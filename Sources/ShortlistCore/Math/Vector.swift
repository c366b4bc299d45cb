#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// Small dense-vector kernels over raw pointers, used in every factor model's inner loops.
///
/// They work on `count` floats with four independent SIMD16 accumulators and a tree sum,
/// because a single running sum is one dependent chain (see SWIFT-SPEED.md).
public enum Vector {
    /// Σ a[i]·b[i].
    ///
    /// - Complexity: O(count).
    @inlinable @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int)
        -> Float
    {
        var s0 = SIMD16<Float>()
        var s1 = SIMD16<Float>()
        var s2 = SIMD16<Float>()
        var s3 = SIMD16<Float>()
        var i = 0
        while i &+ 64 <= count {
            s0.addProduct(load16(a + i), load16(b + i))
            s1.addProduct(load16(a + (i &+ 16)), load16(b + (i &+ 16)))
            s2.addProduct(load16(a + (i &+ 32)), load16(b + (i &+ 32)))
            s3.addProduct(load16(a + (i &+ 48)), load16(b + (i &+ 48)))
            i &+= 64
        }
        while i &+ 16 <= count {
            s0.addProduct(load16(a + i), load16(b + i))
            i &+= 16
        }
        var total = horizontalSum((s0 + s1) + (s2 + s3))
        while i < count {
            total += a[i] * b[i]
            i &+= 1
        }
        return total
    }

    /// y[i] += alpha · x[i].
    @inlinable @inline(__always)
    public static func axpy(
        _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int
    ) {
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i &+ 16 <= count {
            let updated = load16(UnsafePointer(y + i)).addingProduct(a, load16(x + i))
            store16(updated, y + i)
            i &+= 16
        }
        while i < count {
            y[i] += alpha * x[i]
            i &+= 1
        }
    }

    /// y[o] += Σ x[i]·w[i·n + o] over the `inputs` i whose x[i] is not 0, in their order: what
    /// `axpy(x[i], w + i·n, y, n)` for each of them gives, to the bit (a fused multiply-add
    /// per term in each 16 columns, a multiply and an add after the last 16), with 32 columns
    /// at a time kept in registers across the inputs instead of read and written for each.
    ///
    /// - Complexity: O(inputs · n).
    @inlinable
    public static func accumulate<Inputs: Collection<Int>>(
        _ x: UnsafePointer<Float>, inputs: Inputs, rows w: UnsafePointer<Float>, width n: Int,
        into y: UnsafeMutablePointer<Float>
    ) {
        var c = 0
        while c &+ 32 <= n {
            var low = load16(UnsafePointer(y + c))
            var high = load16(UnsafePointer(y + (c &+ 16)))
            for i in inputs where x[i] != 0 {
                let scale = SIMD16<Float>(repeating: x[i])
                let row = w + (i &* n &+ c)
                low = low.addingProduct(scale, load16(row))
                high = high.addingProduct(scale, load16(row + 16))
            }
            store16(low, y + c)
            store16(high, y + (c &+ 16))
            c &+= 32
        }
        if c &+ 16 <= n {
            var sum = load16(UnsafePointer(y + c))
            for i in inputs where x[i] != 0 {
                sum = sum.addingProduct(SIMD16(repeating: x[i]), load16(w + (i &* n &+ c)))
            }
            store16(sum, y + c)
            c &+= 16
        }
        if c < n {
            for i in inputs where x[i] != 0 {
                for o in c..<n { y[o] += x[i] * w[i &* n &+ o] }
            }
        }
    }

    @inlinable @inline(__always)
    static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    static func store16(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
    }

    /// The square root of each lane, correctly rounded as `Float.squareRoot()` is: in four
    /// SSE instructions on x86-64, where `SIMD16.squareRoot()` takes one lane at a time.
    @inlinable @inline(__always)
    static func squareRoot(_ v: SIMD16<Float>) -> SIMD16<Float> {
        #if arch(x86_64)
            let low = v.lowHalf
            let high = v.highHalf
            return SIMD16(
                lowHalf: SIMD8(
                    lowHalf: _mm_sqrt_ps(low.lowHalf), highHalf: _mm_sqrt_ps(low.highHalf)),
                highHalf: SIMD8(
                    lowHalf: _mm_sqrt_ps(high.lowHalf), highHalf: _mm_sqrt_ps(high.highHalf)))
        #else
            return v.squareRoot()
        #endif
    }

    /// The sum of 16 lanes as a tree of adds (`SIMD.sum()` is 15 serial adds).
    @inlinable @inline(__always)
    static func horizontalSum(_ v: SIMD16<Float>) -> Float {
        let a = v.lowHalf + v.highHalf
        let b = a.lowHalf + a.highHalf
        let c = b.lowHalf + b.highHalf
        return c[0] + c[1]
    }
}
