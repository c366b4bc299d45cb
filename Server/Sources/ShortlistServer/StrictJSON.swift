import ShortlistCore

/// Checks that a request body is strict JSON (RFC 8259) as the server's bodies must be, before a
/// decoder reads it: the decoder would take a trailing comma, keep one value of a key given
/// twice, and read a `null` as a key left out, all without a word.
enum StrictJSON {
    /// What is wrong with `bytes`, in one sentence that says where, or nil when they are one
    /// JSON value without trailing commas, repeated keys or nulls.
    ///
    /// - Complexity: O(bytes).
    static func problem(in bytes: [UInt8]) -> String? {
        var reader = Reader(bytes: bytes)
        do throws(Problem) {
            reader.skipSpace()
            try reader.value(at: "")
            reader.skipSpace()
            guard reader.offset == bytes.count else {
                throw Problem("the body holds more after its JSON value (at byte \(reader.offset))")
            }
            return nil
        } catch {
            return error.message
        }
    }

    private struct Problem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The path of a value, as messages name it: `the body`, `'history[1].item'`.
    private static func place(_ path: String) -> String {
        path.isEmpty ? "the body" : "'\(path)'"
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        /// How deep the containers being read are nested.
        var depth = 0
        static let maxDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        var next: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipSpace() {
            while let byte = next, [0x20, 0x09, 0x0A, 0x0D].contains(byte) { offset += 1 }
        }

        func invalid(_ what: String) -> Problem {
            Problem("the body is not valid JSON: \(what) at byte \(offset)")
        }

        mutating func value(at path: String) throws(Problem) {
            switch next {
            case UInt8(ascii: "{"): try object(at: path)
            case UInt8(ascii: "["): try array(at: path)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"):
                try literal("null")
                throw Problem(
                    "\(StrictJSON.place(path)) is null; leave an optional key out instead")
            case .some(UInt8(ascii: "-")), .some(UInt8(ascii: "0")...UInt8(ascii: "9")):
                try number()
            case nil: throw invalid("the text ends where a value should start")
            default: throw invalid("a value should start")
            }
        }

        mutating func enter() throws(Problem) {
            depth += 1
            guard depth <= Self.maxDepth else {
                throw Problem("the body nests deeper than \(Self.maxDepth) levels")
            }
            offset += 1
            skipSpace()
        }

        mutating func object(at path: String) throws(Problem) {
            try enter()
            var keys: Set<String> = []
            if next == UInt8(ascii: "}") {
                offset += 1
                depth -= 1
                return
            }
            while true {
                guard next == UInt8(ascii: "\"") else {
                    throw invalid(
                        keys.isEmpty ? "a key should start" : "a key should follow the comma")
                }
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw Problem(
                        "the key '\(excerpt(key))' is given twice in \(StrictJSON.place(path))")
                }
                skipSpace()
                guard next == UInt8(ascii: ":") else { throw invalid("a ':' should follow a key") }
                offset += 1
                skipSpace()
                try value(at: path.isEmpty ? key : "\(path).\(key)")
                skipSpace()
                if next == UInt8(ascii: ",") {
                    offset += 1
                    skipSpace()
                    continue
                }
                guard next == UInt8(ascii: "}") else { throw invalid("a ',' or '}' should follow") }
                offset += 1
                depth -= 1
                return
            }
        }

        mutating func array(at path: String) throws(Problem) {
            try enter()
            if next == UInt8(ascii: "]") {
                offset += 1
                depth -= 1
                return
            }
            var index = 0
            while true {
                guard next != UInt8(ascii: "]") else {
                    throw invalid("a value should follow the comma")
                }
                try value(at: "\(path)[\(index)]")
                skipSpace()
                if next == UInt8(ascii: ",") {
                    offset += 1
                    skipSpace()
                    index += 1
                    continue
                }
                guard next == UInt8(ascii: "]") else { throw invalid("a ',' or ']' should follow") }
                offset += 1
                depth -= 1
                return
            }
        }

        mutating func literal(_ word: String) throws(Problem) {
            let end = offset + word.utf8.count
            guard end <= bytes.count, bytes[offset..<end].elementsEqual(word.utf8) else {
                throw invalid("a value should start")
            }
            offset = end
        }

        mutating func digits() -> Int {
            let start = offset
            while let byte = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                offset += 1
            }
            return offset - start
        }

        mutating func number() throws(Problem) {
            if next == UInt8(ascii: "-") { offset += 1 }
            if next == UInt8(ascii: "0") {
                offset += 1
            } else if digits() == 0 {
                throw invalid("a number needs a digit")
            }
            if next == UInt8(ascii: ".") {
                offset += 1
                guard digits() > 0 else { throw invalid("a number needs a digit after '.'") }
            }
            if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                offset += 1
                if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { offset += 1 }
                guard digits() > 0 else { throw invalid("an exponent needs a digit") }
            }
        }

        /// The string that starts here (at its quote), unescaped; lone surrogates are refused.
        mutating func string() throws(Problem) -> String {
            offset += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() throws(Problem) {
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw invalid("a string is not UTF-8")
                }
                scalars.append(contentsOf: text.unicodeScalars)
                raw.removeAll()
            }
            while true {
                guard let byte = next else { throw invalid("a string does not end") }
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    try flush()
                    return String(scalars)
                case 0..<0x20:
                    throw invalid("a control character must be escaped in a string")
                case UInt8(ascii: "\\"):
                    try flush()
                    offset += 1
                    scalars.append(try escape())
                default:
                    raw.append(byte)
                    offset += 1
                }
            }
        }

        mutating func hex4() throws(Problem) -> UInt32 {
            guard offset + 4 <= bytes.count,
                let value = UInt32(
                    String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
            else { throw invalid("'\\u' needs four hexadecimal digits") }
            offset += 4
            return value
        }

        mutating func escape() throws(Problem) -> Unicode.Scalar {
            guard let byte = next else { throw invalid("a string does not end") }
            offset += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let value = try hex4()
                if (0xD800..<0xDC00).contains(value), next == UInt8(ascii: "\\"),
                    offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u")
                {
                    offset += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw invalid("a high surrogate needs a low one after it")
                    }
                    return Unicode.Scalar(0x10000 + (value - 0xD800) << 10 + (low - 0xDC00))
                        ?? "\u{FFFD}"
                }
                guard let scalar = Unicode.Scalar(value) else {
                    throw invalid("a surrogate escape needs its pair")
                }
                return scalar
            default:
                throw invalid("'\\\(Character(Unicode.Scalar(byte)))' is not an escape")
            }
        }
    }
}
