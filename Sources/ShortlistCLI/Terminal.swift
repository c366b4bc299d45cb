import ArgumentParser
import Foundation
import Logging
import ShortlistConfig
import ShortlistCore
import ShortlistData
import ShortlistPipeline

/// Writing to standard error, progress drawing, and turning errors into one clear message.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    static func log(_ line: String) {
        Console.error(line + "\n")
    }

    /// Where the commands' progress events and warnings go: standard error, a warning
    /// prefixed by its level.
    static let logger = Logger(label: "shortlist") { _ in TerminalLogHandler() }

    /// Says once per process, before the first fit of a debug build, that fitting is much
    /// slower there; a release build says nothing.
    static func warnIfDebugBuild() {
        #if DEBUG
            _ = debugBuildWarning
        #endif
    }

    /// A progress reporter that redraws one line on a terminal, at most ten times a second;
    /// when standard error is not a terminal (a log, a pipe), it writes a plain line every
    /// ``plainInterval`` seconds of a long step instead, so a long run is never silent.
    static func progress(_ title: String) -> ProgressReporter {
        let bar = ProgressLine(title: title, plain: !isInteractive)
        return ProgressReporter { step, done, total in bar.update(step, done, total) }
    }

    /// Seconds between plain progress lines: `SHORTLIST_PROGRESS_SECONDS`, else 10; a value that
    /// is not a number of seconds is said once, and 10 used.
    static let plainInterval: Double = {
        guard let text = ProcessInfo.processInfo.environment["SHORTLIST_PROGRESS_SECONDS"] else {
            return 10
        }
        guard let seconds = decimalNumber(text), seconds.isFinite, seconds >= 0 else {
            logger.warning(
                """
                SHORTLIST_PROGRESS_SECONDS='\(excerpt(text))' is not a number of seconds; \
                progress lines come every 10 s
                """)
            return 10
        }
        return seconds
    }()

    /// Runs a command body, printing any error as one message on standard error and exiting 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ConfigurationError {
            // Located like a compiler's error, with the line and a caret under the column.
            log(error.description)
            throw ExitCode.failure
        } catch {
            // Every domain's error (a ShortlistError: LOCATION: MESSAGE), of every kind, is one
            // line and exit status 1.
            log("error: \(error)")
            throw ExitCode.failure
        }
    }
}

private final class ProgressLine: @unchecked Sendable {
    private let title: String
    private let lock = NSLock()
    private let start = Date()
    private let plain: Bool
    private var lastDraw: Date

    /// A line that redraws itself on a terminal, or writes a plain line now and then when
    /// `plain`.
    init(title: String, plain: Bool) {
        self.title = title
        self.plain = plain
        lastDraw = plain ? start : .distantPast
    }

    func update(_ step: String, _ done: Int, _ total: Int?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if plain {
            guard now.timeIntervalSince(lastDraw) >= Terminal.plainInterval else { return }
            lastDraw = now
            let of = total.map { "/\($0)" } ?? ""
            Terminal.log(
                "\(title): \(step) \(done)\(of) after "
                    + String(format: "%.0f s", now.timeIntervalSince(start)))
            return
        }
        let finished = total.map { done >= $0 } ?? false
        guard finished || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = String(format: "%.1f s", now.timeIntervalSince(start))
        var line = "\(title): \(step) \(done)"
        if let total, total > 0 {
            let width = 24
            let filled = min(width, done * width / total)
            line =
                "\(title): \(step) "
                + "[\(String(repeating: "=", count: filled))\(String(repeating: " ", count: width - filled))] \(done)/\(total)"
        }
        let seconds = now.timeIntervalSince(start)
        if seconds >= 1, done > 0 {
            line += String(format: " (%.1f/s)", Double(done) / seconds)
        }
        Console.error("\r\u{1B}[2K\(line) \(elapsed)\(finished ? "\n" : "")")
    }
}

#if DEBUG
    /// Written the first time it is read (globals are initialised once, atomically).
    private let debugBuildWarning: Void = Terminal.logger.warning(
        """
        this is a debug build, which fits stages about 400 times slower than a release build; \
        build with 'swift build -c release' and run .build/release/shortlist
        """)
#endif
