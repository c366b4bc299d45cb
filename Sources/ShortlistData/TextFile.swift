import Foundation
import ShortlistCore

/// A text file ready to be read as rows, piece by piece (see ``InputFile``).
struct TextFile {
    let path: String
    let file: InputFile
    /// Where the text starts: after a UTF-8 byte-order mark, if any.
    let start: Int

    /// Opens `path`, or throws the error that says why it cannot be read.
    init(_ path: String, latin1: Bool) throws(DataError) {
        file = try InputFile(path)
        self.path = path
        // A UTF-8 byte-order mark (some spreadsheet exports write one, and re-saving such a
        // file may add another) is not part of the header.
        var start = 0
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let head = try file.bytes(0..<(latin1 ? 0 : min(file.size, 6))).withBuffer { Array($0) }
        while start + 3 <= head.count, Array(head[start..<start + 3]) == mark { start += 3 }
        self.start = start
    }

    /// The file's size when it was opened.
    var size: Int { file.size }

    /// The error a scan problem is, at its line (`lineOffset` lines before the range read).
    func error(_ problem: ScanProblem, lineOffset: Int = 0) -> DataError {
        switch problem {
        case .badEncoding(let line, let column):
            DataError(
                .badEncoding, "the file is not UTF-8 text", file: path, line: line + lineOffset,
                column: column)
        case .unclosedQuote(let line):
            DataError(
                .malformedRow, "a quoted field is not closed on its line", file: path,
                line: line + lineOffset)
        case .lineTooLong(let line):
            DataError(
                .malformedRow, "the line is longer than \(RowReader.maximumLineDescription)",
                file: path, line: line + lineOffset)
        }
    }

    /// The first problem that stops the file being read as rows from `position` on (a bad
    /// encoding anywhere before a quote left open or a line too long), or nil. With
    /// `skipMalformed`, a quote left open or a line too long after the first row is skipped, as
    /// ``TextTable`` skips it, and is no problem.
    ///
    /// - Complexity: O(bytes from `position`), read a block of at most 16 MiB at a time.
    func problem(
        from position: Int, layout: TextLayout, lineOffset: Int, skipMalformed: Bool
    ) throws(DataError) -> DataError? {
        var first: DataError?
        var encoding: DataError?
        var readARow = false
        try forEachBlock(of: position..<size) { bytes, count, before in
            var reader = RowReader(bytes, count: count, layout: layout)
            while true {
                do throws(ScanProblem) {
                    guard try reader.next() else { break }
                    readARow = true
                } catch {
                    if case .badEncoding = error {
                        encoding = self.error(error, lineOffset: lineOffset + before)
                        return nil
                    }
                    if first == nil, !(skipMalformed && readARow) {
                        first = self.error(error, lineOffset: lineOffset + before)
                    }
                }
            }
            return reader.line
        }
        return encoding ?? first
    }

    /// The largest piece read at once, so that reading a file takes memory for a few pieces,
    /// not the whole file (and the allocator reuses the memory of one piece for the next).
    static let largestPiece = 16 << 20

    /// Reads `range`, which starts a line, one block at a time (``TextBlocks``), and calls
    /// `body` with each block's bytes, how many of them to read and how many lines came before;
    /// `body` returns how many lines the block held, or nil to stop.
    func forEachBlock(
        of range: Range<Int>, _ body: (FileBytes, Int, Int) throws(DataError) -> Int?
    ) throws(DataError) {
        var blocks = TextBlocks(self, range)
        var held = 0
        while let (bytes, count) = try blocks.next(afterHolding: held) {
            guard let lines = try body(bytes, count, blocks.linesBefore) else { return }
            held = lines
        }
    }

