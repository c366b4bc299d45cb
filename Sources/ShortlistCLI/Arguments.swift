import ArgumentParser
import ShortlistCore
import ShortlistData
import ShortlistPipeline

/// The largest counts the command line takes: a list of `-n` items or a cut-off `-k`, and the
/// rounds of a simulation (each round's curves are kept, so rounds cost memory).
enum Limits {
    static let listLength = 10_000
    static let rounds = 1_000_000
}

/// Throws unless `value` of `option` lies from 1 to `maximum`.
func checkCount(_ value: Int, _ option: String, maximum: Int) throws {
    guard (1...maximum).contains(value) else {
        throw ValidationError("\(option) must be from 1 to \(maximum), found \(value)")
    }
}

/// Throws when an id given as `option` holds a control character, which no output could carry.
func checkID(_ id: String?, _ option: String) throws {
    if let id, let control = firstControlCharacter(in: id) {
        throw ValidationError(
            "\(option) holds a control character (\(control.codePoint)); an id is text without "
                + "tabs or line ends")
    }
}

/// A number given on the command line, in decimal: `0x10`, `inf` and `nan` are refused.
func decimalArgument(_ text: String) throws -> Double {
    guard let value = decimalNumber(text) else {
        throw ValidationError("'\(text)' is not a decimal number")
    }
    guard value.isFinite else { throw ValidationError("'\(text)' is out of range") }
    return value
}

/// A seed given on the command line: a decimal whole number from 0 to 2^64 - 1.
func seedArgument(_ text: String) throws -> UInt64 {
    guard text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let seed = UInt64(text) else {
        throw ValidationError(
            "'\(text)' is not a seed; a seed is a whole number from 0 to \(UInt64.max)")
    }
    return seed
}
