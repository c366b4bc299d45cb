/// A problem with a stored model artifact.
public struct ArtifactError: ShortlistError, Equatable {
    /// What went wrong, for programs.
    public enum Code: String, Sendable {
        /// The file ends before the data it promises.
        case truncated
        /// The file is not an artifact, or of another kind or version.
        case mismatched
        /// The checksum does not match the payload.
        case corrupt
        /// The file cannot be read or written.
        case io
    }

    /// What went wrong.
    public var code: Code
    /// The details, in users' words.
    public var message: String

    /// An artifact error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: ErrorKind { code == .io ? .unavailable : .corrupt }
    public var location: ErrorLocation? { nil }
}
