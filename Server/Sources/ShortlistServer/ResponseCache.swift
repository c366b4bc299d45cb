import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Encoded answers of requests whose answer is a pure function of the request and the loaded
/// pipelines (no bandit, no fresh history), bounded in bytes: a repeated request is answered
/// with the same bytes without running the pipeline again. A reload brings a new cache.
///
/// Two generations: entries go into the young one; when it holds half the budget, the old one
/// is dropped and the young one becomes old. A hit in the old generation moves the entry back
/// to the young one, so what is asked for again stays and what is not ages out.
final class ResponseCache: Sendable {
    private struct Generations {
        var young: [String: ByteBuffer] = [:]
        var old: [String: ByteBuffer] = [:]
        var youngBytes = 0
    }

    /// The budget in bytes (0: nothing is kept).
    let capacity: Int
    private let state = NIOLockedValueBox(Generations())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The answer kept for `key`, if any.
    func answer(for key: String) -> ByteBuffer? {
        guard capacity > 0 else { return nil }
        return state.withLockedValue { state in
            if let found = state.young[key] { return found }
            guard let found = state.old.removeValue(forKey: key) else { return nil }
            Self.insert(found, for: key, into: &state, capacity: capacity)
            return found
        }
    }

    /// Keeps `answer` for `key`; an answer over half the budget is not kept.
    func keep(_ answer: ByteBuffer, for key: String) {
        guard answer.readableBytes + key.utf8.count <= capacity / 2 else { return }
        state.withLockedValue { Self.insert(answer, for: key, into: &$0, capacity: capacity) }
    }

    private static func insert(
        _ answer: ByteBuffer, for key: String, into state: inout Generations, capacity: Int
    ) {
        let size = answer.readableBytes + key.utf8.count
        if state.youngBytes + size > capacity / 2 {
            state.old = state.young
            state.young = [:]
            state.youngBytes = 0
        }
        if state.young.updateValue(answer, forKey: key) == nil { state.youngBytes += size }
    }
}
