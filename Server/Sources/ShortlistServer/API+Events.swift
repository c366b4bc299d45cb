import ShortlistCore
import ShortlistData
import ShortlistStore

extension API {
    /// `POST /v1/events`: a batch of events, acknowledged (202) once every one is in the event
    /// log; a refused event (malformed, of an undeclared kind, for an unknown item, under the
    /// id of another) refuses the batch.
    func recordEvents(_ input: Operations.RecordEvents.Input) async throws
        -> Operations.RecordEvents.Output
    {
        guard case .json(let body) = input.body else { preconditionFailure("one content type") }
        let served = try holder.served()
        guard let policy = served.events, let store = served.store else {
            throw APIError(
                .notFound,
                "\(served.path) declares no event log: add an 'events' section naming the kinds "
                    + "of event, such as 'events: {kinds: {click: {weight: 1}}}'")
        }
        guard !body.events.isEmpty else {
            throw APIError(.badRequest, "'events' is empty; a batch holds 1 to 1000 events")
        }
        let catalogue = served.pipelines[0].dataset
        let events = try body.events.enumerated().map { index, sent throws(APIError) in
            let field = "events[\(index)]"
            let event = Event(
                id: sent.id, user: sent.user, item: sent.item, kind: sent.kind, value: sent.value,
                time: sent.time, request: sent.request)
            if let problem = policy.problem(with: event, field: field) { throw APIError(problem) }
            if catalogue.item(sent.item) == nil,
                let problem = policy.unknownItemProblem(sent.item, field: field)
            {
                throw APIError(problem)
            }
            return event
        }
        let outcome = try await store.recordEvents(events)
        return .accepted(
            .init(
                body: .json(.init(recorded: outcome.recorded, repeated: outcome.repeated))))
    }
}
