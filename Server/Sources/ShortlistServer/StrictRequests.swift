import Foundation
import HTTPTypes
import Metrics
import OpenAPIRuntime
import ShortlistCore

/// Refuses, before an operation decodes its input, what the generated decoders would let
/// through: a query parameter the document does not give the operation (with the nearest one),
/// one given twice, an id holding a control character, a body over ``Routes/bodyLimit`` bytes
/// (413), and a body that is not strict JSON (``StrictJSON``).
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
        try checkQuery(
            target, allowed: contract.queryNames[operationID] ?? [],
            integers: contract.integerRanges[operationID] ?? [:])
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
        try checkIntegers(bytes, contract.bodyIntegerRanges[operationID] ?? [:])
        return try await next(request, HTTPBody(bytes), metadata)
    }

    /// Refuses a key of the body that the document makes an integer (`ranges`) but that is a
    /// number outside its range or with a fraction: 2.5 and 1e20 are named as what they are.
    func checkIntegers(_ bytes: [UInt8], _ ranges: [String: ClosedRange<Int>]) throws(APIError) {
        guard !ranges.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        else { return }
        for (key, range) in ranges.sorted(by: { $0.key < $1.key }) {
            guard let number = object[key] as? NSNumber, !(object[key] is Bool) else { continue }
            let value = number.doubleValue
            guard
                value.rounded() != value
                    || !(Double(range.lowerBound)...Double(range.upperBound)).contains(value)
            else { continue }
            throw APIError(
                .badRequest,
                "'\(key)' must be an integer from \(range.lowerBound) to \(range.upperBound), found "
                    + plainNumber(value))
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
    /// not valid percent-encoding, a value holding a control character, and an integer
    /// parameter (`integers`) that is not an integer in its range.
    func checkQuery(
        _ target: String, allowed: [String], integers: [String: ClosedRange<Int>]
    ) throws(APIError) {
        guard let mark = target.firstIndex(of: "?") else { return }
        var seen: Set<String> = []
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) throws(APIError) -> String {
                guard
                    let text = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
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
            try checkID(value, "the parameter '\(name)'")
            if let range = integers[name], !(Int(value).map(range.contains) ?? false) {
                throw APIError(
                    .badRequest,
                    "'\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound), "
                        + "found '\(excerpt(value))'")
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
