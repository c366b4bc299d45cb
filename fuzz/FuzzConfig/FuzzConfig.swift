import BuiltInPlugins
import Foundation
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
    /// Without libFuzzer: runs the target on each file named on the command line (to reproduce
    /// a finding, or to check the seed corpus).
    @main
    enum Reproduce {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
                // One byte more, so the buffer is never empty and has an address.
                _ = (bytes + [0]).withUnsafeBufferPointer {
                    fuzzConfig($0.baseAddress!, bytes.count)
                }
                print("ok \(path)")
            }
        }
    }
#endif
