import Foundation
public import Hummingbird
public import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long a connection may wait and how many the server holds at once, so that idle or slow
/// clients cannot use up what other clients and the server's own files need.
public struct ConnectionLimits: Sendable {
    /// How long a connection may stay open with no request in progress (before its first, or
    /// between two, or while a request's body stops coming) before the server closes it.
    public var idleTimeout: Duration
    /// How long a request's head (request line and headers) may take to arrive, counted from
    /// its first byte, before the server closes the connection.
    public var headerTimeout: Duration
    /// The most connections the server holds at once (nil: no cap); further clients wait in
    /// the listen backlog until one closes.
    public var maxConnections: Int?

    /// Limits with these timeouts and cap.
    public init(idleTimeout: Duration, headerTimeout: Duration, maxConnections: Int?) {
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.maxConnections = maxConnections
    }

    /// HTTP/1.1 with both timeouts (Hummingbird's idle timeout, and a ``HeadDeadline`` on each
    /// connection) and what the protocol asks that Hummingbird leaves undone
    /// (``HTTPConformance``).
    public var server: HTTPServerBuilder {
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HeadDeadline(timeout: TimeAmount(headerTimeout))],
            idleTimeout: TimeAmount(idleTimeout))
        return HTTPServerBuilder { responder in
            ConformingHTTP1Channel(
                inner: HTTP1Channel(responder: responder, configuration: configuration))
        }
    }

    /// The application's configuration to listen at `address`, holding at most
    /// ``maxConnections`` connections.
    public func configuration(address: BindAddress, serverName: String? = nil)
        -> ApplicationConfiguration
    {
        .init(
            address: address, serverName: serverName,
            availableConnectionsDelegate: maxConnections.map { MaximumAvailableConnections($0) })
    }

    /// How many files, sockets included, this process may have open at once (the soft
    /// RLIMIT_NOFILE, `ulimit -n`), or nil when unlimited.
    public static var descriptorLimit: Int? {
        var limit = rlimit()
        #if os(Linux)
            let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
            // Glibc's RLIM_INFINITY, which Swift cannot import: all bits set.
            let unlimited = rlim_t.max
        #else
            let status = getrlimit(RLIMIT_NOFILE, &limit)
            let unlimited = RLIM_INFINITY
        #endif
        guard status == 0, limit.rlim_cur != unlimited else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}

/// Closes a connection whose request head takes longer than `timeout` to arrive from its first
/// byte, so that a client sending its headers a byte at a time holds a connection for no longer.
///
/// It sits after the HTTP decoder: a head has arrived when the decoder hands it over, and a
/// head has begun when, between requests, a read of the socket ends without a part.
final class HeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    /// Whether the connection is between requests, so that its next bytes begin a head.
    private var isAwaitingHead = true
    /// Whether the read under way delivered a part.
    private var hasReadPart = false
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        hasReadPart = true
        switch unwrapInboundIn(data) {
        case .head:
            isAwaitingHead = false
            disarm()
        case .end:
            isAwaitingHead = true
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if isAwaitingHead, !hasReadPart, deadline == nil {
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                context.close(promise: nil)
            }
        }
        hasReadPart = false
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
