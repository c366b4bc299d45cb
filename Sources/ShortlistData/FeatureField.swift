import Foundation
import ShortlistCore

/// The values of items' and users' fields as the loaders read them: an empty value is missing
/// (nil, which the load report counts); a value that cannot be used is a malformed row.
public enum FeatureField {
    /// A year: the one four-digit number of the value (`1995`, `01-Jan-1995`, `(1995)`), which
    /// must hold no longer number; nil when the value holds no digit at all (empty, or a word
    /// such as `unknown` standing for a missing year).
    public static func year(_ text: String, file: String, line: Int) throws(DataError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numbers = trimmed.split { !$0.isASCII || !$0.isNumber }
        if numbers.isEmpty { return nil }
        let years = numbers.filter { $0.count == 4 }
        guard years.count == 1, numbers.allSatisfy({ $0.count <= 4 }),
            let year = Int(years[0]), year >= 1000
        else {
            throw DataError(
                .malformedRow,
                "year '\(excerpt(text))' is not a year from 1000 to 9999 (or a date that ends "
                    + "in one)", file: file, line: line)
        }
        return year
    }

    /// An age in whole years from 0 to 150; nil when the value is empty.
    public static func age(_ text: String, file: String, line: Int) throws(DataError) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard trimmed.allSatisfy({ $0.isASCII && $0.isNumber }), let age = Int(trimmed),
            (0...150).contains(age)
        else {
            throw DataError(
                .malformedRow,
                "age '\(excerpt(text))' is not a whole number of years from 0 to 150",
                file: file, line: line)
        }
        return age
    }

    /// The one-letter codes a gender may be: female, male, other, unknown, unspecified.
    static let genderCodes: Set<String> = ["F", "M", "O", "U", "X"]

    /// A gender: one of the codes F, M, O, U, X (in either case) or a word of two letters or
    /// more (`female`, `non-binary`); nil when the value is empty.
    public static func gender(_ text: String, file: String, line: Int) throws(DataError) -> String?
    {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        let letters = trimmed.filter(\.isLetter).count
        let isWord = letters >= 2 && trimmed.allSatisfy { $0.isLetter || $0 == "-" || $0 == " " }
        guard isWord || genderCodes.contains(trimmed.uppercased()) else {
            throw DataError(
                .malformedRow,
                "gender '\(excerpt(text))' is not one of F, M, O, U, X or a word such as "
                    + "'female'", file: file, line: line)
        }
        return trimmed
    }

    /// Why an id holding `control` is refused; `what` names the id (`item`).
    public static func controlCharacterMessage(_ what: String, _ control: Unicode.Scalar)
        -> String
    {
        "the \(what) id holds a control character (\(control.codePoint)); an id is text without "
            + "tabs or line ends"
    }

    /// When a header read as one column holds another common delimiter, the words that say so
    /// (to end a missing-column message); otherwise nothing.
    public static func delimiterHint(header: [String], delimiter: Character) -> String {
        func name(_ character: Character) -> String {
            character == "\t" ? "a tab" : "'\(character)'"
        }
        guard header.count == 1,
            let other = [Character(","), "\t", ";", "|"].first(where: {
                $0 != delimiter && header[0].contains($0)
            })
        else { return "" }
        return "; the header is one column, so the delimiter looks like \(name(other)), not "
            + "\(name(delimiter)): set 'delimiter:'"
    }

    /// An occupation, as written; nil when the value is empty.
    public static func occupation(_ text: String) -> String? {
        text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : text
    }
}
