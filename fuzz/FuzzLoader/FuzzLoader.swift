import Foundation
import FuzzSupport
import ShortlistConfig
import ShortlistPipeline

/// Where each input is written for the loaders to read: one folder per process.
let folder =
    NSTemporaryDirectory() + "shortlist-fuzz-loader-\(ProcessInfo.processInfo.processIdentifier)"

/// libFuzzer target: the first byte picks a format (RecBole, GroupLens, delimited, each with or
/// without `skip-malformed`); the rest is the interactions file. Every outcome must be a
/// dataset or a `DataError`; a trap, a hang or a leak is a finding.
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
        let columns = ["user": "u", "item": "i", "rating": "r", "timestamp": "t"]
        spec = DatasetSpec(
            format: .delimited, path: folder, skipMalformed: skip,
            timestampUnit: selector & 8 != 0 ? .milliseconds : .seconds,
            interactions: TableSpec(
                file: file, delimiter: selector & 16 != 0 ? "\t" : ",", columns: columns))
    }
    guard (try? contents.write(to: URL(fileURLWithPath: file))) != nil else { return 0 }
    do {
        let (dataset, _) = try DatasetLoader.load(spec)
        _ = dataset.fingerprint
    } catch {
        _ = error.description.count
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
