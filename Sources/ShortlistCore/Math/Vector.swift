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

    @inlinable @inline(__always)
    static func load16(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inlinable @inline(__always)
    static func store16(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
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
