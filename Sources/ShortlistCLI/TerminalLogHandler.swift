import Logging

/// The CLI's log: each message one line on standard error, a warning as `warning: …` and an
/// error as `error: …`, as the commands have always written them (metadata is for the server's
/// structured log; here the message says it all).
struct TerminalLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let prefix =
            switch event.level {
            case .warning: "warning: "
            case .error, .critical: "error: "
            default: ""
            }
        Console.error(prefix + "\(event.message)\n")
    }
}
