import ShortlistCore
import ShortlistTestSupport
import Testing

/// Item co-occurrence whose explanations leave out each item's smallest term: its terms no
/// longer add up to its score.
struct TermDropping: CandidateGenerator {
    struct Params: PluginParameters {
        static var declarations: [ParameterDeclaration<Self>] { [] }
    }

    static let type = "term-dropping"
    static let summary = "Co-occurrence with a term missing from every explanation."

    static func make(_ params: Params, context: BuildContext) throws -> TermDropping {
        TermDropping()
    }

    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        Model(
            inner: try ItemCooccurrence.make(.init(), context: .test).fit(data, progress: progress))
    }

    struct Model: CandidateModel {
        let inner: ItemCooccurrence.Model

        init(inner: ItemCooccurrence.Model) { self.inner = inner }

        func candidates(for query: Query, limit: Int) -> [Candidate] {
            inner.candidates(for: query, limit: limit)
        }

        func explain(item: ItemIndex, for query: Query) -> Explanation {
            let terms = inner.explain(item: item, for: query).terms
            return Explanation(terms: terms.count > 1 ? Array(terms.dropLast()) : terms)
        }

        func unavailability(for query: Query) -> Unavailability? {
            inner.unavailability(for: query)
        }

        static let formatVersion = 1

        func write(to writer: inout ArtifactWriter) { inner.write(to: &writer) }

        init(reading reader: inout ArtifactReader) throws(ArtifactError) {
            inner = try ItemCooccurrence.Model(reading: &reader)
        }
    }
}

@Suite struct ContractCheckTests {
    @Test func aGeneratorWhoseTermsDoNotAddUpToItsScoreFailsTheCheck() throws {
        let dataset = PlantedClusters().dataset
        #expect(
            try checkCandidateGenerator(
                { try ItemCooccurrence.make(.init(), context: .test) }, on: dataset
            ).isEmpty)
        let problems = try checkCandidateGenerator({ TermDropping() }, on: dataset)
        #expect(problems.contains { $0.contains("terms add up to") }, "\(problems)")
    }
}
