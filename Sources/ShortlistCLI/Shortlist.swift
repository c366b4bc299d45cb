import ArgumentParser
import BuiltInPlugins
import Foundation
import ShortlistPipeline

@main
struct Shortlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shortlist",
        abstract: "Two-stage recommendation pipelines declared in YAML, with explanations.",
        subcommands: [
            Recommend.self, Explain.self, Similar.self, Evaluate.self, Validate.self, Plugins.self,
            DataCommand.self, Feedback.self, Events.self, Items.self, Refresh.self,
            ReplayCommand.self,
            ABCommand.self,
            Simulate.self,
            ArtifactsCommand.self,
            NewPlugin.self, Serve.self,
        ]
    )

    /// Runs the command; a malformed command line prints `error: …` (as every other error
    /// does) with the usage, and exits 64.
    static func main() {
        // A reader that closes the pipe ends the process quietly at its next write, whatever
        // the parent process left the signal set to.
        signal(SIGPIPE, SIG_DFL)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if let error = error as? ExitCode { exit(withError: error) }
            var message = fullMessage(for: error)
            // Help and version go to standard output; a command's own errors are printed.
            if code == .success {
                do throws(OutputError) {
                    try Console.line(message)
                } catch {
                    Terminal.log("error: \(error)")
                    exit(withError: ExitCode.failure)
                }
                exit(withError: ExitCode.success)
            }
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst(7) }
            Terminal.log(message)
            exit(withError: ExitCode(code.rawValue))
        }
    }
}
