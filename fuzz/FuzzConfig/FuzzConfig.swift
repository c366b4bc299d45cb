import BuiltInPlugins
import Foundation
import FuzzSupport
import ShortlistConfig

/// libFuzzer target: any bytes as a pipelines file. Every outcome must be a parsed file or a
/// `ConfigurationError`; a trap, a hang or a leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try PipelinesFile.parse(
            text, name: "fuzz.yaml", baseDirectory: "/nonexistent", registry: builtInPlugins)
    } catch {
        _ = error.description.count
    }
    return 0
}

#if !FUZZING
    /// Without libFuzzer: runs the target on each file named on the command line.
    @main
    enum Reproduce {
        static func main() throws {
            try replay(Array(CommandLine.arguments.dropFirst()), through: fuzzConfig)
        }
    }
#endif
