import Foundation
import ShortlistCore
import ShortlistData
import ShortlistPipeline

/// Standard output and standard error, written with `write(2)`.
///
/// Foundation's `FileHandle.write(_:)` traps on an I/O error and `print` drops it, so every
/// command writes through here: a failed write of standard output is an ``OutputError``. A
/// reader that closed its end of a pipe ends the process by `SIGPIPE` at the write, quietly,
/// as `git log | head` does.
enum Console {
    /// Writes `text` to standard output.
    ///
    /// - Throws: ``OutputError`` when it cannot be written (a full disk, a closed descriptor).
    static func write(_ text: String) throws(OutputError) {
        let problem = Array(text.utf8).withUnsafeBytes { OutputFile.writeAll(STDOUT_FILENO, $0) }
        if let problem { throw OutputError(reason: OutputFile.systemReason(problem)) }
    }

    /// Writes `text` and a line end to standard output.
    static func line(_ text: String) throws(OutputError) { try write(text + "\n") }

    /// Writes `text` to standard error; a failure is dropped, as there is nowhere left to say it.
    static func error(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { OutputFile.writeAll(STDERR_FILENO, $0) }
    }
}

/// Standard output cannot be written.
struct OutputError: ShortlistError {
    /// The system's reason ("No space left on device").
    var reason: String

    var kind: ErrorKind { .unavailable }
    var message: String { "cannot write the output: \(reason)" }
    var location: ErrorLocation? { nil }
}
