import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 channel with ``HTTPConformance`` right after the HTTP decoder, where
/// a request's version and raw headers are still there (Hummingbird's handlers see requests
/// after they are turned into swift-http-types, without a version).
struct ConformingHTTP1Channel: ServerChildChannel {
    let inner: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(
                type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(
                HTTPConformance(), position: .after(decoder))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// What HTTP/1.1 (RFC 9110, 9112) asks of a server that Hummingbird leaves to it: an HTTP/1.1
/// request without `Host` is a 400; a transfer coding other than `chunked` is a 501 (the server
/// decodes no other); `Expect: 100-continue` gets its interim `100 Continue` before the body
/// is read, and any other expectation a 417; a request that does not keep the connection alive
/// (HTTP/1.0 without `Connection: keep-alive`, or `Connection: close`) gets
/// `Connection: close` and the connection closed after its answer; the answer to a HEAD has no
/// body, whatever answered it.
final class HTTPConformance: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the answers owed need of their requests, oldest first (requests may be pipelined):
    /// whether each keeps the connection alive and whether it was a HEAD.
    private var owed: [(keepAlive: Bool, isHead: Bool)] = []
    /// Whether the request being read was refused here: its body is dropped.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(var head):
            refused = false
            if let (status, message) = Self.refusal(of: head) {
                refuse(context: context, status: status, message: message)
                return
            }
            if head.headers.contains(name: "expect") {
                // Only 100-continue is left (``refusal(of:)``): the client may send the body.
                head.headers.remove(name: "expect")
                context.writeAndFlush(
                    wrapOutboundOut(
                        .head(HTTPResponseHead(version: head.version, status: .continue))),
                    promise: nil)
            }
            owed.append((head.isKeepAlive, head.method == .HEAD))
            context.fireChannelRead(wrapInboundOut(.head(head)))
        case .body, .end:
            if !refused { context.fireChannelRead(data) }
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = owed.first ?? (keepAlive: true, isHead: false)
        switch unwrapOutboundIn(data) {
        case .head(var head) where !request.keepAlive && head.status.code >= 200:
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body where request.isHead:
            promise?.succeed()
        case .end:
            if !owed.isEmpty { owed.removeFirst() }
            guard !request.keepAlive else {
                context.write(data, promise: promise)
                return
            }
            let written = context.eventLoop.makePromise(of: Void.self)
            let channel = context.channel
            written.futureResult.cascade(to: promise)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
            context.write(data, promise: written)
        default:
            context.write(data, promise: promise)
        }
    }

    /// Why `head` is refused before it reaches the routes, if it is.
    static func refusal(of head: HTTPRequestHead) -> (HTTPResponseStatus, String)? {
        if head.version.major == 1, head.version.minor >= 1, !head.headers.contains(name: "host") {
            return (.badRequest, "an HTTP/1.1 request needs a Host header")
        }
        let codings = head.headers["transfer-encoding"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !codings.isEmpty, codings != ["chunked"] {
            return (
                .notImplemented,
                "the server decodes no transfer coding but chunked, found '"
                    + head.headers["transfer-encoding"].joined(separator: ", ") + "'"
            )
        }
        let expectations = head.headers["expect"]
        if !expectations.isEmpty,
            expectations.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
                != ["100-continue"]
        {
            return (
                .expectationFailed,
                "the server meets no expectation but 100-continue, found '"
                    + expectations.joined(separator: ", ") + "'"
            )
        }
        return nil
    }

    /// Answers `status` with the server's JSON error and closes the connection; what is left of
    /// the request is dropped.
    private func refuse(context: ChannelHandlerContext, status: HTTPResponseStatus, message: String)
    {
        refused = true
        let body = try? JSONSerialization.data(
            withJSONObject: ["error": ["status": Int(status.code), "message": message]],
            options: [.sortedKeys, .withoutEscapingSlashes])
        let bytes = context.channel.allocator.buffer(bytes: body ?? Data())
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: String(bytes.readableBytes))
        headers.add(name: "connection", value: "close")
        context.write(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
