import Foundation
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// Lines read as they arrive, in bounded memory, with located errors.
@Suite struct LineReaderTests {
    func lines(_ bytes: [UInt8]) throws -> (LineReader, String) {
        let folder = try TemporaryDirectory()
        let path = "\(folder.path)/lines.txt"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (try LineReader(path: path), path)
    }

    @Test func linesEndAtLineFeedsWithOrWithoutACarriageReturn() throws {
        let (reader, _) = try lines(Array("a b\r\n\nc\rd\nlast".utf8))
        var read: [String] = []
        while let line = try reader.next() { read.append(line) }
        #expect(read == ["a b", "", "c\rd", "last"])
        #expect(reader.line == 4)
    }

    @Test func aByteOrderMarkStartingTheFirstLineIsDroppedAndNowhereElse() throws {
        let mark = "\u{FEFF}"
        let (reader, _) = try lines(Array("\(mark)u1\n\(mark)u2\n".utf8))
        #expect(try reader.next() == "u1")
        #expect(try reader.next() == "\(mark)u2")
    }

    @Test func aLineLongerThanOneMiBIsALocatedErrorEvenWithoutALineEnd() throws {
        let (reader, path) = try lines(Array("ok\n".utf8) + [UInt8](repeating: 0, count: 3 << 20))
        #expect(try reader.next() == "ok")
        #expect(
            throws: DataError(.malformedRow, "the line is longer than 1 MiB", file: path, line: 2)
        ) {
            try reader.next()
        }
        let (exact, _) = try lines([UInt8](repeating: 0x61, count: 1 << 20) + [0x0A])
        #expect(try exact.next()?.utf8.count == 1 << 20)
        let (over, overPath) = try lines([UInt8](repeating: 0x61, count: (1 << 20) + 1) + [0x0A])
        #expect(
            throws: DataError(
                .malformedRow, "the line is longer than 1 MiB", file: overPath, line: 1)
        ) { try over.next() }
    }

    @Test func aLineThatIsNotUTF8IsNamedByLineAndColumn() throws {
        let (reader, path) = try lines(Array("fine\nnaïve".utf8) + [0xFF] + [0x0A])
        #expect(try reader.next() == "fine")
        #expect(
            throws: DataError(
                .badEncoding, "the line is not UTF-8 text", file: path, line: 2, column: 6)
        ) { try reader.next() }
    }

    @Test(.timeLimit(.minutes(1)))
    func devicesAndFIFOsAreRefusedAtOnce() throws {
        #expect(
            throws: DataError(.missingFile, "the file is not a regular file", file: "/dev/zero")
        ) {
            try LineReader(path: "/dev/zero")
        }
        let folder = try TemporaryDirectory()
        let fifo = "\(folder.path)/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: DataError(.missingFile, "the file is not a regular file", file: fifo)) {
            try LineReader(path: fifo)
        }
    }
}
