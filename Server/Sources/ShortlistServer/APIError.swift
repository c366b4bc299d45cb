import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore
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
            }
        self.init(status, error.description)
    }

    /// A feedback store's error as an answer: a refusal of what the store was asked (feedback
    /// for an item no response showed) is a 400, anything else a 503, as the store failed or
    /// is out of reach.
    init(storeFailure error: any Error) {
        guard let error = error as? StoreError else {
            self.init(.serviceUnavailable, "the feedback store failed: \(error)")
            return
        }
        self.init(error)
    }
}
