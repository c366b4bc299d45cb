import Dispatch

/// `transform(0 ..< count)` in order, computed in chunks of 64 spread over the cores.
///
/// Each result depends only on its index, so the output does not depend on the thread count.
public func concurrentMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let chunk = 64
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let output = SendableBuffer(buffer)
        DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { index in
            for position in index * chunk..<min(count, (index + 1) * chunk) {
                output.initialize(position, to: transform(position))
            }
        }
        initialized = count
    }
}

/// Disjoint slots of one buffer initialised from several threads.
private struct SendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }

    func initialize(_ position: Int, to value: Element) {
        precondition(position >= 0 && position < buffer.count)
        (buffer.baseAddress.unsafelyUnwrapped + position).initialize(to: value)
    }
}
