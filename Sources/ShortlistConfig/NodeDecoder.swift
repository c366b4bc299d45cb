import Foundation
internal import ShortlistCore

/// Tracks which keys of which mappings a decode read, so that unread keys can be reported.
final class DecodingSession {
    let source: SourceFile
    private var visited: [(mapping: Mapping, context: String)] = []
    /// Each visited mapping's position in ``visited``, by mapping id.
    private var position: [Int: Int] = [:]
    /// How many of ``visited`` have passed the unread-key check. Reads only add keys, so a
    /// mapping that passed stays passed, and each check looks at new mappings only.
    private var checked = 0
    private var read: [Int: Set<String>] = [:]

    init(source: SourceFile) { self.source = source }

    /// Registers a mapping for the unread-key check; a later visit renames its context.
    func visit(_ mapping: Mapping, context: String) {
        if let index = position[mapping.id] {
            visited[index].context = context
        } else {
            read[mapping.id] = []
            position[mapping.id] = visited.count
            visited.append((mapping, context))
        }
    }

    func markRead(_ key: String, in mapping: Mapping) { read[mapping.id, default: []].insert(key) }

    func markAllRead(in mapping: Mapping) {
        read[mapping.id, default: []].formUnion(mapping.entries.map(\.key))
    }

    /// Throws for the first key, in visiting order, that nothing read.
    func checkEveryKeyRead() throws(ConfigurationError) {
        for (mapping, context) in visited[checked...] {
            let known = read[mapping.id] ?? []
            for entry in mapping.entries where !known.contains(entry.key) {
                let message = suggesting(
                    "unknown key '\(excerpt(entry.key))' in \(context)", for: entry.key,
                    in: known.sorted(),
                    otherwise: known.isEmpty
                        ? "" : "; valid keys: \(known.sorted().joined(separator: ", "))")
                throw source.error(.unknownKey, at: entry.keyMark, message)
            }
        }
        checked = visited.count
    }

    /// Throws for a key given twice in one mapping, naming what it is (`key`, `pipeline name`).
    func checkNoDuplicates(in mapping: Mapping, noun: String = "key", context: String)
        throws(ConfigurationError)
    {
        var first: [String: Mark] = [:]
        for entry in mapping.entries {
            if let earlier = first[entry.key] {
                throw source.error(
                    .duplicate, at: entry.keyMark,
                    "duplicate \(noun) '\(excerpt(entry.key))' in \(context) (first at line \(earlier.line))"
                )
            }
            first[entry.key] = entry.keyMark
        }
    }
}

