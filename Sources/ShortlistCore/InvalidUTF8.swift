/// Where the first byte of `bytes` that is not part of valid UTF-8 is: its offset, its 1-based
/// line (lines end at `\n`) and column (in Unicode scalars), or nil when all of it is UTF-8.
///
/// - Complexity: O(bytes).
public func firstInvalidUTF8(in bytes: some Collection<UInt8>) -> (
    offset: Int, line: Int, column: Int
)? {
    var decoder = UTF8()
    var iterator = bytes.makeIterator()
    var offset = 0
    var line = 1
    var column = 1
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            offset += UTF8.width(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        case .emptyInput: return nil
        case .error: return (offset, line, column)
        }
    }
}