    /// The offset after the last line end of `bytes` that can end a block, or nil when there is
    /// none: a `\n`; else a `\r` not at the end (where a `\n` may follow).
    static func lastLineEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if let start = bytes.baseAddress {
            // memchr forward, which the C library does a word at a time, to the last `\n`.
            var last: Int?
            var from = 0
            while from < bytes.count, let found = memchr(start + from, 0x0A, bytes.count - from) {
                let offset = UnsafeRawPointer(found) - UnsafeRawPointer(start)
                last = offset + 1
                from = offset + 1
            }
            if let last { return last }
        }
        return bytes.dropLast().lastIndex { $0 == 0x0D }.map { $0 + 1 }
    }

    /// Offsets that cut `range` into about `pieces` parts, each starting a line (after `\n`).
    func cuts(of range: Range<Int>, pieces: Int) throws(DataError) -> [Int] {
        var cuts = [range.lowerBound]
        guard pieces > 1 else { return cuts + [range.upperBound] }
        for piece in 1..<pieces {
            let cut = range.lowerBound + range.count / pieces * piece
            guard let last = cuts.last, cut > last else { continue }
            let start = try lineStart(atOrAfter: cut, before: range.upperBound)
            // No line starts after this cut: the later cuts would scan to the end again.
            guard start < range.upperBound else { break }
            cuts.append(start)
        }
        return cuts + [range.upperBound]
    }

    /// The first offset from `offset` on that follows a `\n`, or `end`.
    func lineStart(atOrAfter offset: Int, before end: Int) throws(DataError) -> Int {
        var position = offset - 1
        while position < end {
            let window = try file.bytes(position..<min(end, position + (1 << 16)))
            if let newline = window.withBuffer({ bytes in
                bytes.baseAddress.flatMap { memchr($0, 0x0A, bytes.count) }.map {
                    UnsafeRawPointer($0) - UnsafeRawPointer(bytes.baseAddress!)
                }
            }) {
                return position + newline + 1
            }
            position += window.buffer.count
        }
        return end
    }
}

/// The blocks of a range of a text file, which starts a line, read one at a time.
///
/// A block holds at most `blockSize` bytes and ends after a line end (`\n`, or a `\r` where the
/// block holds no `\n`), or at the range's end. A line longer than a
/// block is returned cut short, as one line a reader finds too long, and the rest of it is
/// skipped: reading takes memory for one block, whatever the file holds.
struct TextBlocks {
    private let text: TextFile
    private let end: Int
    private let blockSize: Int
    private var position: Int
    /// The end of a block returned cut short, from which the rest of its line is skipped.
    private var skipFrom: Int?
    /// How many lines came before the block last returned.
    private(set) var linesBefore = 0
    /// The block last returned.
    private var last: FileBytes?

    init(_ text: TextFile, _ range: Range<Int>, blockSize: Int = TextFile.largestPiece) {
        self.text = text
        end = range.upperBound
        self.blockSize = blockSize
        position = range.lowerBound
    }

    /// The next block and how many of its bytes to read, once the block before held `held`
    /// lines (0 for the first); nil at the end of the range.
    mutating func next(afterHolding held: Int) throws(DataError) -> (FileBytes, Int)? {
        linesBefore += held
        if let from = skipFrom {
            position = try text.lineStart(atOrAfter: from, before: end)
            skipFrom = nil
        }
        guard position < end else {
            if isKnownUniquelyReferenced(&last), let last { FileBytes.giveBack(last) }
            last = nil
            return nil
        }
        let blockEnd = min(end, position + blockSize)
        // The memory of the block before is read into again when no one holds it any more:
        // a large file costs one block's fresh pages, not the whole file's.
        let block: FileBytes
        if let capacity = last?.capacity, capacity >= blockEnd - position,
            isKnownUniquelyReferenced(&last), let reused = last
        {
            try reused.read(position..<blockEnd, of: text.file)
            block = reused
        } else {
            block = FileBytes.room(for: blockEnd - position)
            try block.read(position..<blockEnd, of: text.file)
        }
        last = block
        let cut: Int? =
            blockEnd == end ? block.buffer.count : block.withBuffer(TextFile.lastLineEnd)
        if let cut {
            position += cut
        } else {
            skipFrom = blockEnd
        }
        return (block, cut ?? block.buffer.count)
    }
}