/// A `Decoder` over a node: strict about types, and with its session, about unknown keys.
struct NodeDecoder: Decoder {
    let node: Node
    let session: DecodingSession
    /// How the value is named in messages, e.g. `'factors' in 'matrix-factorization'`.
    let context: String
    /// Keys the caller reads itself, counted as read.
    var reservedKeys: [String] = []
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy _: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw typeError(expected: "a mapping") }
        session.visit(mapping, context: context)
        try session.checkNoDuplicates(in: mapping, context: context)
        for key in reservedKeys { session.markRead(key, in: mapping) }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(mapping: mapping, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items, _) = node else { throw typeError(expected: "a list") }
        return UnkeyedNodeContainer(items: items, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeContainer(decoder: self)
    }

    /// The decoder of `key`'s value in this mapping, with the key marked read; nil when absent.
    func child(forKey key: String) throws(ConfigurationError) -> NodeDecoder? {
        guard case .mapping(let mapping) = node else { throw typeError(expected: "a mapping") }
        session.markRead(key, in: mapping)
        return mapping.entry(key).map {
            child($0.value, context: "'\(key)' in \(context)", key: NamedKey(stringValue: key))
        }
    }

    func child(_ node: Node, context: String, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, session: session, context: context, codingPath: codingPath + [key])
    }

    func typeError(expected: String) -> ConfigurationError {
        session.source.error(
            .typeMismatch, at: node.mark,
            "\(context) expects \(expected), found \(node.foundDescription)")
    }

    /// Decodes the node as `T`, converting scalars strictly: any fixed-width integer through
    /// `init(exactly:)`, `Float` only within its range.
    func decode<T: Decodable>(_: T.Type) throws -> T {
        if let choice = T.self as? any ParameterChoice.Type {
            return try cast(try decodeChoice(choice))
        }
        if let integer = T.self as? any FixedWidthInteger.Type {
            return try cast(try decodeInteger(integer))
        }
        switch T.self {
        case is String.Type: return try cast(try scalarText(expected: "a string"))
        case is Bool.Type: return try cast(try decodeBool())
        case is Double.Type: return try cast(try decodeNumber())
        case is Float.Type: return try cast(try decodeFloat())
        default: return try T(from: self)
        }
    }

    /// `value` as `T`, which the caller has established it is.
    private func cast<T>(_ value: Any) throws(ConfigurationError) -> T {
        guard let typed = value as? T else {
            throw typeError(expected: "a value of type \(T.self)")
        }
        return typed
    }

    private func scalarText(expected: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !scalar.isNull else {
            throw typeError(expected: expected)
        }
        return scalar.value
    }

    private func decodeBool() throws(ConfigurationError) -> Bool {
        switch try scalarText(expected: "true or false") {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw typeError(expected: "true or false")
        }
    }

    private func decodeInteger<I: FixedWidthInteger>(_: I.Type) throws(ConfigurationError) -> I {
        let text = try scalarText(expected: "an integer").replacingOccurrences(of: "_", with: "")
        if let value = I(text) { return value }
        guard let number = Double(text), number.isFinite, number == number.rounded() else {
            throw typeError(expected: "an integer")
        }
        guard let value = I(exactly: number) else {
            throw session.source.error(
                .typeMismatch, at: node.mark,
                "\(context) expects an integer from \(I.min) to \(I.max), found '\(excerpt(text))'"
            )
        }
        return value
    }

    private func decodeNumber() throws(ConfigurationError) -> Double {
        let text = try scalarText(expected: "a number")
        guard let value = Double(text.replacingOccurrences(of: "_", with: "")), value.isFinite
        else {
            throw typeError(expected: "a number")
        }
        return value
    }

    private func decodeFloat() throws(ConfigurationError) -> Float {
        let value = try decodeNumber()
        guard Float(value).isFinite else {
            throw session.source.error(
                .typeMismatch, at: node.mark,
                "\(context) expects a number within ±\(Float.greatestFiniteMagnitude), found "
                    + "'\(plainNumber(value))'"
            )
        }
        return Float(value)
    }

    private func decodeChoice<C: ParameterChoice>(_: C.Type) throws(ConfigurationError) -> C {
        let choices = C.allCases.map(\.rawValue)
        let expected = "one of \(choices.joined(separator: ", "))"
        let text = try scalarText(expected: expected)
        if let value = C(rawValue: text) { return value }
        let message = suggesting(
            "\(context) expects \(expected), found '\(excerpt(text))'", for: text, in: choices)
        throw session.source.error(.typeMismatch, at: node.mark, message)
    }
}

/// A coding key made from any string, for reading mappings by name.
struct NamedKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
    init(stringLiteral value: String) { stringValue = value }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let mapping: Mapping
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        decoder.session.markAllRead(in: mapping)
        return mapping.entries.compactMap { Key(stringValue: $0.key) }
    }

    func contains(_ key: Key) -> Bool {
        decoder.session.markRead(key.stringValue, in: mapping)
        return mapping.entry(key.stringValue) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        decoder.session.markRead(key.stringValue, in: mapping)
        return mapping.entry(key.stringValue)?.value.isNull ?? true
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        decoder.session.markRead(key.stringValue, in: mapping)
        guard let entry = mapping.entry(key.stringValue) else {
            throw decoder.session.source.error(
                .missingKey, at: mapping.mark,
                "missing required key '\(key.stringValue)' in \(decoder.context)"
            )
        }
        return decoder.child(
            entry.value, context: "'\(key.stringValue)' in \(decoder.context)", key: key)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decode(type)
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try child(key).decode(type)
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try child(key).decode(type)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try child(key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let items: [Node]
    let decoder: NodeDecoder
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(items: [Node], decoder: NodeDecoder) {
        self.items = items
        self.decoder = decoder
    }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.typeError(expected: "more list items") }
        defer { currentIndex += 1 }
        return decoder.child(
            items[currentIndex], context: "item \(currentIndex + 1) of \(decoder.context)",
            key: NamedKey(stringValue: String(currentIndex))
        )
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decode(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleNodeContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decode(type) }
    func decode(_ type: String.Type) throws -> String { try decoder.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decode(type) }
}
