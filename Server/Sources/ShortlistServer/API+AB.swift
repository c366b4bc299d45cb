import ShortlistCore
import ShortlistStore

extension API {
    /// `GET /v1/ab/report`: each arm of a bandit pipeline, as `shortlist ab report --format
    /// json`, from the feedback store every replica shares.
    func abReport(_ input: Operations.AbReport.Input) async throws -> Operations.AbReport.Output {
        let served = try holder.served()
        guard let store = served.store else {
            throw APIError(
                .notFound, "no pipeline of \(served.path) has a bandit ranker to report on")
        }
        let pipeline =
            try input.query.pipeline.map { name throws(RequestError) in
                try served.pipeline(name)
            } ?? served.pipelines.first { $0.bandit != nil }
        guard let pipeline, let bandit = pipeline.bandit else {
            throw APIError(
                .notFound,
                "pipeline '\(pipeline?.name ?? "")' has no bandit ranker (its ranker is "
                    + "\(pipeline?.rankerType ?? "")), so it has no arms")
        }
        let name = pipeline.name
        let report = try await ArmReport.report(name, declared: bandit.arms, store: store)
        return .ok(
            .init(
                body: .json(
                    try .converting(
                        ArmReportAnswer(pipeline: name, store: store.location, arms: report)
                    ).value)))
    }
}
