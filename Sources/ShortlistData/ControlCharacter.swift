/// The first control character of `text` (a tab, a line end, a NUL), or nil: ids hold none, as
/// it would break the lines and columns of every text output.
public func firstControlCharacter(in text: some StringProtocol) -> Unicode.Scalar? {
    // Printable ASCII, the common case, holds none: no scalar's properties need looking up.
    if text.utf8.allSatisfy({ (0x20..<0x7f).contains($0) }) { return nil }
    return text.unicodeScalars.first { $0.properties.generalCategory == .control }
}

extension Unicode.Scalar {
    /// The scalar's code point as written in text: `U+0009`.
    public var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// `text` as a field of the TSV that Shortlist writes and reads: as it is, or quoted (with its
/// quotes doubled) when it holds a quote, so that the loaders read it back as it was.
public func tsvField(_ text: String) -> String {
    text.contains("\"") ? "\"" + text.replacing("\"", with: "\"\"") + "\"" : text
}
