import Foundation
public import ShortlistCore

/// Content-based candidates: items whose TF-IDF vectors are closest (cosine) to the user's profile.
///
/// Item text comes from the configured fields: title words (and optionally word bigrams),
/// genres as `genre:…` tokens, the year as `year:…` and the decade as `decade:…`. Term weights
/// are sublinear TF (1 + ln tf) times smoothed IDF (ln((1 + N)/(1 + df)) + 1), and each item's
/// vector has unit length (Salton & Buckley 1988; the IDF smoothing of scikit-learn). A user's
/// profile is the rating-weighted sum of the vectors of the items they liked; candidates are
/// scored through an inverted index, so only items sharing a term with the profile are touched.
public struct ContentTFIDF: CandidateGenerator {
    /// An item field that contributes tokens.
    public enum Field: String, ParameterChoice {
        /// Words of the title.
        case title
        /// Each genre as one token.
        case genres
        /// The release year as one token.
        case year
        /// The release decade as one token.
        case decade
    }

    /// The parameters under a `tfidf` stage. Each is declared, with its key, range
    /// and documentation, in `declarations`; the property holds its default.
    public struct Params: PluginParameters {
        public var fields: [Field] = [.title, .genres, .decade]
        public var bigrams = false
        public var stopWords = true
        public var likeThreshold = 4.0
        public var centerRatings = false

        public init() {}

        public static var declarations: [ParameterDeclaration<Self>] {
            [
                .init("fields", \.fields, "item fields that make each item's text"),
                .init("bigrams", \.bigrams, "also index adjacent title-word pairs"),
                .init("stop-words", \.stopWords, "drop common English words from titles"),
                .init(
                    "like-threshold", \.likeThreshold, .between(-1_000_000, 1_000_000),
                    "interactions rated at least this count as liked (all count without ratings)"),
                .init(
                    "center-ratings", \.centerRatings,
                    "weight liked items by rating minus the user's mean"),
            ]
        }
    }

    public static let type = "tfidf"
    public static let summary =
        "Content-based: cosine between TF-IDF item vectors and the profile of items the user liked."
    public static let capabilities: GeneratorCapabilities = [.similarItems]

    let params: Params

    public static func make(_ params: Params, context: BuildContext) throws -> ContentTFIDF {
        guard !params.fields.isEmpty else {
            throw ParameterError(
                keyPath: ["fields"],
                message: "'fields' must name at least one of title, genres, year, decade")
        }
        return ContentTFIDF(params: params)
    }

    /// The item field behind each configured text field.
    public var requiredFields: [FieldRequirement] {
        let fields: [Field: DataField] = [
            .title: .itemTitle, .genres: .itemGenres, .year: .itemYear, .decade: .itemYear,
        ]
        var seen = Set<DataField>()
        return params.fields.compactMap { fields[$0] }.filter { seen.insert($0).inserted }.map {
            FieldRequirement($0, keyPath: ["fields"])
        }
    }

    /// Tokenises every item, weighs terms and builds the inverted index.
    ///
    /// - Complexity: O(total tokens + terms · log terms).
    public func fit(_ data: TrainingData, progress: ProgressReporter) throws -> Model {
        let dataset = data.dataset
        var vocabulary = Interner<String>()
        var documents: [[Int32: Int]] = []
        documents.reserveCapacity(dataset.itemCount)
        for (index, item) in dataset.items.enumerated() {
            var counts: [Int32: Int] = [:]
            for token in text.tokens(of: item) { counts[vocabulary.id(token), default: 0] += 1 }
            documents.append(counts)
            progress.report("tokenising", done: index + 1, total: dataset.itemCount)
        }
        var documentFrequency = [Int](repeating: 0, count: vocabulary.count)
        for document in documents {
            for term in document.keys { documentFrequency[Int(term)] += 1 }
        }
        let n = Double(dataset.itemCount)
        let idf = documentFrequency.map { log((1 + n) / (1 + Double($0))) + 1 }
        var offsets = [0]
        var columns: [Int32] = []
        var weights: [Float] = []
        for document in documents {
            for (term, weight) in unitVector(termCounts: document, idf: idf) {
                columns.append(term)
                weights.append(weight)
            }
            offsets.append(columns.count)
        }
        return Model(
            terms: vocabulary.keys, offsets: offsets, columns: columns, weights: weights,
            likeThreshold: Float(params.likeThreshold), centerRatings: params.centerRatings,
            rated: dataset.hasRatings, idf: idf, text: text
        )
    }

    /// How the configured fields make an item's text.
    var text: TextFields {
        TextFields(fields: params.fields, bigrams: params.bigrams, stopWords: params.stopWords)
    }
}

/// How an item's text is made: which fields give tokens, and how titles are split.
struct TextFields: Sendable {
    var fields: [ContentTFIDF.Field]
    var bigrams: Bool
    var stopWords: Bool

    /// The tokens of one item.
    func tokens(of item: ItemFeatures) -> [String] {
        var tokens: [String] = []
        for field in fields {
            switch field {
            case .title:
                let words = titleWords(item.title).filter {
                    !stopWords || !commonWords.contains($0)
                }
                tokens += words
                if bigrams { tokens += zip(words, words.dropFirst()).map { "\($0)_\($1)" } }
            case .genres:
                tokens += item.genres.map { "genre:" + $0.lowercased() }
            case .year:
                if let year = item.year { tokens.append("year:\(year)") }
            case .decade:
                if let year = item.year {
                    tokens.append("decade:\(FeatureVocabulary.decade(of: year))s")
                }
            }
        }
        return tokens
    }
}

/// An item's TF-IDF vector from its terms' counts, by term: sublinear TF (1 + ln tf) times IDF,
/// scaled to unit length.
func unitVector(termCounts: [Int32: Int], idf: [Double]) -> [(term: Int32, weight: Float)] {
    let entries = termCounts.sorted { $0.key < $1.key }.map {
        ($0.key, (1 + log(Double($0.value))) * idf[Int($0.key)])
    }
    let norm = entries.reduce(0.0) { $0 + $1.1 * $1.1 }.squareRoot()
    return entries.map { ($0.0, Float(norm > 0 ? $0.1 / norm : 0)) }
}

/// Lowercased runs of letters and digits (any script), without a trailing "(1995)" year.
func titleWords(_ title: String) -> [String] {
    var text = Substring(title)
    if text.hasSuffix(")"), let open = text.lastIndex(of: "("),
        Int(text[text.index(after: open)..<text.index(before: text.endIndex)]) != nil
    {
        text = text[..<open]
    }
    return text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init).filter {
        $0.count > 1 || $0.first?.isNumber == true
    }
}

/// Common English words that say nothing about a title's content.
let commonWords: Set<String> = [
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "its",
    "of", "on",
    "or", "that", "the", "this", "to", "with", "was", "were", "will", "not", "no", "but", "if",
    "than", "then",
    "there", "they", "their", "he", "she", "his", "her", "you", "your", "we", "our", "my", "me",
    "i", "la", "le", "les", "de", "der", "die", "das",
]
