import Foundation
import FuzzSupport
import ShortlistCore
import ShortlistData
import ShortlistStore

/// Where each input is written for the reader to read: one file per process.
let path =
    NSTemporaryDirectory() + "shortlist-fuzz-feedback-\(ProcessInfo.processInfo.processIdentifier)"

/// libFuzzer target: the bytes after the first, repeated up to 32 times as the first byte says
/// (so that lines cross the reader's 64 KiB chunks), are a feedback batch; with the top sixteen
/// first bytes, one line too long. The reader's lines must be those of splitting the bytes at
/// `\n` (without a `\r` before it), each line parsed as a feedback line must be three fields
/// with a decimal reward, and the first line not UTF-8 (or too long) must be the error; a trap,
/// a hang, a leak or a difference is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFeedbackBatch(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let piece = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    // The top sixteen first bytes make one line of the input (without its line feeds) padded
    // past 1 MiB, which must be refused as too long.
    guard data[0] < 0xF0 else {
        let line = piece.filter { $0 != 0x0A } + [UInt8](repeating: 0x78, count: (1 << 20) + 1)
        guard (try? Data(line).write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let reader = try LineReader(path: path)
            _ = try reader.next()
            preconditionFailure("a line of \(line.count) bytes was read")
        } catch {
            precondition(error.code == .malformedRow && error.line == 1, "\(error)")
        }
        return 0
    }
    // Other first bytes repeat the input up to 32 times (past a 64 KiB chunk for a long input).
    var bytes: [UInt8] = []
    for _ in 0...data[0] % 32 { bytes += piece }
    guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    var expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
        $0.last == 0x0D ? Array($0.dropLast()) : Array($0)
    }
    if bytes.last == 0x0A || bytes.isEmpty { expected.removeLast() }
    do {
        let reader = try LineReader(path: path)
        for (index, want) in expected.enumerated() {
            guard String(validating: want, as: UTF8.self) != nil else {
                do {
                    _ = try reader.next()
                    preconditionFailure("a line that is not UTF-8 was read")
                } catch {
                    precondition(error.code == .badEncoding && error.line == index + 1)
                }
                return 0
            }
            let line = try reader.next()
            precondition(line.map { Array($0.utf8) } == want, "line \(index + 1) differs")
            check(line ?? "")
        }
        let beyond = try reader.next()
        precondition(beyond == nil, "a line beyond the input")
    } catch {
        preconditionFailure("an unexpected error: \(error)")
    }
    return 0
}

/// A parsed line is three fields without separators, with a decimal reward.
func check(_ line: String) {
    do {
        guard let parsed = try FeedbackLine(parsing: line) else {
            precondition(line.allSatisfy { $0 == " " || $0 == "\t" }, "a line read as blank")
            return
        }
        for field in [parsed.request, parsed.item] {
            precondition(!field.isEmpty && !field.contains(" ") && !field.contains("\t"))
        }
        precondition(
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).last.map(isDecimalNumber)
                == true)
    } catch {
        precondition(error.kind == .invalid, "a line failed for another reason: \(error)")
    }
}

#if !FUZZING
    /// Without libFuzzer: runs the target on each file named on the command line.
    @main
    enum Reproduce {
        static func main() throws {
            try replay(Array(CommandLine.arguments.dropFirst()), through: fuzzFeedbackBatch)
        }
    }
#endif
