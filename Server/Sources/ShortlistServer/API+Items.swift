import BuiltInPlugins
import ShortlistCore
import ShortlistOutput

extension API {
    /// `GET /v1/items/{id}/similar`: the items most like one, per stage that can tell, as
    /// `shortlist similar --format json`.
    func similarItems(_ input: Operations.SimilarItems.Input) async throws
        -> Operations.SimilarItems.Output
    {
        let id = input.path.id
        let served = try holder.served()
        let pipeline = try served.pipeline(input.query.pipeline)
        let lists = try SimilarList.lists(
            pipeline, itemID: id, stage: input.query.stage,
            n: try Self.count(input.query.n, default: 10),
            capableTypes: builtInPlugins.generatorTypes(with: .similarItems))
        return .ok(.init(body: .json(try .converting(lists).value)))
    }
}
