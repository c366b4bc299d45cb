/// What kind of problem an error is, the same word in every domain: what the CLI turns into an
/// exit status and the server into an HTTP status, each in one place.
public enum ErrorKind: String, Sendable, CaseIterable {
    /// What was given cannot work as given: a malformed file, row, value or request.
    case invalid
    /// What was named does not exist: a file, a pipeline, a user, an item, a logged request.
    case notFound
    /// A file or store cannot be read or written now; the same request may work later.
    case unavailable
    /// A stored file is damaged or of another version: a model artifact, the dataset cache.
    case corrupt
    /// What was asked contradicts what was recorded before: a second, different reward for
    /// the same item of the same response.
    case conflict
}

/// Where a problem is: a file, and within it a line and a column when they are known.
public struct ErrorLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// The 1-based line, if known.
    public var line: Int?
    /// The 1-based column (in characters) on ``line``, if known.
    public var column: Int?

    /// A location.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE`, `FILE:LINE` or `FILE:LINE:COLUMN`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }
}

/// An error any part of Shortlist reports: a kind, a message in users' words and, when it has
/// one, the place it is about. Every domain's error conforms, so that a front end words and
/// maps them without knowing the domain.
public protocol ShortlistError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is.
    var kind: ErrorKind { get }
    /// What is wrong, in users' words, without the location.
    var message: String { get }
    /// The file (and line and column) the problem is about, if any.
    var location: ErrorLocation? { get }
}

extension ShortlistError {
    /// `LOCATION: MESSAGE`, or the message alone when there is no location.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}

/// A request that cannot be answered as asked — a command's arguments or an HTTP request's:
/// an unknown pipeline, a malformed split or history, a question a stage cannot answer.
public struct RequestError: ShortlistError, Equatable {
    public var kind: ErrorKind
    public var message: String
    public var location: ErrorLocation?

    /// A request error of `kind`.
    public init(_ kind: ErrorKind, _ message: String, location: ErrorLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    /// A request that cannot work as given.
    public init(_ message: String, location: ErrorLocation? = nil) {
        self.init(.invalid, message, location: location)
    }
}
