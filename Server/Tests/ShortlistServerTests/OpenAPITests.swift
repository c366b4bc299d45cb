import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShortlistServer
import ShortlistTestSupport
import Testing

/// A JSON value as the decoder read it: booleans and numbers stay apart.
indirect enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ buffer: ByteBuffer) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
    }

    subscript(_ key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    var string: String? { if case .string(let text) = self { text } else { nil } }

    var first: JSONValue? { if case .array(let elements) = self { elements.first } else { nil } }
}

/// Checks values against the OpenAPI document's schemas: the part of JSON Schema the document
/// uses, and a refusal of any keyword it does not know, so that nothing in the document goes
/// unchecked.
struct SchemaChecker {
    let document: JSONValue

    static let keywords: Set<String> = [
        "$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items",
        "minimum", "maximum", "minItems", "maxItems", "minLength", "description", "default",
        "format",
    ]

    /// The schema a `#/components/…` reference names.
    func resolve(_ reference: String) -> JSONValue? {
        reference.dropFirst(2).split(separator: "/").reduce(document as JSONValue?) {
            $0?[String($1)]
        }
    }

    /// What is wrong with `value` under `schema`, one line per problem, each with its path.
    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return ["\(path): the schema is no object"] }
        if let unknown = rules.keys.first(where: { !Self.keywords.contains($0) }) {
            return ["\(path): the checker does not know the keyword '\(unknown)'"]
        }
        if let reference = rules["$ref"]?.string {
            guard let target = resolve(reference) else { return ["\(path): no \(reference)"] }
            return problems(value, target, at: path)
        }
        var found: [String] = []
        if let type = rules["type"]?.string, !Self.value(value, is: type) {
            return ["\(path): expected \(type), found \(value)"]
        }
        if case .array(let allowed) = rules["enum"],
            !allowed.contains(where: { "\($0)" == "\(value)" })
        {
            found.append("\(path): \(value) is none of \(allowed)")
        }
        if let constant = rules["const"], "\(constant)" != "\(value)" {
            found.append("\(path): \(value) is not \(constant)")
        }
        if case .number(let number) = value {
            if case .number(let minimum) = rules["minimum"], number < minimum {
                found.append("\(path): \(number) is below \(minimum)")
            }
            if case .number(let maximum) = rules["maximum"], number > maximum {
                found.append("\(path): \(number) is above \(maximum)")
            }
        }
        if case .string(let text) = value, case .number(let minimum) = rules["minLength"],
            Double(text.count) < minimum
        {
            found.append("\(path): '\(text)' is shorter than \(minimum)")
        }
        if case .object(let members) = value {
            let properties: [String: JSONValue]
            if case .object(let declared) = rules["properties"] {
                properties = declared
            } else {
                properties = [:]
            }
            if case .array(let required) = rules["required"] {
                for key in required.compactMap(\.string) where members[key] == nil {
                    found.append("\(path): missing required '\(key)'")
                }
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    found += problems(member, property, at: "\(path).\(key)")
                } else if case .bool(false) = rules["additionalProperties"] {
                    found.append("\(path): '\(key)' is not in the document")
                }
            }
        }
        if case .array(let elements) = value {
            if case .number(let least) = rules["minItems"], Double(elements.count) < least {
                found.append("\(path): fewer than \(least) items")
            }
            if case .number(let most) = rules["maxItems"], Double(elements.count) > most {
                found.append("\(path): more than \(most) items")
            }
            if let items = rules["items"] {
                for (index, element) in elements.enumerated() {
                    found += problems(element, items, at: "\(path)[\(index)]")
                }
            }
        }
        return found
    }

    static func value(_ value: JSONValue, is type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
            ("number", .number):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }
}

/// One response the test saw, under the operation's path as the document writes it.
struct Exchange: Sendable {
    var method: String
    var path: String
    var response: TestResponse
}

