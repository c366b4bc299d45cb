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

    /// Everything the server sent that was not read yet, after waiting `wait` for more, with
    /// `<closed>` at its end when the server closed the connection.
    func everything(after wait: Duration) async throws -> String {
        try await Task.sleep(for: wait)
        let open = drain()
        defer { received.removeAll() }
        return String(decoding: received, as: UTF8.self) + (open ? "" : "<closed>")
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
            // The server has taken every client it can once a further one goes unanswered:
            // on a busy machine accepting 200 takes a while, and an edit seen before then
            // would be read with descriptors to spare.
            for _ in 0..<20 {
                let probe = try RawConnection(port: server.port)
                probe.send(healthCheck)
                try await Task.sleep(for: .milliseconds(500))
                clients.append(probe)
                if !probe.hasAnswer { break }
            }
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

@Suite struct HTTPConformanceTests {
    static let limits = ConnectionLimits(
        idleTimeout: .seconds(600), headerTimeout: .seconds(600), maxConnections: nil)

    /// HEAD of a GET endpoint answers its status and headers without the body, and the next
    /// request on the connection is read as one; an endpoint that does not take the method
    /// says it takes GET and HEAD.
    @Test func headAnswersWithoutABody() async throws {
        try await withServer(limits: Self.limits) { port in
            let connection = try RawConnection(port: port)
            connection.send("HEAD /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let head = try await connection.everything(after: .milliseconds(500))
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(head)")
            #expect(head.lowercased().contains("content-length: 15\r\n"), "\(head)")
            #expect(head.hasSuffix("\r\n\r\n"), "no body: \(head)")
            connection.send(healthCheck)
            #expect(try await connection.response()?.hasPrefix("HTTP/1.1 200") == true)
            let other = try RawConnection(port: port)
            other.send("DELETE /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(try await other.response()?.contains("Allow: GET, HEAD\r\n") == true)
        }
    }

    /// An HTTP/1.1 request without Host is a 400, and the connection closes.
    @Test func anHTTP11RequestWithoutHostIsRefused() async throws {
        try await withServer(limits: Self.limits) { port in
            let connection = try RawConnection(port: port)
            connection.send("GET /healthz HTTP/1.1\r\n\r\n")
            let answer = try await connection.everything(after: .milliseconds(500))
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(answer)")
            #expect(answer.contains(#""message":"an HTTP/1.1 request needs a Host header""#))
            #expect(answer.hasSuffix("<closed>"))
        }
    }

    /// HTTP/1.0 without keep-alive gets `Connection: close` and the connection closed after
    /// its answer; with keep-alive it stays open.
    @Test func http10ClosesUnlessKeptAlive() async throws {
        try await withServer(limits: Self.limits) { port in
            let closing = try RawConnection(port: port)
            closing.send("GET /healthz HTTP/1.0\r\n\r\n")
            let answer = try await closing.everything(after: .milliseconds(500))
            #expect(answer.lowercased().contains("connection: close\r\n"), "\(answer)")
            #expect(answer.hasSuffix(#"{"status":"ok"}<closed>"#), "\(answer)")
            let kept = try RawConnection(port: port)
            kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await kept.response()?.hasPrefix("HTTP/1.1 200") == true)
            #expect(!kept.isClosed)
        }
    }

    /// `Expect: 100-continue` gets `100 Continue` before the body is sent, then the answer;
    /// another expectation is a 417.
    @Test func expectContinueGetsItsInterimAnswer() async throws {
        try await withServer(limits: Self.limits) { port in
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                    + "\r\nContent-Length: 14\r\nExpect: 100-continue\r\n\r\n")
            let interim = try await connection.everything(after: .milliseconds(500))
            #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
            connection.send(#"{"user": "u5"}"#)
            #expect(try await connection.response()?.hasPrefix("HTTP/1.1 200") == true)
            let other = try RawConnection(port: port)
            other.send(
                "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Length: 14\r\n"
                    + "Expect: magic\r\n\r\n")
            #expect(try await other.response()?.hasPrefix("HTTP/1.1 417") == true)
        }
    }

    /// A transfer coding the server cannot decode (gzip) is a 501, not a body read as plain.
    @Test func aTransferCodingOtherThanChunkedIsNotImplemented() async throws {
        try await withServer(limits: Self.limits) { port in
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /v1/recommend HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                    + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\ne\r\n{\"user\": \"u5\"}\r\n0\r\n\r\n"
            )
            let answer = try await connection.everything(after: .milliseconds(500))
            #expect(answer.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"), "\(answer)")
            #expect(answer.contains("found 'gzip, chunked'"), "\(answer)")
        }
    }
}
