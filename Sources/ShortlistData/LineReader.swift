import Foundation
import ShortlistCore

/// The lines of a file, or of standard input, read as they arrive in bounded memory.
///
/// Lines end at `\n` (a `\r` before it is dropped); a UTF-8 byte-order mark that starts the first
/// line is dropped. A line longer than ``maximumLineBytes`` is an error as soon as that many
/// bytes have arrived without a line end, so neither `/dev/zero`-like input nor a file without line ends is ever held whole; a
/// line that is not UTF-8 is an error naming its line and column. A named file must be a
/// regular file (a FIFO or device is refused at once); `-` reads standard input, whatever it is.
public final class LineReader {
    /// The longest line, without its line end.
    public static let maximumLineBytes = RowReader.maximumLineBytes
    /// ``maximumLineBytes`` in words.
    public static let maximumLineDescription = RowReader.maximumLineDescription

    /// The path the reader was opened with (`standard input` for `-`), for errors.
    public let name: String
    /// The 1-based number of the line last returned.
    public private(set) var line = 0

    /// Where the bytes come from: a regular file read from its start, or standard input.
    private enum Source {
        case file(InputFile)
        case standardInput
    }

    private let source: Source
    /// How far into a file the reader has read.
    private var offset = 0
    private var buffer: [UInt8] = []
    /// Where the unread bytes of ``buffer`` start.
    private var start = 0
    private var isAtEnd = false
    private static let chunk = 1 << 16
    /// A chunk's room, appended to the buffer to read into (an array copies in one move).
    private static let room = [UInt8](repeating: 0, count: chunk)

    /// Opens `path`, or standard input for `-`.
    ///
    /// - Throws: ``DataError`` `.missingFile` when the file cannot be read or is not a regular
    ///   file.
    public init(path: String) throws(DataError) {
        name = path == "-" ? "standard input" : path
        source = path == "-" ? .standardInput : .file(try InputFile(path))
    }

    /// The next line without its line end, or nil at the end of the input.
    ///
    /// - Throws: ``DataError`` naming `FILE:LINE` for a line that is too long or not UTF-8, or
    ///   the system's error for input that cannot be read.
    public func next() throws(DataError) -> String? {
        // How many of the unread bytes were searched for a line end (filling moves them).
        var searched = 0
        while true {
            if let newline = buffer[(start + searched)...].firstIndex(of: 0x0A) {
                return try take(upTo: newline, skipping: 1)
            }
            searched = buffer.count - start
            guard searched <= Self.maximumLineBytes else {
                throw DataError(
                    .malformedRow, "the line is longer than \(Self.maximumLineDescription)",
                    file: name, line: line + 1)
            }
            if isAtEnd {
                return start < buffer.count ? try take(upTo: buffer.count, skipping: 0) : nil
            }
            try fill()
        }
    }

    /// Reads one more chunk into the buffer, dropping the bytes already returned.
    private func fill() throws(DataError) {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let count = buffer.count
        buffer.append(contentsOf: Self.room)
        var read = 0
        switch source {
        case .file(let file):
            read = min(Self.chunk, file.size - offset)
            let range = offset..<offset + read
            var failure: DataError?
            buffer.withUnsafeMutableBytes {
                do throws(DataError) {
                    try file.read(range, into: $0.baseAddress! + count)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            offset += read
        case .standardInput:
            repeat {
                read = buffer.withUnsafeMutableBytes {
                    Foundation.read(STDIN_FILENO, $0.baseAddress! + count, Self.chunk)
                }
            } while read < 0 && errno == EINTR
            guard read >= 0 else {
                throw DataError(
                    .missingFile, "the input cannot be read: \(OutputFile.systemReason())",
                    file: name)
            }
        }
        buffer.removeLast(Self.chunk - read)
        if read == 0 { isAtEnd = true }
    }

    /// The line in `buffer[start..<end]`, after which `skipping` bytes end it.
    private func take(upTo end: Int, skipping: Int) throws(DataError) -> String {
        line += 1
        var last = end
        if last > start, buffer[last - 1] == 0x0D { last -= 1 }
        guard last - start <= Self.maximumLineBytes else {
            throw DataError(
                .malformedRow, "the line is longer than \(Self.maximumLineDescription)",
                file: name, line: line)
        }
        var first = start
        // A UTF-8 byte-order mark (some editors and spreadsheet exports write one) is not text.
        if line == 1, last - first >= 3, buffer[first] == 0xEF, buffer[first + 1] == 0xBB,
            buffer[first + 2] == 0xBF
        {
            first += 3
        }
        let bytes = buffer[first..<last]
        start = end + skipping
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(
                .badEncoding, "the line is not UTF-8 text", file: name, line: line,
                column: firstInvalidUTF8(in: bytes)?.column)
        }
        return text
    }
}