@Suite struct OpenAPITests {
    @Test func everyResponseMatchesTheDocumentAndEveryDocumentedResponseIsSeen() async throws {
        let (served, folder) = try served()
        try folder.write(
            "plain.yaml",
            try String(contentsOfFile: "\(folder.path)/pipelines.yaml", encoding: .utf8)
                .components(separatedBy: "  ab:\n")[0])
        let plain = try PipelineHolder(path: "\(folder.path)/plain.yaml", logger: silentLogger)
        let huge = #"{"user": ""# + String(repeating: "x", count: Routes.bodyLimit) + #""}"#
        var seen = try await withServer(served) { client in
            var seen: [Exchange] = []
            func get(_ path: String, _ uri: String) async throws {
                let response = try await client.execute(uri: uri, method: .get)
                seen.append(Exchange(method: "get", path: path, response: response))
            }
            func send(_ path: String, _ body: String) async throws {
                let response = try await post(client, path, body)
                seen.append(Exchange(method: "post", path: path, response: response))
            }
            try await get("/", "/")
            try await get("/openapi.json", "/openapi.json")
            try await get("/healthz", "/healthz")
            try await get("/metrics", "/metrics")
            try await get("/v1/pipelines", "/v1/pipelines")
            try await send("/v1/recommend", #"{"user": "u5", "explain": true, "exclude": ["i1"]}"#)
            try await send(
                "/v1/recommend",
                #"{"user": "new", "pipeline": "ab", "explain": true, "history": [{"item": "i2", "rating": 4, "timestamp": 9}]}"#
            )
            try await send("/v1/recommend", #"{"user": "u5", "n": 0}"#)
            try await send("/v1/recommend", #"{"user": "u5", "pipeline": "nope"}"#)
            try await send("/v1/recommend", huge)
            let bandit = try JSONValue.parse(
                try await post(client, "/v1/recommend", #"{"user": "u5", "pipeline": "ab"}"#).body)
            let request = try #require(bandit["requestId"]?.string)
            let shown = try #require(bandit["recommendations"]?.first?["item"]?.string)
            try await send(
                "/v1/feedback", #"{"requestId": "\#(request)", "item": "\#(shown)", "reward": 1}"#)
            try await send("/v1/feedback", #"{"requestId": "\#(request)", "item": "i1"}"#)
            try await send("/v1/feedback", huge)
            try await get("/v1/explain", "/v1/explain?user=u5&item=\(shown)&pipeline=ab")
            try await get("/v1/explain", "/v1/explain?user=u5&item=i1&n=3&history=i2:4,i6")
            try await get("/v1/explain", "/v1/explain?user=u5&item=i1&history=zzz")
            try await get("/v1/explain", "/v1/explain?user=u5&item=zzz")
            try await get("/v1/items/{id}/similar", "/v1/items/i4/similar?n=3")
            try await get("/v1/items/{id}/similar", "/v1/items/i4/similar?n=x")
            try await get("/v1/items/{id}/similar", "/v1/items/zzz/similar")
            try await get("/v1/ab/report", "/v1/ab/report")
            try await get("/v1/ab/report", "/v1/ab/report?pipeline=default")
            try await get("/v1/ab/report", "/v1/ab/report?pipeline=nope")
            return seen
        }
        seen += try await withServer(plain) { client in
            let body = #"{"requestId": "r", "item": "i1", "reward": 1}"#
            let response = try await post(client, "/v1/feedback", body)
            return [Exchange(method: "post", path: "/v1/feedback", response: response)]
        }

        let document = try JSONValue.parse(ByteBuffer(string: try await openAPIText()))
        let checker = SchemaChecker(document: document)
        var documented: Set<String> = []
        guard case .object(let paths) = document["paths"] else {
            Issue.record("the document has no paths")
            return
        }
        for (path, operations) in paths {
            guard case .object(let byMethod) = operations else { continue }
            for (method, operation) in byMethod {
                guard case .object(let responses) = operation["responses"] else { continue }
                for status in responses.keys { documented.insert("\(method) \(path) \(status)") }
            }
        }
        var exercised: Set<String> = []
        for exchange in seen {
            let status = String(exchange.response.status.code)
            let name = "\(exchange.method) \(exchange.path) \(status)"
            exercised.insert(name)
            let declared = try #require(
                document["paths"]?[exchange.path]?[exchange.method]?["responses"]?[status],
                "\(name) is not in the document")
            let response =
                declared["$ref"]?.string.flatMap(checker.resolve) ?? declared
            guard case .object(let contents) = response["content"],
                let (type, media) = contents.first
            else {
                Issue.record("\(name) has no content in the document")
                continue
            }
            #expect(
                exchange.response.headers[.contentType]?.hasPrefix(type) == true,
                "\(name): \(exchange.response.headers[.contentType] ?? "no type"), not \(type)")
            guard type == "application/json", let schema = media["schema"] else { continue }
            let body = try JSONValue.parse(exchange.response.body)
            let problems = checker.problems(body, schema)
            #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "; "))")
        }
        // The store failing is the documented answer no request can bring about here (the
        // replica tests take a database away).
        #expect(
            documented.subtracting(exercised) == [
                "post /v1/recommend 503", "get /v1/ab/report 503", "post /v1/feedback 503",
                "get /v1/explain 503",
            ])
        #expect(exercised.subtracting(documented).isEmpty)
    }

    @Test func theCheckerRefusesWhatTheDocumentDoesNotAllow() async throws {
        let document = try JSONValue.parse(ByteBuffer(string: try await openAPIText()))
        let checker = SchemaChecker(document: document)
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/RecommendRequest")])
        func problems(_ json: String) throws -> [String] {
            checker.problems(try JSONValue.parse(ByteBuffer(string: json)), schema)
        }
        #expect(try problems(#"{"user": "u5", "n": 3, "history": [{"item": "i1"}]}"#).isEmpty)
        #expect(
            try problems(#"{"user": "u5", "explian": true}"#) == [
                "$: 'explian' is not in the document"
            ])
        #expect(try problems(#"{"n": 3}"#) == ["$: missing required 'user'"])
        #expect(try problems(#"{"user": "u5", "n": 0}"#) == ["$.n: 0.0 is below 1.0"])
        #expect(try problems(#"{"user": "u5", "explain": 1}"#).count == 1)
        #expect(
            try problems(#"{"user": "u5", "history": [{"rating": 3}]}"#) == [
                "$.history[0]: missing required 'item'"
            ])
    }
}

/// The document as `GET /openapi.json` serves it.
func openAPIText() async throws -> String {
    let (served, _) = try served()
    return try await withServer(served) { client in
        String(buffer: try await client.execute(uri: "/openapi.json", method: .get).body)
    }
}
