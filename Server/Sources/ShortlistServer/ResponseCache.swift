import Foundation
import NIOConcurrencyHelpers

/// Answers of requests whose answer is a pure function of the request and the loaded
/// pipelines (no bandit, no fresh history), bounded by their size encoded: a repeated request
/// is answered with the same answer without running the pipeline again. A reload brings a new
/// cache.
///
/// Two generations: entries go into the young one; when it holds half the budget, the old one
/// is dropped and the young one becomes old. A hit in the old generation moves the entry back
/// to the young one, so what is asked for again stays and what is not ages out.
final class ResponseCache<Answer: Sendable>: Sendable {
    private struct Generations {
        var young: [String: (answer: Answer, size: Int)] = [:]
        var old: [String: (answer: Answer, size: Int)] = [:]
        var youngBytes = 0
    }

    /// The budget in bytes (0: nothing is kept).
    let capacity: Int
    private let state = NIOLockedValueBox(Generations())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The answer kept for `key`, if any.
    func answer(for key: String) -> Answer? {
        guard capacity > 0 else { return nil }
        return state.withLockedValue { state in
            if let found = state.young[key] { return found.answer }
            guard let found = state.old.removeValue(forKey: key) else { return nil }
            Self.insert(found, for: key, into: &state, capacity: capacity)
            return found.answer
        }
    }

    /// Keeps `answer`, `size` bytes encoded, for `key`; an answer over half the budget is not
    /// kept.
    func keep(_ answer: Answer, size: Int, for key: String) {
        let entry = (answer: answer, size: size + key.utf8.count)
        guard entry.size <= capacity / 2 else { return }
        state.withLockedValue { Self.insert(entry, for: key, into: &$0, capacity: capacity) }
    }

    private static func insert(
        _ entry: (answer: Answer, size: Int), for key: String, into state: inout Generations,
        capacity: Int
    ) {
        if state.youngBytes + entry.size > capacity / 2 {
            state.old = state.young
            state.young = [:]
            state.youngBytes = 0
        }
        if state.young.updateValue(entry, forKey: key) == nil { state.youngBytes += entry.size }
    }
}
