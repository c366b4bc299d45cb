import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ShortlistCore
import ShortlistServer

/// `shortlist-server`: serves every pipeline of a pipelines file over HTTP and JSON.
@main
struct ShortlistServerMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist-server",
        abstract: "Serve every pipeline of a pipelines file over HTTP and JSON.")

    @Option(help: "The pipelines file.")
    var config = "pipelines.yaml"

    @Option(
        help: ArgumentHelp(
            "Serve only these pipelines of the file (comma-separated names; all by default).",
            valueName: "NAMES"))
    var pipelines: String?

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(
        help: ArgumentHelp(
            "Megabytes of answers kept for repeated requests to pipelines without a bandit "
                + "and without a history (0: none); a reload empties them.",
            valueName: "MB"))
    var cacheMB = 64

    @Option(
        help: ArgumentHelp(
            "Seconds a call to a PostgreSQL feedback store waits for the database (to connect, "
                + "and for each statement); past it, and while the database stays out of reach, "
                + "the bandit endpoints answer 503 at once.",
            valueName: "SECONDS"))
    var storeTimeout = 5.0

    @Option(
        help: ArgumentHelp(
            "Seconds a graceful shutdown (SIGTERM, SIGINT) may take before the server exits "
                + "anyway.",
            valueName: "SECONDS"))
    var shutdownTimeout = 30.0

    @Option(
        help: ArgumentHelp(
            "Seconds a connection may stay open with no request in progress (before its first, "
                + "between two, or while a body stops coming) before the server closes it.",
            valueName: "SECONDS"))
    var idleTimeout = 60.0

    @Option(
        help: ArgumentHelp(
            "Seconds a request's head (request line and headers) may take to arrive, from its "
                + "first byte, before the server closes the connection.",
            valueName: "SECONDS"))
    var headerTimeout = 10.0

    @Option(
        help: ArgumentHelp(
            "File descriptors kept for the server's own files and database connections: it "
                + "holds at most the descriptor limit (ulimit -n) less these many connections "
                + "at once, and further clients wait to be accepted.",
            valueName: "N"))
    var descriptorReserve = 256

    @Option(
        help: ArgumentHelp(
            "The most connections held at once (default: the descriptor limit less the "
                + "reserve, which is also the most allowed).",
            valueName: "N"))
    var maxConnections: Int?

    func validate() throws {
        if let pipelines,
            pipelines.split(separator: ",", omittingEmptySubsequences: false).contains(where: {
                $0.trimmingCharacters(in: .whitespaces).isEmpty
            })
        {
            throw ValidationError(
                "--pipelines takes pipeline names separated by commas, found '\(pipelines)'")
        }
        guard (0...1_000_000).contains(cacheMB) else {
            throw ValidationError("--cache-mb must be from 0 to 1000000, found \(cacheMB)")
        }
        for (name, value) in [
            ("store-timeout", storeTimeout), ("shutdown-timeout", shutdownTimeout),
            ("idle-timeout", idleTimeout), ("header-timeout", headerTimeout),
        ]
        where !(value > 0 && value <= 3600) {
            throw ValidationError(
                "--\(name) must be a number of seconds above 0 and at most 3600, found "
                    + plainNumber(value))
        }
        guard (0...1_000_000).contains(descriptorReserve) else {
            throw ValidationError(
                "--descriptor-reserve must be from 0 to 1000000, found \(descriptorReserve)")
        }
        if let maxConnections, maxConnections < 1 {
            throw ValidationError("--max-connections must be at least 1, found \(maxConnections)")
        }
        _ = try connectionCap()
    }

    /// The most connections to hold at once: `--max-connections`, at most what the descriptor
    /// limit leaves after the reserve (that much by default); nil without a limit or a cap.
    func connectionCap() throws(ValidationError) -> Int? {
        guard let limit = ConnectionLimits.descriptorLimit else { return maxConnections }
        let available = limit - descriptorReserve
        let reserved =
            "the \(descriptorReserve) file descriptors kept for the server's own files and "
            + "database connections (--descriptor-reserve)"
        guard available > 0 else {
            throw ValidationError(
                "the descriptor limit (ulimit -n) is \(limit), which leaves no connection after "
                    + reserved)
        }
        if let maxConnections, maxConnections > available {
            throw ValidationError(
                "--max-connections \(maxConnections) is more than the \(available) connections "
                    + "the descriptor limit (ulimit -n \(limit)) leaves after " + reserved)
        }
        return maxConnections ?? available
    }

    func run() async throws {
        // Before minutes of preparing pipelines, not after.
        if let problem = Self.cannotListen(host: host, port: port) {
            FileHandle.standardError.write(
                Data("error: cannot listen on \(host):\(port): \(problem)\n".utf8))
            throw ExitCode.failure
        }
        // The file and the names are checked now; the pipelines are prepared while the server
        // already answers (GET /healthz at once, GET /readyz once they are ready).
        let logger = Logger(label: "shortlist-server") {
            StreamLogHandler.standardError(label: $0)
        }
        let holder: PipelineHolder
        do {
            holder = try PipelineHolder(
                preparing: config,
                only: pipelines.map {
                    $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }, cacheBytes: cacheMB << 20, storeTimeout: .seconds(storeTimeout),
                logger: logger)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        // SIGTERM and SIGINT shut down gracefully: no new connections, in-flight requests
        // finish, then the watcher stops; if that takes too long, the process exits anyway.
        let deadline = Self.exitAfterSignal(within: shutdownTimeout)
        defer { for source in deadline { source.cancel() } }
        let limits = ConnectionLimits(
            idleTimeout: .seconds(idleTimeout), headerTimeout: .seconds(headerTimeout),
            maxConnections: try connectionCap())
        if let cap = limits.maxConnections {
            FileHandle.standardError.write(
                Data("holding at most \(cap) connections at once\n".utf8))
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(DescribedMetricsFactory(registry: registry))
        let app = Application(
            router: try Routes.router(holder, metrics: registry), server: limits.server,
            configuration: limits.configuration(
                address: .hostname(host, port: port), serverName: "shortlist"),
            services: [
                PreparationService(holder: holder, logger: logger), ReloadService(holder: holder),
                RefreshService(holder: holder, logger: logger),
            ])
        do {
            try await app.runService()
        } catch is PreparationService.Failed {
            throw ExitCode.failure
        }
    }

    /// Exits the process `seconds` after the first SIGTERM or SIGINT, from a thread of its own,
    /// whatever the graceful shutdown is still waiting for; the sources live until cancelled.
    static func exitAfterSignal(within seconds: Double) -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "shortlist.shutdown-deadline")
        return [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                queue.asyncAfter(deadline: .now() + seconds) {
                    FileHandle.standardError.write(
                        Data(
                            ("error: the graceful shutdown took over \(plainNumber(seconds)) s; "
                                + "exiting\n").utf8))
                    Foundation.exit(EXIT_FAILURE)
                }
            }
            source.resume()
            return source
        }
    }

    /// Why a server could not listen on `host:port` (the address is in use, or not one of this
    /// machine's), found by binding a socket there and closing it; nil when it can.
    static func cannotListen(host: String, port: Int) -> String? {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let address = found else {
            return "the address does not resolve (\(String(cString: gai_strerror(status))))"
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, 0)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var on: Int32 = 1
        setsockopt(
            descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 else {
            return errno == EADDRINUSE
                ? "the port is in use (another server?)" : String(cString: strerror(errno))
        }
        return nil
    }
}
