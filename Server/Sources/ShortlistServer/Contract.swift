import Foundation
import HTTPTypes

/// What the server reads of its own OpenAPI document at start, so that the document stays the
/// one place the contract is written: each endpoint's path and methods (for the 404 and 405
/// answers of what no route takes) and each operation's query parameters (anything else in a
/// query is refused).
struct Contract: Sendable {
    struct Endpoint: Sendable {
        /// The path's segments, `*` where the document has a parameter (`{id}`).
        var path: [Substring]
        var methods: [HTTPRequest.Method]
    }

    var endpoints: [Endpoint]
    /// Each operation's query parameters, by operation id.
    var queryNames: [String: [String]]
    /// The range of each integer query parameter, by operation id and name.
    var integerRanges: [String: [String: ClosedRange<Int>]]
    /// The keys of each operation's JSON body, by operation id.
    var bodyKeys: [String: [String]]
    /// The range of each integer key of a body, by operation id and key.
    var bodyIntegerRanges: [String: [String: ClosedRange<Int>]]

    /// The contract of the served document.
    static let served = Contract(document: OpenAPIDocument.json)

    init(document json: String) {
        let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        endpoints = paths.keys.sorted().map { path in
            let operations = paths[path] ?? [:]
            return Endpoint(
                path: Self.components(path).map { $0.hasPrefix("{") ? "*" : $0 },
                methods: operations.keys.sorted().compactMap {
                    HTTPRequest.Method($0.uppercased())
                })
        }
        let schemas =
            (document?["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]]
            ?? [:]
        var names: [String: [String]] = [:]
        var keys: [String: [String]] = [:]
        var ranges: [String: [String: ClosedRange<Int>]] = [:]
        var bodyRanges: [String: [String: ClosedRange<Int>]] = [:]
        for operations in paths.values {
            for case let operation as [String: Any] in operations.values {
                guard let id = operation["operationId"] as? String else { continue }
                let parameters = operation["parameters"] as? [[String: Any]] ?? []
                let query = parameters.filter { $0["in"] as? String == "query" }
                names[id] = query.compactMap { $0["name"] as? String }
                for parameter in query {
                    guard let name = parameter["name"] as? String,
                        let schema = parameter["schema"] as? [String: Any],
                        schema["type"] as? String == "integer"
                    else { continue }
                    ranges[id, default: [:]][name] = Self.range(schema)
                }
                let body = operation["requestBody"] as? [String: Any]
                let media = (body?["content"] as? [String: Any])?["application/json"]
                let reference = ((media as? [String: Any])?["schema"] as? [String: Any])?["$ref"]
                if let name = (reference as? String)?.split(separator: "/").last,
                    let properties = schemas[String(name)]?["properties"] as? [String: Any]
                {
                    keys[id] = properties.keys.sorted()
                    for case (let key, let schema as [String: Any]) in properties
                    where schema["type"] as? String == "integer" {
                        bodyRanges[id, default: [:]][key] = Self.range(schema)
                    }
                }
            }
        }
        queryNames = names
        integerRanges = ranges
        bodyIntegerRanges = bodyRanges
        bodyKeys = keys
    }

    /// An integer schema's range.
    static func range(_ schema: [String: Any]) -> ClosedRange<Int> {
        (schema["minimum"] as? Int ?? Int.min)...(schema["maximum"] as? Int ?? Int.max)
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
