import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy from a loopback port of its own to another address, which a test can take
/// down (every connection closed, new ones refused: a database that stops), make deaf
/// (connections kept and accepted, nothing passed on: a database that stops answering), and
/// restore (a database that starts again); or slow, passing each client's bytes on after a
/// delay (a database that takes that long to answer every statement).
final class TCPProxy: Sendable {
    private let target: SocketAddress
    private let delay: NIOLockedValueBox<TimeAmount>
    private let state = NIOLockedValueBox(State())

    private struct State {
        var port = 0
        var isDeaf = false
        var listener: (any Channel)?
        var connections: [any Channel] = []
    }

    /// The loopback port it listens on.
    var port: Int { state.withLockedValue { $0.port } }

    /// A proxy to `host:port`, listening, that passes what a client sends on after `delay`.
    init(to host: String, port targetPort: Int, delay: Duration = .zero) async throws {
        target = try SocketAddress.makeAddressResolvingHost(host, port: targetPort)
        self.delay = NIOLockedValueBox(TimeAmount(delay))
        try await listen(on: 0)
    }

    private func listen(on port: Int) async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] connection in accept(connection) }
            .bind(host: "127.0.0.1", port: port).get()
        state.withLockedValue {
            $0.listener = listener
            $0.port = listener.localAddress?.port ?? port
        }
    }

    /// Passes a new connection on to the target, or holds it unanswered while deaf.
    private func accept(_ connection: any Channel) -> EventLoopFuture<Void> {
        let isDeaf = state.withLockedValue {
            $0.connections.append(connection)
            return $0.isDeaf
        }
        if isDeaf { return connection.setOption(.autoRead, value: false) }
        return ClientBootstrap(group: connection.eventLoop)
            .channelInitializer { upstream in
                upstream.eventLoop.makeCompletedFuture {
                    try upstream.pipeline.syncOperations.addHandler(Relay(to: connection))
                }
            }
            .connect(to: target)
            .flatMapThrowing { [self] upstream in
                state.withLockedValue { $0.connections.append(upstream) }
                try connection.pipeline.syncOperations.addHandler(
                    Relay(to: upstream, after: delay))
            }
    }

    /// Passes what clients send on after `delay` from now on.
    func slow(by delay: Duration) {
        self.delay.withLockedValue { $0 = TimeAmount(delay) }
    }

    /// Stops passing bytes either way on every connection, and holds new ones unanswered.
    func becomeDeaf() async throws {
        let connections = state.withLockedValue {
            $0.isDeaf = true
            return $0.connections
        }
        for connection in connections {
            try? await connection.setOption(.autoRead, value: false).get()
        }
    }

    /// Closes every connection and stops listening: connecting is refused.
    func goDown() async {
        let (listener, connections) = state.withLockedValue { state in
            defer { (state.listener, state.connections) = (nil, []) }
            return (state.listener, state.connections)
        }
        try? await listener?.close().get()
        for connection in connections { try? await connection.close().get() }
    }

    /// Closes whatever the outage left and passes new connections on again, on the same port.
    func restore() async throws {
        let (listener, connections) = state.withLockedValue { state in
            defer { (state.isDeaf, state.connections) = (false, []) }
            return (state.listener, state.connections)
        }
        for connection in connections { try? await connection.close().get() }
        if listener == nil { try await listen(on: port) }
    }

    /// Writes what its channel reads to the partner, and closes the partner when it closes.
    private final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let partner: any Channel
        let delay: NIOLockedValueBox<TimeAmount>?

        init(to partner: any Channel, after delay: NIOLockedValueBox<TimeAmount>? = nil) {
            self.partner = partner
            self.delay = delay
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            let delay = self.delay?.withLockedValue { $0 } ?? .zero
            guard delay > .zero else {
                partner.writeAndFlush(bytes, promise: nil)
                return
            }
            // Same delay for every read on one event loop: the bytes keep their order.
            let partner = partner
            context.eventLoop.scheduleTask(in: delay) {
                partner.writeAndFlush(bytes, promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
