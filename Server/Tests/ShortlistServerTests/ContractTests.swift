import BuiltInPlugins
import Foundation
import Hummingbird
import HummingbirdTesting
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline
import ShortlistStore
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// Decodes `text` as the document's schema `type` (whose decoders refuse a key the schema
/// does not have, a missing required key and a value of the wrong type), recording `what`
/// when it does not fit.
func fits<Schema: Decodable>(_ text: String, _: Schema.Type, _ what: String) {
    do {
        _ = try JSONDecoder().decode(Schema.self, from: Data(text.utf8))
    } catch {
        Issue.record("\(what) is not a \(Schema.self): \(error)")
    }
}

@Suite struct ContractTests {
    /// The CLI's JSON (`recommend --format json|jsonl`, `explain`, `similar`, `ab report`),
    /// written by the CLI's own output types and encoder, is the document's shapes.
    @Test func theCLIsJSONFitsTheDocumentsSchemas() async throws {
        let (holder, folder) = try served()
        defer { withExtendedLifetime(folder) {} }
        let served = try holder.served()
        for pipeline in served.pipelines {
            let (response, trace) = pipeline.recommendWithTrace(
                ShortlistPipeline.Request(userID: "u5", n: nil), context: .priors, detail: nil)
            for explain in [false, true] {
                fits(
                    try json(
                        RecommendationOutput(
                            pipeline: pipeline, user: "u5", items: response.items, trace: trace,
                            explain: explain)),
                    Components.Schemas.Recommendations.self, "recommend --format json")
            }
            fits(
                try json(
                    RecommendationOutput(pipeline: pipeline, user: "u5", items: response.items),
                    pretty: false),
                Components.Schemas.Recommendations.self,
                "a line of recommend --users --format jsonl")
            for item in ["i1", "i4"] {
                fits(
                    try json(
                        ItemExplanationOutput(
                            try pipeline.explain(
                                userID: "u5", itemID: item, n: pipeline.resultCount, history: [],
                                context: .priors), pipeline: pipeline, user: "u5")),
                    Components.Schemas.ItemExplanation.self, "explain --format json")
            }
            fits(
                try json(
                    try SimilarList.lists(
                        pipeline, itemID: "i4", stage: nil, n: 3,
                        capableTypes: builtInPlugins.generatorTypes(with: .similarItems))),
                [Components.Schemas.SimilarList].self, "similar --format json")
        }
        let store = try #require(served.store)
        fits(
            try json(
                ArmReportAnswer(
                    pipeline: "ab", store: store.location,
                    arms: try await ArmReport.report(
                        "ab", declared: ["als", "popular"], store: store))),
            Components.Schemas.ArmReport.self, "ab report --format json")
    }

    /// The server's plain answer, built field by field, is what the JSON round trip through the
    /// generated decoders gives, for a pipeline with a bandit and one without, for a known user
    /// and a cold one.
    @Test func theLeanAnswerIsTheCheckedOne() async throws {
        let (holder, folder) = try served()
        defer { withExtendedLifetime(folder) {} }
        for pipeline in try holder.served().pipelines {
            for user in ["u5", "someone new"] {
                let (response, trace) = pipeline.recommendWithTrace(
                    ShortlistPipeline.Request(userID: user, n: nil), context: .priors, detail: 0)
                let output = RecommendationOutput(
                    pipeline: pipeline, user: user, items: response.items, trace: trace,
                    explain: false, lean: true)
                let lean = try Components.Schemas.Recommendations(lean: output)
                #expect(lean == (try .converting(output).value), "\(pipeline.name) \(user)")
                #expect(!lean.recommendations.isEmpty)
            }
        }
    }

    /// What the CLI logs and writes for a bandit response (`recommend --format jsonl`), the
    /// server takes as feedback without renaming a key: the line's `requestId` and an item of
    /// its `recommendations`, posted as they are.
    @Test func aJSONLineOfTheCLIFeedsTheServersFeedbackUnchanged() async throws {
        let (holder, folder) = try served()
        defer { withExtendedLifetime(folder) {} }
        let served = try holder.served()
        let pipeline = try served.pipeline("ab")
        let store = try #require(served.store)
        let (response, traced) = pipeline.recommendWithTrace(
            ShortlistPipeline.Request(userID: "u5", n: nil),
            context: RankingContext(
                armStates: try await store.armStates(pipeline: "ab", arms: ["als", "popular"])),
            detail: 0)
        var trace = traced
        let decision = try #require(response.decision)
        try await store.record(decision.served)
        trace.bandit?.logged = true
        let line = try json(
            RecommendationOutput(
                pipeline: pipeline, user: "u5", items: response.items, trace: trace,
                explain: false), pretty: false)
        let written = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let items = try #require(written["recommendations"] as? [[String: Any]])
        let feedback: [String: Any] = [
            "requestId": try #require(written["requestId"]),
            "item": try #require(items.first?["item"]), "reward": 1,
        ]
        let body = String(
            decoding: try JSONSerialization.data(withJSONObject: feedback), as: UTF8.self)
        try await withServer(holder) { client in
            let answer = try await post(client, "/v1/feedback", body)
            #expect(answer.status == .accepted, "\(String(buffer: answer.body))")
            #expect(try object(answer)["recorded"] as? Bool == true)
        }
    }

    /// What the server reads of the document it serves, to answer what no operation takes and
    /// to refuse unknown parameters, is every path of it and each operation's parameters.
    @Test func theServerReadsItsEndpointsAndParametersFromTheDocument() async throws {
        let (holder, _) = try served()
        let text = try await withServer(holder) { client in
            String(buffer: try await client.execute(uri: "/openapi.json", method: .get).body)
        }
        let served = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let paths = try #require(served["paths"] as? [String: Any])
        let read = Contract.served.endpoints.map {
            "/" + $0.path.joined(separator: "/").replacingOccurrences(of: "*", with: "{id}")
        }
        #expect(Set(paths.keys) == Set(read))
        #expect(
            Contract.served.queryNames["explain"] == [
                "user", "item", "pipeline", "n", "history", "only", "without", "lambda",
            ])
        #expect(Contract.served.queryNames["recommend"] == [])
        #expect(Contract.served.endpoint(at: "/v1/items/a%20b/similar")?.methods == [.get, .head])
        #expect(Contract.served.endpoint(at: "/v1/items//similar") == nil)
    }
}
