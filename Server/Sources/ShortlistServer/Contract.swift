import Foundation
import HTTPTypes
import ShortlistCore
import ShortlistData

/// What the server reads of its own OpenAPI document at start, so that the document stays the
/// one place the contract is written: each endpoint's path and methods (for the 404 and 405
/// answers of what no route takes), each operation's query parameters and the rules of their
/// values (anything else in a query of `/v1` is refused), and the keys of each JSON body.
struct Contract: Sendable {
    struct Endpoint: Sendable {
        /// The path's segments, `*` where the document has a parameter (`{id}`).
        var path: [Substring]
        var methods: [HTTPRequest.Method]
    }

    /// What the document says of a string or integer value: what the generated decoders do
    /// not check.
    struct Rule: @unchecked Sendable {
        /// The least length of a string.
        var minLength: Int?
        /// A string's pattern (the document's, read as ICU reads it).
        var pattern: NSRegularExpression?
        /// What the document says of the value, for messages.
        var description: String?
        /// An integer's range.
        var range: ClosedRange<Int>?
    }

    var endpoints: [Endpoint]
    /// Each operation's query parameters in the document's order, by operation id.
    var queryNames: [String: [String]]
    /// The rules of each operation's query parameters, by operation id and name.
    var queryRules: [String: [String: Rule]]
    /// The keys of each operation's JSON body, by operation id.
    var bodyKeys: [String: [String]]
    /// The rules of the keys of each operation's JSON body, by operation id and key.
    var bodyRules: [String: [String: Rule]]

    /// The contract of the served document.
    static let served = Contract(document: OpenAPIDocument.json)

    init(document json: String) {
        let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        endpoints = paths.keys.sorted().map { path in
            let operations = paths[path] ?? [:]
            let methods = operations.keys.sorted().compactMap {
                HTTPRequest.Method($0.uppercased())
            }
            return Endpoint(
                path: Self.components(path).map { $0.hasPrefix("{") ? "*" : $0 },
                // The router answers HEAD wherever it answers GET.
                methods: methods + (methods.contains(.get) ? [.head] : []))
        }
        let schemas =
            (document?["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]]
            ?? [:]
        /// A schema with its `$ref` followed.
        func resolved(_ schema: [String: Any]?) -> [String: Any] {
            guard let schema else { return [:] }
            guard let reference = schema["$ref"] as? String,
                let name = reference.split(separator: "/").last
            else { return schema }
            return resolved(schemas[String(name)])
        }
        func rule(_ schema: [String: Any]?, description: String? = nil) -> Rule {
            let schema = resolved(schema)
            return Rule(
                minLength: schema["minLength"] as? Int,
                pattern: (schema["pattern"] as? String).flatMap {
                    try? NSRegularExpression(pattern: $0)
                },
                description: description ?? schema["description"] as? String,
                range: schema["type"] as? String == "integer"
                    ? (schema["minimum"] as? Int ?? Int.min)...(schema["maximum"] as? Int ?? Int.max)
                    : nil)
        }
        var names: [String: [String]] = [:]
        var queryRules: [String: [String: Rule]] = [:]
        var keys: [String: [String]] = [:]
        var bodyRules: [String: [String: Rule]] = [:]
        for operations in paths.values {
            for case let operation as [String: Any] in operations.values {
                guard let id = operation["operationId"] as? String else { continue }
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                let query = parameters.filter { $0["in"] as? String == "query" }
                names[id] = query.compactMap { $0["name"] as? String }
                for parameter in query {
                    guard let name = parameter["name"] as? String else { continue }
                    queryRules[id, default: [:]][name] = rule(
                        parameter["schema"] as? [String: Any],
                        description: parameter["description"] as? String)
                }
                let body = operation["requestBody"] as? [String: Any]
                let media = (body?["content"] as? [String: Any])?["application/json"]
                let schema = resolved((media as? [String: Any])?["schema"] as? [String: Any])
                if let properties = schema["properties"] as? [String: [String: Any]] {
                    keys[id] = properties.keys.sorted()
                    bodyRules[id] = properties.mapValues { rule($0) }
                }
            }
        }
        queryNames = names
        self.queryRules = queryRules
        bodyKeys = keys
        self.bodyRules = bodyRules
    }

    /// A path's segments after its leading `/`.
    static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
    }

    /// The endpoint whose path `path` is, if any.
    func endpoint(at path: String) -> Endpoint? {
        let asked = Self.components(path)
        return endpoints.first { endpoint in
            endpoint.path.count == asked.count
                && zip(endpoint.path, asked).allSatisfy { $0 == "*" ? !$1.isEmpty : $0 == $1 }
        }
    }
}

extension Contract.Rule {
    /// Why `text`, the value of `name`, breaks the rule, or nil.
    func problem(_ text: String, _ name: String) -> String? {
        if let range {
            guard let value = Int(text), range.contains(value) else {
                return "'\(name)' must be an integer from \(range.lowerBound) to "
                    + "\(range.upperBound), found '\(excerpt(text))'"
            }
            return nil
        }
        if let minLength, text.count < minLength {
            return minLength == 1
                ? "'\(name)' needs a value, found an empty one"
                : "'\(name)' needs at least \(minLength) characters"
        }
        if let pattern,
            pattern.firstMatch(
                in: text, range: NSRange(text.startIndex..., in: text)) == nil
        {
            if let control = firstControlCharacter(in: text) {
                return "'\(name)' holds a control character (\(control.codePoint)); an id is "
                    + "text without tabs or line ends"
            }
            return "'\(name)' is not valid" + (description.map { ": \($0)" } ?? "")
        }
        return nil
    }
}
