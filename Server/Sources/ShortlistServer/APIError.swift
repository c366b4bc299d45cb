import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
import OpenAPIRuntime
import ShortlistCore
import ShortlistStore

/// A request the server refuses: its status and a message that names the problem, sent as
/// `{"error": {"status": 400, "message": "…"}}`.
public struct APIError: Error, HTTPResponseError, Equatable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// What is wrong, in one sentence.
    public let message: String

    /// Headers the answer carries besides its type (a 405's `Allow`).
    public let headers: HTTPFields

    /// An error with a status and a message.
    public init(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(status: Int(status.code), message: message))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var status: Int
            var message: String
        }

        var error: Detail
    }
}

extension APIError {
    /// A domain error as an answer: its kind decides the status, here and nowhere else.
    public init(_ error: any ShortlistError) {
        let status: HTTPResponse.Status =
            switch error.kind {
            case .invalid: .badRequest
            case .notFound: .notFound
            case .unavailable: .serviceUnavailable
            case .corrupt: .internalServerError
            case .conflict: .conflict
            }
        self.init(status, error.description)
    }
}

extension APIError {
    /// Any error a request met, as its answer: what a handler or a middleware threw (the
    /// generated server wraps it in a `ServerError`), a body or parameter the generated
    /// decoders refused (a 400 in our words), and anything else as the status the runtime gave
    /// it. Every refusal of the server goes through here, and only here.
    init(answering error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let error as any ShortlistError: self.init(error)
        case let error as DecodingError: self.init(.badRequest, Self.describe(error))
        case let error as ServerError:
            if case .dataCorrupted(let context) = error.underlyingError as? DecodingError,
                context.debugDescription.hasPrefix("Additional properties are disabled"),
                context.codingPath.count == 1, let key = context.codingPath.first?.stringValue
            {
                // An unknown key of the body: with the nearest one the document gives it.
                let known = Contract.served.bodyKeys[error.operationID] ?? []
                self.init(
                    .badRequest,
                    suggesting(
                        "unknown key '\(excerpt(key))' in the body", for: key, in: known,
                        otherwise: "; the keys are \(known.joined(separator: ", "))"))
                return
            }
            if error.httpStatus == .unsupportedMediaType {
                let sent = error.request.headerFields[.contentType] ?? "none"
                self.init(
                    .unsupportedMediaType,
                    "the body must be JSON sent with Content-Type: application/json, found "
                        + "'\(excerpt(sent))' (curl sends a form unless told: -H "
                        + "'Content-Type: application/json')")
                return
            }
            switch error.underlyingError {
            case is APIError, is any ShortlistError, is DecodingError:
                self.init(answering: error.underlyingError)
            default:
                self.init(
                    error.httpStatus,
                    error.httpStatus == .internalServerError
                        ? "the server failed: \(error.underlyingError)"
                        : Self.sentence(error.causeDescription))
            }
        default: self.init(.internalServerError, "the server failed: \(error)")
        }
    }

    /// The runtime's description as one of our messages: a lower-case start, no final stop.
    private static func sentence(_ text: String) -> String {
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        return trimmed.prefix(1).lowercased() + trimmed.dropFirst()
    }

    /// A decoding error in our words: what was expected where.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(words(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(words(type)), found null"
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(path(context.codingPath))"
        case .dataCorrupted(let context):
            if context.debugDescription.hasPrefix("Additional properties are disabled"),
                let key = context.codingPath.last
            {
                return "unknown key '\(excerpt(key.stringValue))' in "
                    + path(context.codingPath.dropLast())
            }
            return "\(path(context.codingPath)) cannot be read: \(context.debugDescription)"
        @unknown default:
            return "the body could not be read"
        }
    }

    private static func words(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// The path of a value in the body, as messages name it: `'history[0].rating'`.
    static func path(_ keys: some Collection<any CodingKey>) -> String {
        keys.isEmpty
            ? "the body"
            : "'"
                + keys.enumerated().map { index, key in
                    key.intValue.map { "[\($0)]" } ?? (index == 0 ? "" : ".") + key.stringValue
                }.joined() + "'"
    }
}

/// Turns every error a request met into its JSON answer, through ``APIError/init(answering:)``.
struct ErrorAnswers<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            throw error
        } catch {
            throw APIError(answering: error)
        }
    }
}
