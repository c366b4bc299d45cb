import Foundation
import FuzzSupport
import ReferenceLoader
import ShortlistData

/// Where each input is written for the loaders to read: one folder per process.
let folder =
    NSTemporaryDirectory() + "shortlist-fuzz-loader-\(ProcessInfo.processInfo.processIdentifier)"

/// libFuzzer target: the first byte picks a format (RecBole, GroupLens, delimited, each with or
/// without `skip-malformed`); the rest is the interactions file. Every outcome must be a
/// dataset or a `DataError`, and the same as the first loader's (``ReferenceLoader``) on one
/// thread and on two reading pieces of a few bytes; a trap, a hang, a leak or a difference is
/// a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let contents = Data(bytes: data + 1, count: size - 1)
    let skip = selector & 4 != 0
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let spec: DatasetSpec
    let file: String
    switch selector % 3 {
    case 0:
        file = "\(folder)/fuzz.inter"
        spec = DatasetSpec(format: .recbole, path: folder, name: "fuzz", skipMalformed: skip)
    case 1:
        file = "\(folder)/u.data"
        spec = DatasetSpec(format: .grouplens, path: folder, skipMalformed: skip)
    default:
        file = "\(folder)/r.csv"
        let columns: [ColumnRole: String] = [.user: "u", .item: "i", .rating: "r", .timestamp: "t"]
        spec = DatasetSpec(
            format: .delimited, path: folder, skipMalformed: skip,
            timestampUnit: selector & 8 != 0 ? .milliseconds : .seconds,
            interactions: TableSpec(
                file: file, delimiter: selector & 16 != 0 ? "\t" : ",", columns: columns))
    }
    guard (try? contents.write(to: URL(fileURLWithPath: file))) != nil else { return 0 }
    let expected = Result { () throws(DataError) in try ReferenceLoader.load(spec) }
    for (threads, pieceBytes) in [(1, 1 << 20), (2, 1 + Int(selector >> 5))] {
        let actual = Result { () throws(DataError) in
            let (dataset, report) = try DatasetLoader.load(
                spec, threads: threads, pieceBytes: pieceBytes)
            return (ReferenceDataset(dataset), report)
        }
        switch (expected, actual) {
        case (.success(let want), .success(let got)):
            precondition(want.0 == got.0 && want.1 == got.1, "the loaders' datasets differ")
        case (.failure(let want), .failure(let got)):
            precondition(want == got, "the loaders' errors differ: \(want) and \(got)")
        default:
            preconditionFailure("one loader failed and the other did not: \(expected), \(actual)")
        }
    }
    try? FileManager.default.removeItem(atPath: file)
    return 0
}

#if !FUZZING
    /// Without libFuzzer: runs the target on each file named on the command line.
    @main
    enum Reproduce {
        static func main() throws {
            try replay(Array(CommandLine.arguments.dropFirst()), through: fuzzLoader)
        }
    }
#endif
