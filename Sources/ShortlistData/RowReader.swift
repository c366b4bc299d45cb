import Foundation
import ShortlistCore

/// How a text file splits into rows and fields.
struct TextLayout: Sendable {
    /// The field separator: one character, or a string such as GroupLens' `::`.
    let delimiter: String
    /// Whether fields may be quoted with `"` (a doubled `""` is a quote).
    let quoted: Bool
    /// Whether the file is ISO-8859-1 rather than UTF-8.
    let latin1: Bool
    /// The delimiter's bytes when it is one or two ASCII characters that are not line ends
    /// (nor the quote of a quoted layout); otherwise an ASCII line holds no delimiter.
    let delimiterBytes: [UInt8]

    init(delimiter: String, quoted: Bool, latin1: Bool = false) {
        self.delimiter = delimiter
        self.quoted = quoted
        self.latin1 = latin1
        let bytes = Array(delimiter.utf8)
        let plain =
            (1...2).contains(bytes.count)
            && bytes.allSatisfy { $0 < 0x80 && $0 != 0x0A && $0 != 0x0D }
            && !(quoted && bytes.contains(UInt8(ascii: "\"")))
        delimiterBytes = plain ? bytes : []
    }

    init(delimiter: Character, quoted: Bool, latin1: Bool = false) {
        self.init(delimiter: String(delimiter), quoted: quoted, latin1: latin1)
    }
}

/// Why a file cannot be split into rows at all (as opposed to one row that does not parse).
enum ScanProblem: Error {
    /// The line of this local number holds a byte that is not UTF-8 at this column.
    case badEncoding(line: Int, column: Int)
    /// A quoted field is not closed on the line of this local number.
    case unclosedQuote(line: Int)
    /// The line of this local number is longer than ``RowReader/maximumLineBytes``.
    case lineTooLong(line: Int)

    /// The same problem `lines` lines further on.
    func offset(by lines: Int) -> ScanProblem {
        switch self {
        case .badEncoding(let line, let column): .badEncoding(line: line + lines, column: column)
        case .unclosedQuote(let line): .unclosedQuote(line: line + lines)
        case .lineTooLong(let line): .lineTooLong(line: line + lines)
        }
    }
}

/// Reads the rows of a byte range of a text file, one at a time, without decoding the fields
/// of a line that is all ASCII.
///
/// Lines end at `\n`, `\r\n` or `\r` (a vertical tab, a form feed, NEL, LS or PS is text in a
/// field), and lines of only white space are skipped. A line holding a non-ASCII byte is
/// decoded and split as characters.
struct RowReader {
    private let bytes: UnsafePointer<UInt8>
    private let end: Int
    private let layout: TextLayout
    private(set) var position: Int
    /// The local number (1 for the range's first line) of the line of the current row.
    private(set) var line = 0

    /// Field `i` of an ASCII row is `base[starts[i] ..< ends[i]]`.
    private var base: UnsafePointer<UInt8>
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// The fields of a decoded row (a line with non-ASCII bytes), or nil for an ASCII row.
    private var decoded: [String]?
    /// Where the fields of an ASCII line with quotes are written without their quotes.
    private let scratch = Scratch()

    /// The longest line read, without its line end: longer lines are errors, so that a reader
    /// of lines holds a bounded number of bytes.
    static let maximumLineBytes = 1 << 20
    /// ``maximumLineBytes`` in words.
    static let maximumLineDescription = "1 MiB"

    /// Keeps the bytes read alive as long as the reader.
    private let owner: FileBytes

    /// A reader of the first `count` of `bytes` (all of them by default), which start at the
    /// beginning of a line.
    init(_ bytes: FileBytes, count: Int? = nil, layout: TextLayout) {
        owner = bytes
        // No bytes have no memory; the scratch buffer stands in for their address.
        self.bytes =
            bytes.buffer.baseAddress.map { UnsafePointer($0) } ?? UnsafePointer(scratch.start)
        let range = 0..<(count ?? bytes.buffer.count)
        base = self.bytes
        end = range.upperBound
        position = range.lowerBound
        self.layout = layout
        starts.reserveCapacity(16)
        ends.reserveCapacity(16)
    }

    /// The number of fields of the current row.
    var count: Int { decoded?.count ?? starts.count }

    /// Whether the current row was decoded (a line with non-ASCII bytes).
    var isDecoded: Bool { decoded != nil }

