import Foundation

/// Runs a libFuzzer entry point on each file: how a fuzz target built without libFuzzer
/// reproduces a finding or checks a seed corpus.
public func replay(_ files: [String], through target: (UnsafePointer<UInt8>, Int) -> CInt) throws {
    for path in files {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        // One byte more, so the buffer is never empty and has an address.
        _ = (bytes + [0]).withUnsafeBufferPointer { target($0.baseAddress!, bytes.count) }
        print("ok \(path)")
    }
}
