public import ShortlistCore

/// A problem with data on disk or a request's ids: a missing file, a malformed row, an unknown id.
public struct DataError: ShortlistError, Equatable {
    /// What went wrong, for programs.
    public enum Code: String, Sendable {
        /// A file or folder is missing or unreadable.
        case missingFile
        /// A row does not parse.
        case malformedRow
        /// A file, or the whole dataset, holds no rows.
        case empty
        /// A file is not text in the expected encoding.
        case badEncoding
        /// A file or folder cannot be written.
        case unwritable
        /// A header lacks a mapped column.
        case missingColumn
        /// An id the dataset does not know.
        case unknownID
        /// Fetching a dataset failed.
        case fetchFailed
        /// A file changed while it was being read.
        case changed
    }

    /// What went wrong.
    public var code: Code
    /// What is wrong, in users' words.
    public var message: String
    /// The file involved, if any.
    public var file: String?
    /// The 1-based line in ``file``, if any.
    public var line: Int?
    /// The 1-based column (in characters) on ``line``, if any.
    public var column: Int?

    /// An error.
    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil,
        column: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    public var kind: ErrorKind {
        switch code {
        case .missingFile, .unknownID: .notFound
        case .malformedRow, .empty, .badEncoding, .missingColumn: .invalid
        case .unwritable, .fetchFailed, .changed: .unavailable
        }
    }

    public var location: ErrorLocation? {
        file.map { ErrorLocation(file: $0, line: line, column: column) }
    }
}
