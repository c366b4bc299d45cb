/// Finds a key given twice in one object of a JSON text, which a decoder would read as one
/// (keeping one of the values) without a word.
enum RepeatedKeys {
    /// The first key that an object of `bytes` holds twice, with the path of that object
    /// (`'history[1]'`, or `the body` for the outer one), or nil. `bytes` is valid JSON (the
    /// decoder read it first).
    ///
    /// - Complexity: O(bytes).
    static func first(in bytes: [UInt8]) -> (key: String, place: String)? {
        /// An open object (its keys so far, its path, whether a key comes next) or array (its
        /// path and the index of its current element).
        enum Open {
            case object(keys: Set<String>, path: String, expectsKey: Bool, key: String?)
            case array(path: String, index: Int)
        }
        var stack: [Open] = []
        /// The path of the value that opens now, inside the innermost open container.
        func childPath() -> String {
            switch stack.last {
            case .object(_, let path, _, let key): path + (path.isEmpty ? "" : ".") + (key ?? "")
            case .array(let path, let index): "\(path)[\(index)]"
            case nil: ""
            }
        }
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"):
                stack.append(.object(keys: [], path: childPath(), expectsKey: true, key: nil))
            case UInt8(ascii: "["):
                stack.append(.array(path: childPath(), index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                stack.removeLast()
            case UInt8(ascii: ","):
                switch stack.last {
                case .object(let keys, let path, _, _):
                    stack[stack.count - 1] = .object(
                        keys: keys, path: path, expectsKey: true, key: nil)
                case .array(let path, let index):
                    stack[stack.count - 1] = .array(path: path, index: index + 1)
                case nil: break
                }
            case UInt8(ascii: "\""):
                let (text, end) = string(bytes, from: i)
                i = end
                if case .object(var keys, let path, true, _) = stack.last {
                    guard keys.insert(text).inserted else {
                        return (text, path.isEmpty ? "the body" : "'\(path)'")
                    }
                    stack[stack.count - 1] = .object(
                        keys: keys, path: path, expectsKey: false, key: text)
                }
                continue
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// The JSON string that starts at `start` (a quote), unescaped, and the offset after it.
    private static func string(_ bytes: [UInt8], from start: Int) -> (String, Int) {
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        var i = start + 1
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll()
        }
        func hex(_ at: Int) -> UInt32 {
            UInt32(String(decoding: bytes[at..<min(bytes.count, at + 4)], as: UTF8.self), radix: 16)
                ?? 0xFFFD
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                raw.append(bytes[i])
                i += 1
                continue
            }
            flush()
            let escaped = bytes[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "b"): scalars.append("\u{8}")
            case UInt8(ascii: "f"): scalars.append("\u{C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var value = hex(i)
                i += 4
                // A high surrogate and the low one after it are one scalar.
                if (0xD800..<0xDC00).contains(value), i + 1 < bytes.count,
                    bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                {
                    let low = hex(i + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                        i += 6
                    }
                }
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(escaped))
            }
        }
        flush()
        return (String(scalars), i + 1)
    }
}
