public import ShortlistCore

/// A problem in a pipelines file, located like a compiler error.
///
/// Its ``description`` reads
/// ```
/// pipelines.yaml:12:9: error: unknown key 'factor' in 'matrix-factorization'. Did you mean 'factors'?
///         factor: 64
///         ^
/// ```
public struct ConfigurationError: ShortlistError, Equatable {
    /// What went wrong, for programs.
    public enum Code: String, Sendable {
        /// The file cannot be read.
        case unreadable
        /// libyaml rejected the text.
        case syntax
        /// A key that nothing reads.
        case unknownKey
        /// A `type:` that no plugin registers.
        case unknownType
        /// A value of the wrong type.
        case typeMismatch
        /// A required key is absent.
        case missingKey
        /// A name given twice.
        case duplicate
        /// A value of the right type that cannot work.
        case invalidValue
    }

    /// What went wrong.
    public var code: Code
    /// The file, as the user named it.
    public var file: String
    /// The 1-based line, when the problem has a place.
    public var line: Int?
    /// The 1-based column, when the problem has a place.
    public var column: Int?
    /// What is wrong, in users' words.
    public var message: String
    /// The text of the offending line (or, for a long line, a window of it), shown with a caret.
    public var sourceLine: String?
    /// The caret's 1-based column in ``sourceLine``: ``column``, unless the line was shortened.
    public var caretColumn: Int?

    /// An error.
    public init(
        _ code: Code, file: String, line: Int? = nil, column: Int? = nil, message: String,
        sourceLine: String? = nil, caretColumn: Int? = nil
    ) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
        self.caretColumn = caretColumn ?? column
    }

    public var kind: ErrorKind { code == .unreadable ? .unavailable : .invalid }
    public var location: ErrorLocation? { ErrorLocation(file: file, line: line, column: column) }

    /// `FILE:LINE:COLUMN: error: MESSAGE`, then the source line and a caret under the column.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        text += ": error: \(message)"
        if let sourceLine, let caretColumn {
            let caret = String(repeating: " ", count: max(0, caretColumn - 1)) + "^"
            text += "\n\(sourceLine)\n\(caret)"
        }
        return text
    }
}
