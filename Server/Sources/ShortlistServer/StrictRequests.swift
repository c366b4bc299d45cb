import Foundation
import HTTPTypes
import Metrics
import OpenAPIRuntime
import ShortlistCore

/// Refuses, before an operation decodes its input, what the generated decoders would let
/// through, by the rules of the document (``Contract``): in a query of `/v1`, a parameter the
/// document does not give the operation (with the nearest one), one given twice, and a value
/// that breaks its schema (an id with a control character, an integer out of its range, a
/// `history` not of its form); a path segment that is not valid percent-encoding or holds a
/// control character; a body over ``Routes/bodyLimit`` bytes (413), a body that is not strict
/// JSON (``StrictJSON``), and a key of the body that breaks its schema (2.5 or 1e20 for an
/// integer, an empty id).
struct StrictRequests: ServerMiddleware {
    let contract: Contract

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata,
        operationID: String,
        next:
            @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            )
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let target = request.path ?? ""
        try checkPath(target)
        // The page, the document, health and metrics take what a browser or a scraper adds.
        if target.hasPrefix("/v1/") {
            try checkQuery(
                target, allowed: contract.queryNames[operationID] ?? [],
                rules: contract.queryRules[operationID] ?? [:])
        }
        guard let body else { return try await next(request, nil, metadata) }
        let bytes: [UInt8]
        do {
            bytes = try await [UInt8](collecting: body, upTo: Routes.bodyLimit)
        } catch {
            throw APIError(.contentTooLarge, "the request body is over \(Routes.bodyLimit) bytes")
        }
        // No body at all is what an operation without one gets (and one that needs one refuses).
        guard !bytes.isEmpty else { return try await next(request, nil, metadata) }
        if let problem = StrictJSON.problem(in: bytes) { throw APIError(.badRequest, problem) }
        try checkKeys(bytes, contract.bodyRules[operationID] ?? [:])
        return try await next(request, HTTPBody(bytes), metadata)
    }

    /// Refuses a key of the body whose value breaks its rule: a number for an integer that
    /// has a fraction or is out of its range, a string that is too short or not of its form.
    /// What is not of the key's type is left to the decoders, which say so.
    func checkKeys(_ bytes: [UInt8], _ rules: [String: Contract.Rule]) throws(APIError) {
        guard !rules.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return }
        for (key, rule) in rules.sorted(by: { $0.key < $1.key }) {
            if let range = rule.range, let number = object[key] as? NSNumber,
                !(object[key] is Bool)
            {
                let value = number.doubleValue
                guard
                    value.rounded() != value
                        || !(Double(range.lowerBound)...Double(range.upperBound)).contains(value)
                else { continue }
                throw APIError(
                    .badRequest,
                    "'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound), "
                        + "found \(plainNumber(value))")
            }
            if let text = object[key] as? String, let problem = rule.problem(text, key) {
                throw APIError(.badRequest, problem)
            }
        }
    }

    /// Refuses a segment of `target`'s path that is not valid percent-encoding of UTF-8 (`%2F`
    /// is a `/` in an id, `%C3%A9` an `é`) or that holds a control character once decoded.
    func checkPath(_ target: String) throws(APIError) {
        for segment in target.prefix(while: { $0 != "?" }).split(separator: "/") {
            guard let decoded = segment.removingPercentEncoding else {
                throw APIError(
                    .badRequest,
                    "the path segment '\(excerpt(String(segment)))' is not valid percent-encoding: "
                        + "each '%' must start a '%XX' of two hexadecimal digits, and the bytes "
                        + "must be UTF-8")
            }
            try checkID(decoded, "the path segment '\(excerpt(String(segment)))'")
        }
    }

    /// Refuses a parameter of `target`'s query not in `allowed`, one given twice, one that is
    /// not valid percent-encoding, and a value that breaks its rule.
    func checkQuery(_ target: String, allowed: [String], rules: [String: Contract.Rule])
        throws(APIError)
    {
        guard let mark = target.firstIndex(of: "?") else { return }
        var seen: Set<String> = []
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) throws(APIError) -> String {
                guard
                    let text = text.replacingOccurrences(of: "+", with: " ")
                        .removingPercentEncoding
                else {
                    throw APIError(
                        .badRequest,
                        "the query part '\(excerpt(String(pair)))' is not valid percent-encoding")
                }
                return text
            }
            let name = try decoded(parts[0])
            guard allowed.contains(name) else {
                throw APIError(
                    .badRequest,
                    suggesting(
                        "unknown parameter '\(excerpt(name))'", for: name, in: allowed,
                        otherwise: allowed.isEmpty
                            ? "; this endpoint takes none"
                            : "; the parameters are \(allowed.joined(separator: ", "))"))
            }
            guard seen.insert(name).inserted else {
                throw APIError(.badRequest, "the parameter '\(name)' is given twice")
            }
            let value = parts.count > 1 ? try decoded(parts[1]) : ""
            if let problem = rules[name]?.problem(value, name) {
                throw APIError(.badRequest, problem)
            }
        }
    }
}

/// Counts the recommendations refused (`shortlist_recommend_errors_total`, by status), whatever
/// refused them: a body the decoders refused as much as an unknown pipeline or item.
struct CountedRefusals: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata,
        operationID: String,
        next:
            @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            )
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            if operationID == "recommend" {
                Counter(
                    label: "shortlist_recommend_errors_total",
                    dimensions: [("status", String(APIError(answering: error).status.code))]
                ).increment()
            }
            throw error
        }
    }
}
