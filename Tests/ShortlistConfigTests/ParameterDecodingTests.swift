import BuiltInPlugins
import ShortlistConfig
import ShortlistCore
import Testing

/// A plugin whose parameters are an `Int32` and a `Float`, widths the built-in plugins do not use.
private struct Widths: CandidateGenerator {
    struct Params: PluginParameters {
        var count: Int32 = 3
        var scale: Float = 1
        init() {}
        static var declarations: [ParameterDeclaration<Self>] {
            [
                .init("count", \.count, .positive, "a 32-bit count"),
                .init("scale", \.scale, "a 32-bit number"),
            ]
        }
    }

    struct Model: CandidateModel {
        func candidates(for query: Query, limit: Int) -> [Candidate] { [] }
        func explain(item: ItemIndex, for query: Query) -> Explanation { .none }
        func unavailability(for query: Query) -> Unavailability? { .noHistory }
        static let formatVersion = 1
        func write(to writer: inout ArtifactWriter) {}
        init() {}
        init(reading reader: inout ArtifactReader) throws(ArtifactError) {}
    }

    static let type = "widths"
    static let summary = "Nominates nothing."
    static func make(_ params: Params, context: BuildContext) throws -> Widths { Widths() }
    func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model { Model() }
}

private func parse(_ parameters: String) throws -> PipelinesFile {
    let text = """
        dataset: {format: recbole, path: data}
        pipelines:
          default:
            candidates: [{name: w, type: widths, \(parameters)}]
            ranker: {type: weighted-average}
        """
    let registry = PluginRegistry(
        [.generator(Widths.self)] + builtInPlugins.entries.filter { $0.kind == .ranker })
    return try PipelinesFile.parse(
        text, name: "pipelines.yaml", baseDirectory: ".", registry: registry)
}

private func error(_ parameters: String) -> String? {
    do {
        _ = try parse(parameters)
        return nil
    } catch {
        return "\(error)"
    }
}

@Suite struct ParameterDecodingTests {
    @Test func int32AndFloatParametersDecodeFromYAML() throws {
        let file = try parse("count: 7, scale: 0.25")
        #expect(
            file.pipelines.first?.generators.first?.generator.configuration
                == #"{"count":7,"scale":0.25}"#)
    }

    @Test func anIntegerOutsideItsWidthIsAnError() throws {
        #expect(
            error("count: 3000000000") == """
                pipelines.yaml:4:49: error: 'count' in 'widths' expects an integer from -2147483648 to 2147483647, found '3000000000'
                    candidates: [{name: w, type: widths, count: 3000000000}]
                                                                ^
                """)
        #expect(
            error("count: 2.5")?.hasPrefix(
                "pipelines.yaml:4:49: error: 'count' in 'widths' expects an integer, found '2.5'")
                == true)
        #expect(
            try parse("count: 7.0").pipelines.first?.generators.first?.generator.configuration
                == #"{"count":7,"scale":1}"#)
    }

    @Test func aNumberBeyondFloatIsAnError() {
        #expect(
            error("scale: 1e300") == """
                pipelines.yaml:4:49: error: 'scale' in 'widths' expects a number within ±3.4028235e+38, found '1e+300'
                    candidates: [{name: w, type: widths, scale: 1e300}]
                                                                ^
                """)
    }

    @Test func boundsAreCheckedWithOneWording() {
        #expect(
            error("count: 0") == """
                pipelines.yaml:4:49: error: 'count' must be positive, found 0
                    candidates: [{name: w, type: widths, count: 0}]
                                                                ^
                """)
    }
}
