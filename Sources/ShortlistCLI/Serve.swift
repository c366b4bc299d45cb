import ArgumentParser
import Foundation
import ShortlistData
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
            if Self.isDebugBuild(server) {
                Terminal.logger.warning(
                    """
                    running the debug build of shortlist-server (\(server)), which fits and \
                    serves many times slower; build the release one with 'swift build -c \
                    release --package-path Server'
                    """)
            }
            let arguments = [server] + options
            let pointers = arguments.map { strdup($0) } + [nil]
            execv(server, pointers)
            throw DataError(
                .missingFile, "cannot run \(server): \(String(cString: strerror(errno)))")
        }
    }

    /// `shortlist-server` beside this executable, else a release build in `Server/` of the
    /// current folder or of the package this executable was built in, else the first on the
    /// PATH, else a debug build in one of those `Server/` folders (``isDebugBuild(_:)``).
    static func serverBinary() -> String? {
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let beside = own.deletingLastPathComponent().appendingPathComponent("shortlist-server").path
        // This executable's package: the folder above its `.build` folder.
        let package = own.pathComponents.firstIndex(of: ".build").map {
            NSString.path(withComponents: Array(own.pathComponents[..<$0]))
        }
        let prefixes = [""] + (package.map { ["\($0)/"] } ?? [])
        let builds = { (configuration: String) in
            prefixes.map { "\($0)Server/.build/\(configuration)/shortlist-server" }
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let places =
            [beside] + builds("release")
            + path.split(separator: ":").map { "\($0)/shortlist-server" } + builds("debug")
        return places.first { place in
            var status = stat()
            return stat(place, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
                && FileManager.default.isExecutableFile(atPath: place)
        }
    }

    /// Whether `binary` is a debug build in a `Server/.build` folder.
    static func isDebugBuild(_ binary: String) -> Bool {
        binary.hasSuffix("Server/.build/debug/shortlist-server")
    }
}
