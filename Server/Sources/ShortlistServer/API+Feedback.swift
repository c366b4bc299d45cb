import ShortlistCore
import ShortlistStore

extension API {
    /// `POST /v1/feedback`: a reward for an item a logged bandit response showed, acknowledged
    /// (202) once it is in the feedback store.
    func recordFeedback(_ input: Operations.RecordFeedback.Input) async throws
        -> Operations.RecordFeedback.Output
    {
        guard case .json(let body) = input.body else { preconditionFailure("one content type") }
        try checkID(body.requestId, "'requestId'")
        try checkID(body.item, "'item'")
        let served = try holder.served()
        guard let store = served.store else {
            throw APIError(
                .notFound, "no pipeline of \(served.path) has a bandit ranker to reward")
        }
        let outcome = try await store.recordFeedback(
            request: body.requestId, item: body.item, reward: body.reward)
        return .accepted(.init(body: .json(.init(recorded: outcome == .recorded))))
    }
}
