import BuiltInPlugins
import ShortlistCore
import ShortlistTestSupport
import Testing

@testable import ShortlistConfig

@Suite struct PluginRegistryTests {
    /// Decoding `{key: documented default}` from YAML gives what decoding `{}` gives, for every
    /// parameter of every plugin whose default is a value (the others document what unset means).
    @Test func everyDocumentedDefaultDecodesToTheDefault() throws {
        var checked = 0
        for entry in builtInPlugins.entries {
            #expect(!entry.summary.isEmpty)
            for parameter in entry.parameters where parameter.isValue {
                let same = try entry.documentedDefaultDecodes(
                    parameter.key, try yamlDecoder("{}"),
                    try yamlDecoder("{\(parameter.key): \(parameter.defaultValue)}")
                )
                #expect(
                    same, "\(entry.type): '\(parameter.key)' documents \(parameter.defaultValue)")
                checked += 1
            }
        }
        #expect(checked >= 29)
    }

    @Test func typesAreKebabCaseAndUnique() {
        let types = builtInPlugins.entries.map(\.type)
        #expect(Set(types).count == types.count)
        for type in types { #expect(type.allSatisfy { $0.isLowercase || $0 == "-" }, "\(type)") }
    }

    @Test func capabilitiesAreDeclaredAtRegistration() {
        #expect(
            builtInPlugins.generatorTypes(with: .similarItems) == [
                "matrix-factorization", "tfidf", "triplet-embedding",
            ])
        #expect(builtInPlugins.generatorTypes(with: .ratingPrediction) == ["matrix-factorization"])
    }

    @Test func aDuplicatePluginTypeTrapsAtStartUp() async {
        await #expect(processExitsWith: .failure) {
            _ = PluginRegistry(builtInPlugins.entries + builtInPlugins.entries.prefix(1))
        }
    }
}

/// A decoder over YAML text, as the pipelines file reader makes one.
private func yamlDecoder(_ text: String) throws -> any Decoder {
    let source = SourceFile(name: "test.yaml", text: text)
    var reader = YAMLReader(source: source)
    let node = try #require(try reader.read())
    return NodeDecoder(node: node, session: DecodingSession(source: source), context: "test")
}
