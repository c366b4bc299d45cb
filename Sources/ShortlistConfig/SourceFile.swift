/// The text of a configuration file and the name to report it by.
struct SourceFile: Sendable {
    var name: String
    var text: String
    private var lines: [Substring]

    init(name: String, text: String) {
        self.name = name
        self.text = text
        // A Windows line end "\r\n" is one Character, so lines split on any newline character.
        self.lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }

    /// The text of a 1-based line without its line break.
    func line(_ number: Int) -> String? {
        guard number >= 1, number <= lines.count else { return nil }
        return String(lines[number - 1])
    }

    /// An error at `mark`, with its source line.
    func error(_ code: ConfigurationError.Code, at mark: Mark?, _ message: String)
        -> ConfigurationError
    {
        guard let mark, let text = line(mark.line) else {
            return ConfigurationError(
                code, file: name, line: mark?.line, column: mark?.column, message: message)
        }
        // A long line is shown as a window around the column, so a huge value is not echoed whole.
        let window = 120
        guard text.count > window + 40 else {
            return ConfigurationError(
                code, file: name, line: mark.line, column: mark.column, message: message,
                sourceLine: text)
        }
        let start = max(0, min(mark.column - 1 - window / 2, text.count - window))
        let shown =
            (start > 0 ? "…" : "") + text.dropFirst(start).prefix(window)
            + (start + window < text.count ? "…" : "")
        return ConfigurationError(
            code, file: name, line: mark.line, column: mark.column, message: message,
            sourceLine: shown,
            caretColumn: mark.column - start + (start > 0 ? 1 : 0))
    }
}
