/// Whether `text` is a number as people write one in decimal: an optional sign, digits with
/// an optional fraction (or a fraction alone), and an optional exponent. Hexadecimal (`0x10`),
/// `inf` and `nan`, which Swift's `Double(String)` also reads, are not.
///
/// - Complexity: O(text).
public func isDecimalNumber(_ text: some StringProtocol) -> Bool {
    var bytes = text.utf8.makeIterator()
    var next = bytes.next()
    func digits() -> Int {
        var count = 0
        while let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            count += 1
            next = bytes.next()
        }
        return count
    }
    if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { next = bytes.next() }
    var mantissa = digits()
    if next == UInt8(ascii: ".") {
        next = bytes.next()
        mantissa += digits()
    }
    guard mantissa > 0 else { return false }
    if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
        next = bytes.next()
        if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { next = bytes.next() }
        guard digits() > 0 else { return false }
    }
    return next == nil
}

/// `text` as a `Double` when it is a decimal number (``isDecimalNumber(_:)``), else nil. A
/// number too large for a `Double` is infinite.
public func decimalNumber(_ text: some StringProtocol) -> Double? {
    isDecimalNumber(text) ? Double(String(text)) : nil
}