    /// Field `index`'s bytes; only for a row that is not decoded.
    func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + starts[index], count: ends[index] - starts[index])
    }

    /// Field `index` as a string.
    func string(_ index: Int) -> String {
        if let decoded { return decoded[index] }
        return String(decoding: bytes(index), as: UTF8.self)
    }

    /// Every field of the current row as strings.
    var strings: [String] { (0..<count).map(string) }

    /// Moves to the next row that is not blank; false at the end of the range.
    ///
    /// - Throws: ``ScanProblem``, after which reading can go on with the next line.
    mutating func next() throws(ScanProblem) -> Bool {
        let d0 = layout.delimiterBytes.first.map(UInt16.init) ?? 0x100
        let d1 = layout.delimiterBytes.count == 2 ? UInt16(layout.delimiterBytes[1]) : 0x100
        let delimiterIsBlank = d0 == 0x20 || (0x09...0x0C).contains(d0)
        let quote: UInt16 = layout.quoted ? 0x22 : 0x100
        while position < end {
            let lineStart = position
            var p = position
            var isASCII = true
            var isBlank = true
            var hasQuote = false
            var terminator = 0
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            var fieldStart = p
            while p < end {
                let b = bytes[p]
                if UInt16(b) == d0, d1 == 0x100 || (p + 1 < end && UInt16(bytes[p + 1]) == d1) {
                    starts.append(fieldStart)
                    ends.append(p)
                    if !delimiterIsBlank { isBlank = false }
                    p += d1 == 0x100 ? 1 : 2
                    fieldStart = p
                    continue
                }
                if b < 0x0E {
                    if b == 0x0A || b == 0x0D {
                        terminator = b == 0x0D && p + 1 < end && bytes[p + 1] == 0x0A ? 2 : 1
                        break
                    }
                    // A tab, vertical tab or form feed is white space, as in a decoded line.
                    if b < 0x09 { isBlank = false }
                } else if b >= 0x80 {
                    isASCII = false
                } else if b != 0x20 {
                    isBlank = false
                    if UInt16(b) == quote { hasQuote = true }
                }
                p += 1
            }
            position = p + terminator
            line += 1
            if p - lineStart > Self.maximumLineBytes { throw .lineTooLong(line: line) }
            if !isASCII {
                if try decode(lineStart..<p) { return true }
                continue
            }
            if isBlank { continue }
            decoded = nil
            if hasQuote {
                try splitQuoted(lineStart..<p)
            } else {
                base = bytes
                starts.append(fieldStart)
                ends.append(p)
            }
            return true
        }
        return false
    }

    /// Splits an ASCII line with quotes into unquoted fields in the scratch buffer.
    private mutating func splitQuoted(_ range: Range<Int>) throws(ScanProblem) {
        let scratch = self.scratch.reserve(range.count)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        let delimiter = layout.delimiterBytes.count == 1 ? UInt16(layout.delimiterBytes[0]) : 0x100
        var written = 0
        var fieldStart = 0
        var inQuotes = false
        var i = range.lowerBound
        while i < range.upperBound {
            let c = bytes[i]
            i += 1
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i < range.upperBound, bytes[i] == UInt8(ascii: "\"") {
                        scratch[written] = c
                        written += 1
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    scratch[written] = c
                    written += 1
                }
            } else if c == UInt8(ascii: "\"") {
                inQuotes = true
            } else if UInt16(c) == delimiter {
                starts.append(fieldStart)
                ends.append(written)
                fieldStart = written
            } else {
                scratch[written] = c
                written += 1
            }
        }
        if inQuotes { throw .unclosedQuote(line: line) }
        starts.append(fieldStart)
        ends.append(written)
        base = UnsafePointer(scratch)
    }

    /// Decodes a line with non-ASCII bytes and splits it as characters; false when it is blank.
    private mutating func decode(_ range: Range<Int>) throws(ScanProblem) -> Bool {
        let raw = UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count)
        let text: String
        if layout.latin1 {
            text = String(decoding: raw.map { UInt16($0) }, as: UTF16.self)
        } else if let utf8 = String(validating: raw, as: UTF8.self) {
            text = utf8
        } else {
            throw .badEncoding(line: line, column: firstInvalidUTF8(in: raw)?.column ?? 1)
        }
        if text.allSatisfy(\.isWhitespace) { return false }
        if layout.quoted, text.contains("\""), let delimiter = layout.delimiter.first,
            layout.delimiter.count == 1
        {
            decoded = try splitQuoted(text[...], delimiter: delimiter)
        } else if layout.delimiter.count == 1, let delimiter = layout.delimiter.first {
            decoded = text.split(separator: delimiter, omittingEmptySubsequences: false).map(
                String.init)
        } else {
            decoded = text.split(separator: layout.delimiter, omittingEmptySubsequences: false)
                .map(String.init)
        }
        return true
    }

    private func splitQuoted(_ text: Substring, delimiter: Character) throws(ScanProblem)
        -> [String]
    {
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if inQuotes {
                if character == "\"" {
                    if index < text.endIndex, text[index] == "\"" {
                        field.append("\"")
                        index = text.index(after: index)
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == delimiter {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        if inQuotes { throw .unclosedQuote(line: line) }
        fields.append(field)
        return fields
    }
}

/// A buffer that grows, freed with its last reference.
private final class Scratch {
    private(set) var start = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    private var capacity = 256

    /// The buffer, holding at least `count` bytes.
    func reserve(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if count > capacity {
            start.deallocate()
            capacity = max(count, capacity * 2)
            start = .allocate(capacity: capacity)
        }
        return start
    }

    deinit { start.deallocate() }
}
