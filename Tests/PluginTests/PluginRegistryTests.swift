import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistTestSupport
import Testing

@Suite struct PluginRegistryTests {
    /// Every plugin decodes from an empty mapping (all parameters have defaults) and documents
    /// exactly the keys it reads.
    @Test func everyPluginDocumentsExactlyTheKeysItReads() throws {
        for entry in builtInPlugins.entries {
            let recorder = KeyRecorder()
            _ = try entry.decodeParameters(recorder)
            #expect(Set(entry.parameters.map(\.key)) == recorder.keys.value, "\(entry.type)")
            #expect(!entry.summary.isEmpty)
        }
    }

    @Test func typesAreKebabCaseAndUnique() {
        let types = builtInPlugins.entries.map(\.type)
        #expect(Set(types).count == types.count)
        for type in types { #expect(type.allSatisfy { $0.isLowercase || $0 == "-" }, "\(type)") }
    }
}

/// A decoder over an empty mapping that records every key asked for.
private final class KeyRecorder: Decoder {
    final class Keys: @unchecked Sendable { var value: Set<String> = [] }
    let keys = Keys()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy _: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(keys: keys))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "empty")) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "empty")) }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let keys: Keys
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] = []
        func contains(_ key: Key) -> Bool {
            keys.value.insert(key.stringValue)
            return false
        }
        func decodeNil(forKey key: Key) -> Bool { true }
        func decode<T: Decodable>(_: T.Type, forKey key: Key) throws -> T {
            keys.value.insert(key.stringValue)
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "required"))
        }
        func nestedContainer<N: CodingKey>(keyedBy _: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> { throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "nested")) }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "nested")) }
        func superDecoder() throws -> any Decoder { throw DecodingError.keyNotFound(NamedKey("super"), .init(codingPath: [], debugDescription: "super")) }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "super")) }
    }

    struct NamedKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ value: String) { stringValue = value }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
