internal import ShortlistCore

/// A 1-based position in the source text.
struct Mark: Sendable, Equatable {
    var line: Int
    var column: Int
}

/// A YAML node with the place it was written; aliases are already resolved and merge keys applied.
indirect enum Node: Sendable {
    case scalar(Scalar)
    case sequence([Node], Mark)
    case mapping(Mapping)

    var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(_, let mark): mark
        case .mapping(let mapping): mapping.mark
        }
    }

    /// How the node reads in an error message: `'fifty'`, `a list`, `a mapping`, `nothing`.
    var foundDescription: String {
        switch self {
        case .scalar(let scalar): scalar.isNull ? "nothing" : "'\(excerpt(scalar.value))'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }
}

/// A scalar's text and whether it was written plain (unquoted).
struct Scalar: Sendable {
    var value: String
    var mark: Mark
    var isPlain: Bool

    /// Plain `~`, `null` or nothing is YAML's null.
    var isNull: Bool {
        isPlain && ["", "~", "null", "Null", "NULL"].contains(value)
    }
}

/// A mapping's entries in file order, keys kept with their marks.
struct Mapping: Sendable {
    struct Entry: Sendable {
        var key: String
        var keyMark: Mark
        var value: Node
    }

    /// Distinct per mapping in a file, so decoders can track which keys were read.
    var id: Int
    var entries: [Entry]
    var mark: Mark

    func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }
}
