public import ShortlistCore
public import ShortlistData

/// A request's filter by an item field: only the items with one of the values (`--only
/// genre=Comedy`), or none of them (`--without genre=Horror`). Folded into the query before
/// any stage runs, like the pipeline's filters, so no stage spends its budget on an item it
/// removes.
public struct FieldFilter: Sendable, Equatable {
    /// The field.
    public var field: ItemField
    /// The values, as the catalogue names them ("Comedy", "1990s").
    public var values: [String]
    /// Whether it keeps only the items with a value (else it removes them).
    public var keeps: Bool

    /// A filter.
    public init(field: ItemField, values: [String], keeps: Bool) {
        self.field = field
        self.values = values
        self.keeps = keeps
    }

    /// A filter written `FIELD=VALUE[,VALUE…]`, such as `genre=Comedy,Drama`.
    ///
    /// - Throws: for text without `=`, a field other than genre or decade, or no value.
    public init(parsing text: String, keeps: Bool) throws(DataError) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            .map(String.init)
        let fields = ItemField.allCases.map(\.rawValue)
        guard parts.count == 2, let field = ItemField(rawValue: parts[0]) else {
            throw DataError(
                .unknownID,
                suggesting(
                    "a field filter is FIELD=VALUE[,VALUE…] with FIELD one of "
                        + "\(fields.joined(separator: ", ")), found '\(excerpt(text))'",
                    for: parts.first ?? "", in: fields))
        }
        let values = parts[1].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        guard !values.isEmpty else {
            throw DataError(.unknownID, "the field filter '\(excerpt(text))' names no value")
        }
        self.init(field: field, values: values, keeps: keeps)
    }

    /// How traces and explanations name it: `only genre=Comedy`, `without genre=Horror`.
    public var name: String {
        "\(keeps ? "only" : "without") \(field.rawValue)=\(values.joined(separator: ","))"
    }

    /// Whether it removes `item`; the value ids are ``ids(in:)``'s.
    func excludes(_ item: ItemIndex, ids: [Int32], fields: FeatureVocabulary) -> Bool {
        let has = field.values(of: item, in: fields).contains { ids.contains($0) }
        return has != keeps
    }

    /// The values' ids in `fields` (a value the catalogue lacks has none).
    func ids(in fields: FeatureVocabulary) -> [Int32] {
        values.compactMap { field.value(named: $0, in: fields) }
    }
}

extension FittedPipeline {
    /// Throws, naming the value and suggesting a near one, when a filter names a value no
    /// item of the catalogue has.
    public func check(_ filter: FieldFilter) throws(DataError) {
        for value in filter.values where filter.field.value(named: value, in: itemFields) == nil {
            let known: [String] =
                switch filter.field {
                case .genre: itemFields.genres
                case .decade: itemFields.decades.map { "\($0)s" }
                }
            throw DataError(
                .unknownID,
                suggesting(
                    "no item has the \(filter.field.rawValue) '\(excerpt(value))'", for: value,
                    in: known,
                    otherwise: known.isEmpty
                        ? " (the items have no \(filter.field.rawValue))"
                        : "; the catalogue's: \(known.joined(separator: ", "))"))
        }
    }
}
