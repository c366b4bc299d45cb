import ArgumentParser
import Foundation
import ShortlistPipeline

/// `shortlist serve`: hands over to `shortlist-server`, a product of its own so that building
/// `shortlist` never builds the HTTP stack (as git runs `git-foo` for `git foo`).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Serve every pipeline over HTTP and JSON (runs shortlist-server, a package of its "
            + "own: swift build -c release --package-path Server).")

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "Options for shortlist-server (--config, --host, --port, --cache-mb; see "
                + "shortlist-server --help)."))
    var options: [String] = []

    func run() throws {
        try Terminal.run {
            let server = Serve.serverBinary()
            guard let server else {
                throw DataError(
                    .missingFile,
                    "shortlist serve runs shortlist-server, which is not built (beside this "
                        + "binary, in Server/.build, or on the PATH); build it with 'swift build -c "
                        + "release --package-path Server'")
            }
            if server == Self.debugBuild {
                Terminal.log(
                    "warning: running the debug build of shortlist-server (\(server)), which fits "
                        + "and serves many times slower; build the release one with 'swift build "
                        + "-c release --package-path Server'")
            }
            let arguments = [server] + options
            let pointers = arguments.map { strdup($0) } + [nil]
            execv(server, pointers)
            throw DataError(
                .missingFile, "cannot run \(server): \(String(cString: strerror(errno)))")
        }
    }

    /// The debug build in `Server/` of the current folder, run only when no other is found.
    static let debugBuild = "Server/.build/debug/shortlist-server"

    /// `shortlist-server` beside this executable, else the release build in `Server/` of the
    /// current folder, else the first on the PATH, else the debug build in `Server/`.
    static func serverBinary() -> String? {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let beside = own.deletingLastPathComponent().appendingPathComponent("shortlist-server").path
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let places =
            [beside, "Server/.build/release/shortlist-server"]
            + path.split(separator: ":").map { "\($0)/shortlist-server" } + [debugBuild]
        return places.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
