import Foundation

/// A PostgreSQL database named by a `feedback-store:` URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|require]`.
///
/// `schema` keeps one deployment's tables apart from another's in the same database (created
/// when missing; `public` by default); `sslmode=require` connects over TLS.
public struct PostgresLocation: Sendable, Equatable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String
    public var requiresTLS: Bool

    /// What is wrong with a URL, in one sentence.
    public struct Invalid: Error, Equatable {
        public var message: String
    }

    /// Reads a `postgres://` or `postgresql://` URL.
    public init(url text: String) throws(Invalid) {
        guard let url = URLComponents(string: text),
            url.scheme == "postgres" || url.scheme == "postgresql"
        else {
            throw Invalid(
                message: "'\(Self.redacted(text))' is not a URL of the form "
                    + "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        guard let user = url.user, !user.isEmpty else {
            throw Invalid(message: "the PostgreSQL URL names no user (postgres://USER@HOST/DB)")
        }
        guard let host = url.host, !host.isEmpty else {
            throw Invalid(message: "the PostgreSQL URL names no host (postgres://USER@HOST/DB)")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Invalid(
                message: "the PostgreSQL URL names no database (postgres://USER@HOST/DATABASE)")
        }
        self.user = user
        password = url.password
        self.host = host
        port = url.port ?? 5432
        self.database = database
        schema = "public"
        requiresTLS = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("schema", let name):
                guard let first = name.first, first.isLetter || first == "_",
                    name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }),
                    name.count <= 63
                else {
                    throw Invalid(
                        message: "the PostgreSQL URL's schema '\(name)' must be letters, digits "
                            + "and underscores, starting with a letter")
                }
                schema = name.lowercased()
            case ("sslmode", "disable"): requiresTLS = false
            case ("sslmode", "require"): requiresTLS = true
            case ("sslmode", let mode):
                throw Invalid(
                    message: "the PostgreSQL URL's sslmode '\(mode)' must be disable or require")
            default:
                throw Invalid(
                    message: "the PostgreSQL URL has the unknown parameter '\(item.name)'; it "
                        + "takes schema and sslmode")
            }
        }
    }

    /// Whether a `feedback-store:` value names a PostgreSQL database rather than a file (a
    /// `postgres:` value without `//` is a malformed URL, not a file name).
    public static func isURL(_ location: String) -> Bool {
        location.hasPrefix("postgres:") || location.hasPrefix("postgresql:")
    }

    /// The URL with its password replaced by `***`, for messages and logs.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "***"
        return url.string ?? text
    }
}
