internal import CYAML
import ShortlistCore

/// Builds a ``Node`` tree from libyaml's event stream, keeping every node's line and column.
///
/// Anchors and aliases are resolved, `<<` merge keys applied (explicit keys win, then earlier
/// merged mappings), and a second document in the stream is rejected.
struct YAMLReader {
    let source: SourceFile
    private var anchors: [String: Node] = [:]

    /// The deepest nesting of lists and mappings accepted. It also bounds the recursion that
    /// frees the node tree, so no input can exhaust the stack.
    static let maximumDepth = 64
    /// The longest plain key libyaml reads as a key.
    static let maximumKeyLength = 1024
    private var nextMappingID = 0

    init(source: SourceFile) { self.source = source }

    /// The document's root node, or nil for a file with no content.
    mutating func read() throws(ConfigurationError) -> Node? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw source.error(.unreadable, at: nil, "cannot start the YAML parser (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        if let (scalar, mark) = Self.firstForbiddenCharacter(source.text) {
            throw source.error(
                .syntax, at: mark,
                "the file holds a control character (\(scalar.codePoint)), which YAML does not "
                    + "allow")
        }
        let bytes = Array(source.text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(ConfigurationError) -> Node? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try readStream(&parser)
        }
    }

    private enum Frame {
        case sequence([Node], Mark, anchor: String?)
        case mapping(
            [Mapping.Entry], pendingKey: Scalar?, mergeSources: [Node], Mark, anchor: String?)
    }

    private mutating func readStream(_ parser: inout yaml_parser_t) throws(ConfigurationError)
        -> Node?
    {
        var stack: [Frame] = []
        var root: Node?
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser) }
            defer { yaml_event_delete(&event) }
            let mark = Mark(
                line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            var completed: Node?
            let opens =
                event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_MAPPING_START_EVENT
            if opens, stack.count >= Self.maximumDepth {
                throw source.error(
                    .syntax, at: mark,
                    "the YAML nests more than \(Self.maximumDepth) lists and mappings deep; a "
                        + "pipelines file needs a few")
            }
            let tag: UnsafeMutablePointer<yaml_char_t>? =
                switch event.type {
                case YAML_SCALAR_EVENT: event.data.scalar.tag
                case YAML_SEQUENCE_START_EVENT: event.data.sequence_start.tag
                case YAML_MAPPING_START_EVENT: event.data.mapping_start.tag
                default: nil
                }
            if let tag = optionalString(tag) {
                throw source.error(
                    .syntax, at: mark,
                    "a YAML tag ('\(excerpt(tag))'); a pipelines file reads each value by its key, so "
                        + "write the value without a tag")
            }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 {
                    throw source.error(
                        .syntax, at: mark,
                        "a second YAML document ('---'); put every pipeline in one document"
                    )
                }
            case YAML_SCALAR_EVENT:
                let scalar = Scalar(
                    value: string(event.data.scalar.value, Int(event.data.scalar.length)),
                    mark: mark, isPlain: event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                )
                completed = .scalar(scalar)
                if let anchor = optionalString(event.data.scalar.anchor) {
                    anchors[anchor] = completed
                }
            case YAML_ALIAS_EVENT:
                let name = optionalString(event.data.alias.anchor) ?? ""
                guard let node = anchors[name] else {
                    throw source.error(
                        .syntax, at: mark, "alias '*\(name)' names no anchor defined before it")
                }
                completed = node
            case YAML_SEQUENCE_START_EVENT:
                stack.append(
                    .sequence([], mark, anchor: optionalString(event.data.sequence_start.anchor)))
            case YAML_MAPPING_START_EVENT:
                stack.append(
                    .mapping(
                        [], pendingKey: nil, mergeSources: [], mark,
                        anchor: optionalString(event.data.mapping_start.anchor)))
            case YAML_SEQUENCE_END_EVENT:
                guard case .sequence(let items, let start, let anchor) = stack.removeLast() else {
                    continue
                }
                completed = .sequence(items, start)
                if let anchor { anchors[anchor] = completed }
            case YAML_MAPPING_END_EVENT:
                guard
                    case .mapping(let entries, _, let merges, let start, let anchor) =
                        stack.removeLast()
                else { continue }
                completed = .mapping(try merged(entries, merges, mark: start))
                if let anchor { anchors[anchor] = completed }
            default:
                break
            }
            guard let node = completed else { continue }
            if stack.isEmpty {
                root = node
            } else {
                try add(node, to: &stack[stack.count - 1])
            }
        }
    }

    /// Adds a finished node to its parent. Each case first empties the frame, so the array taken
    /// out of it is uniquely referenced and appending does not copy it (which made files with
    /// many entries quadratic).
    private func add(_ node: Node, to frame: inout Frame) throws(ConfigurationError) {
        switch frame {
        case .sequence(var items, let mark, let anchor):
            frame = .sequence([], mark, anchor: anchor)
            items.append(node)
            frame = .sequence(items, mark, anchor: anchor)
        case .mapping(var entries, let pendingKey, var merges, let mark, let anchor):
            frame = .mapping([], pendingKey: nil, mergeSources: [], mark, anchor: anchor)
            if let key = pendingKey {
                if key.isPlain, key.value == "<<" {
                    merges.append(node)
                } else {
                    entries.append(Mapping.Entry(key: key.value, keyMark: key.mark, value: node))
                }
                frame = .mapping(
                    entries, pendingKey: nil, mergeSources: merges, mark, anchor: anchor)
            } else {
                guard case .scalar(let key) = node else {
                    throw source.error(
                        .syntax, at: node.mark,
                        "a mapping key must be a plain value, found \(node.foundDescription)")
                }
                frame = .mapping(
                    entries, pendingKey: key, mergeSources: merges, mark, anchor: anchor)
            }
        }
    }

    private mutating func merged(_ entries: [Mapping.Entry], _ merges: [Node], mark: Mark)
        throws(ConfigurationError) -> Mapping
    {
        var result = entries
        var present = Set(entries.map(\.key))
        var sources: [Node] = []
        for merge in merges {
            if case .sequence(let items, _) = merge {
                sources += items
            } else {
                sources.append(merge)
            }
        }
        for source in sources {
            guard case .mapping(let mapping) = source else {
                throw self.source.error(
                    .syntax, at: source.mark,
                    "'<<' merges mappings only, found \(source.foundDescription)")
            }
            for entry in mapping.entries where present.insert(entry.key).inserted {
                result.append(entry)
            }
        }
        nextMappingID += 1
        return Mapping(id: nextMappingID, entries: result, mark: mark)
    }

    /// The first character YAML does not allow in a file (a C0 control other than a tab or a
    /// line end, DEL, or a C1 control other than NEL) and where it is; libyaml reports such a
    /// character at the start of the file.
    private static func firstForbiddenCharacter(_ text: String) -> (Unicode.Scalar, Mark)? {
        var line = 1
        var column = 1
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed =
                value == 0x09 || value == 0x0A || value == 0x0D || value == 0x85
                || (value >= 0x20 && value != 0x7F && !(0x80...0x9F).contains(value))
            if !allowed { return (scalar, Mark(line: line, column: column)) }
            // Lines as the source file counts them: LF, CR, CRLF (one) and NEL.
            if value == 0x0A && afterCarriageReturn {
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = value == 0x0D
            if value == 0x0A || value == 0x0D || value == 0x85 {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return nil
    }

    private func syntaxError(_ parser: yaml_parser_t) -> ConfigurationError {
        let problem = optionalString(parser.problem) ?? "unreadable YAML"
        let mark = Mark(
            line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        var message = "YAML syntax: \(problem)"
        if let context = optionalString(parser.context) {
            message += " (\(context) at line \(parser.context_mark.line + 1))"
        }
        // libyaml names a tab only as a character that cannot start a token.
        if let line = source.line(mark.line), line.prefix(mark.column).last == "\t" {
            message += "; it is a tab, and YAML indents with spaces only"
        }
        // A plain key longer than YAML's limit is not seen as a key: its colon is "not allowed",
        // or no colon is "found" after it; say what is wrong instead.
        let keyLine =
            problem.hasPrefix("mapping values are not allowed")
            ? mark.line
            : problem.hasPrefix("could not find expected ':'")
                ? Int(parser.context_mark.line) + 1 : nil
        if let keyLine, let line = source.line(keyLine), let colon = line.firstIndex(of: ":") {
            let key = line[..<colon].drop { $0 == " " || $0 == "-" }
            if key.count > Self.maximumKeyLength {
                message =
                    "the key is \(key.count) characters long; YAML allows a key of at most "
                    + "\(Self.maximumKeyLength)"
            }
        }
        return source.error(.syntax, at: mark, message)
    }
}

private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
    guard let pointer else { return "" }
    return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
}

private func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
    pointer.map { String(cString: $0) }
}

private func optionalString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}
