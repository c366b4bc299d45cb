import Dispatch
import Foundation

/// `transform(0 ..< count)` in order, computed in chunks of `chunk` indices spread over up to
/// `threads` threads (every core by default, or as many as ``Cores/limit`` allows).
///
/// Each result depends only on its index, so the output does not depend on the thread count.
public func concurrentMap<T: Sendable>(
    _ count: Int, threads: Int = Cores.available, chunk: Int = 64,
    _ transform: @Sendable (Int) -> T
) -> [T] {
    let chunk = max(1, chunk)
    let chunks = (count + chunk - 1) / chunk
    return withoutActuallyEscaping(transform) { transform in
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let output = SendableBuffer(buffer)
            let fill: @Sendable (Int) -> Void = { index in
                for position in index * chunk..<min(count, (index + 1) * chunk) {
                    output.initialize(position, to: transform(position))
                }
            }
            if threads >= ProcessInfo.processInfo.activeProcessorCount {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: fill)
            } else if threads <= 1 || chunks <= 1 {
                for index in 0..<chunks { fill(index) }
            } else {
                let workers = min(threads, chunks)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for index in stride(from: worker, to: chunks, by: workers) { fill(index) }
                }
            }
            initialized = count
        }
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
