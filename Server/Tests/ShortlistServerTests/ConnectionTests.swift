import Foundation
import Hummingbird
import HummingbirdTesting
import ShortlistTestSupport
import Testing

@testable import ShortlistServer

/// A plain TCP connection to a loopback port, for what an HTTP client will not do: stay
/// silent, or send a head a byte at a time. Reads never block, so waiting holds no thread.
final class RawConnection {
    let descriptor: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(status == 0, "cannot connect: \(String(cString: strerror(errno)))")
    }

    deinit { close(descriptor) }

    /// Sends `text`; false when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes {
            Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == $0.count
        }
    }

    /// Reads what has arrived; false once the server has closed the connection.
    private func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 {
                received += buffer[..<count]
            } else {
                return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
            }
        }
    }

    /// Whether the server has closed the connection.
    var isClosed: Bool { !drain() }

    /// Whether the server has sent anything not yet read as a response.
    var hasAnswer: Bool {
        _ = drain()
        return !received.isEmpty
    }

    /// Whether the server closes the connection within `limit` (a bound that detects a hang),
    /// calling `meanwhile` every tenth of a second.
    func closes(within limit: Duration, meanwhile: () -> Void = {}) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if isClosed { return true }
            meanwhile()
            try await Task.sleep(for: .milliseconds(100))
        }
        return isClosed
    }

    /// The next whole response (head and a body of its Content-Length), or nil when the server
    /// closes the connection first or none comes within a minute.
    func response() async throws -> String? {
        for _ in 0..<600 {
            let open = drain()
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let length =
                    text[..<end.lowerBound].split(separator: "\r\n").lazy
                    .compactMap { line -> Int? in
                        let parts = line.split(separator: ":", maxSplits: 1)
                        guard parts.count == 2, parts[0].lowercased() == "content-length" else {
                            return nil
                        }
                        return Int(parts[1].trimmingCharacters(in: .whitespaces))
                    }.first ?? 0
                let bodyStart = text.utf8.distance(from: text.startIndex, to: end.upperBound)
                if received.count >= bodyStart + length {
                    received.removeFirst(bodyStart + length)
                    return String(text[..<end.upperBound])
                }
            }
            guard open else { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }
}

/// Runs `body` with the port of a live server over the planted pipelines, with these limits.
/// (Hummingbird's test client would drop the cap on connections.)
func withServer(
    limits: ConnectionLimits, _ body: @Sendable (Int) async throws -> Void
) async throws {
    let (holder, _) = try served()
    let (ports, listening) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: try Routes.router(holder, metrics: metrics), server: limits.server,
        configuration: limits.configuration(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { listening.yield($0.localAddress?.port ?? 0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port)
        group.cancelAll()
    }
}

let healthCheck = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"

@Suite struct ConnectionTests {
    /// A connection that never sends a byte, and one kept alive after its request, are closed
    /// once idle for the idle timeout; a request meanwhile is answered.
    @Test func idleConnectionsAreClosed() async throws {
        let limits = ConnectionLimits(
            idleTimeout: .seconds(1), headerTimeout: .seconds(600), maxConnections: nil)
        try await withServer(limits: limits) { port in
            let silent = try RawConnection(port: port)
            let used = try RawConnection(port: port)
            used.send(healthCheck)
            #expect(try await used.response()?.hasPrefix("HTTP/1.1 200") == true)
            #expect(try await silent.closes(within: .seconds(60)))
            #expect(try await used.closes(within: .seconds(60)))
        }
    }

    /// A client that sends its head a byte every tenth of a second is cut off by the header
    /// timeout, long before the idle timeout; a client that waits between two requests on one
    /// connection longer than the header timeout is not, as it has not begun a head.
    @Test func aSlowHeadIsCutOffButAWaitBetweenRequestsIsNot() async throws {
        let limits = ConnectionLimits(
            idleTimeout: .seconds(600), headerTimeout: .seconds(1), maxConnections: nil)
        try await withServer(limits: limits) { port in
            let slow = try RawConnection(port: port)
            slow.send("GET /healthz HTTP/1.1\r\nX-Slow: ")
            #expect(try await slow.closes(within: .seconds(60)) { slow.send("a") })

            let patient = try RawConnection(port: port)
            patient.send(healthCheck)
            #expect(try await patient.response()?.hasPrefix("HTTP/1.1 200") == true)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(!patient.isClosed)
            patient.send(healthCheck)
            #expect(try await patient.response()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    /// With the cap reached, a further client waits (accepted by the system, not by the
    /// server) and is served once a held connection closes.
    @Test func aClientBeyondTheCapIsServedOnceAConnectionCloses() async throws {
        let limits = ConnectionLimits(
            idleTimeout: .seconds(600), headerTimeout: .seconds(600), maxConnections: 2)
        try await withServer(limits: limits) { port in
            var held = try (0..<2).map { _ in try RawConnection(port: port) }
            for connection in held {
                connection.send(healthCheck)
                #expect(try await connection.response()?.hasPrefix("HTTP/1.1 200") == true)
            }
            let waiting = try RawConnection(port: port)
            waiting.send(healthCheck)
            try await Task.sleep(for: .milliseconds(500))
            #expect(!waiting.hasAnswer && !waiting.isClosed)
            held.removeFirst()
            #expect(try await waiting.response()?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    /// Two hundred silent clients against a server that may open 160 files at once. Keeping 64
    /// descriptors in reserve, it holds 96 of them and still reads its files: an edit of the
    /// pipelines file is reloaded. With no reserve, the clients take every descriptor, and the
    /// watcher says so (`Too many open files`) and reloads nothing until they are gone.
    @Test func aServerFullOfIdleClientsStillReadsItsOwnFiles() async throws {
        for reserve in [64, 0] {
            let folder = try TemporaryDirectory()
            let dataset = try folder.writeDelimited(PlantedClusters().dataset)
            let pipelines = { (n: Int) in
                dataset + """

                    pipelines:
                      plain:
                        n: \(n)
                        candidates:
                          - {name: popular, type: weighted-rating, limit: 20}
                        ranker: {type: weighted-average, weights: {popular: 1}}
                    """
            }
            try folder.write("pipelines.yaml", pipelines(3))
            let server = try await Replica(
                config: "pipelines.yaml", in: folder.path,
                options: ["--descriptor-reserve", "\(reserve)"], descriptorLimit: 160)
            #expect(server.output.contains("holding at most \(160 - reserve) connections at once"))
            var clients = try (0..<200).map { _ in try RawConnection(port: server.port) }
            try await Task.sleep(for: .milliseconds(500))
            try folder.write("pipelines.yaml", pipelines(4))
            let path = "pipelines.yaml"
            if reserve > 0 {
                #expect(
                    try await server.says("reloaded \(path): serving plain", within: .seconds(60)),
                    "\(server.output)")
            } else {
                #expect(
                    try await server.says(
                        "cannot read \(path) to look for changes (Too many open files)",
                        within: .seconds(60)), "\(server.output)")
                #expect(!server.output.contains("reload"))
            }
            clients.removeAll()
            #expect(try await server.says("reloaded \(path)", within: .seconds(60)))
            let list = try await answer(server.port, "GET", "/v1/pipelines")
            #expect(list.status == 200 && list.message.isEmpty)
        }
    }
}
