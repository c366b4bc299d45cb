import Foundation
import ShortlistCore

/// A categorical feature the wide part crosses and the deep part embeds.
enum Field: String, CaseIterable, Sendable {
    case user, item, occupation, gender, age, genre, decade, source
    case sourceRank = "source-rank"

    /// The field's position in `allCases`.
    var ordinal: Int {
        switch self {
        case .user: 0
        case .item: 1
        case .occupation: 2
        case .gender: 3
        case .age: 4
        case .genre: 5
        case .decade: 6
        case .source: 7
        case .sourceRank: 8
        }
    }
}

/// The most weights one cross may have.
let maximumWideSize = 1 << 24

/// The largest magnitude of a standardised input or a stored weight, which keeps every sum
/// of a network within the shape limits finite.
let inputBound: Float = 1000

/// The number of rank buckets per source, and their upper bounds.
let rankBuckets = [10, 30, 100, 300, Int.max]

/// Which bucket a rank (from 1) falls in.
func rankBucket(_ rank: Int) -> Int {
    rankBuckets.firstIndex { rank <= $0 } ?? rankBuckets.count - 1
}

/// One declared wide feature: a single field or a cross of several.
struct Cross: Sendable, Equatable {
    var fields: [Field]

    /// Parses `genre` or `occupation x genre`.
    init?(parsing text: String) {
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let fields = parts.compactMap(Field.init(rawValue:))
        guard fields.count == parts.count, !fields.isEmpty, Set(fields).count == fields.count
        else { return nil }
        self.fields = fields
    }

    var name: String { fields.map(\.rawValue).joined(separator: " x ") }
}

/// The dense features, in input order: three per source, then these.
enum Dense: Int, CaseIterable {
    case popularity, meanRating, releaseYear, popularLately, popularVeryLately, itemAge
    case likeLastItems, followsLastItems, genresOfLastItems, genresOfHistory
    case activity, recentActivity, daysSinceLastVisit

    /// What the feature says, for explanations.
    var name: String {
        switch self {
        case .popularity: "popularity so far"
        case .meanRating: "mean rating"
        case .releaseYear: "release year"
        case .popularLately: "popular lately"
        case .popularVeryLately: "popular this week"
        case .itemAge: "time since its first rating"
        case .likeLastItems: "rated with your latest items"
        case .followsLastItems: "rated right after your latest items"
        case .genresOfLastItems: "genres of your latest items"
        case .genresOfHistory: "genres you rate"
        case .activity: "your number of ratings"
        case .recentActivity: "your ratings lately"
        case .daysSinceLastVisit: "time since your last rating"
        }
    }

    /// The deep part's feature group the feature belongs to.
    var group: String {
        switch self {
        case .popularity, .popularLately, .popularVeryLately: "popularity"
        case .meanRating, .releaseYear: "item"
        case .genresOfHistory, .activity: "user"
        case .itemAge, .likeLastItems, .followsLastItems, .genresOfLastItems, .recentActivity,
            .daysSinceLastVisit:
            "time"
        }
    }
}

/// Turns a request's pool into the model's inputs: dense features, the rows of the embedding
/// table, and the active wide features.
struct FeatureSpace: Sendable {
    let sources: [String]
    let crosses: [Cross]
    let recentMinutes: Int32
    let lastItems: Int
    var tables: FeatureTables {
        didSet { atDataEnd = Self.itemTimeValues(tables, recentMinutes) }
    }
    /// Every item's ``ItemTimeValues`` as of the data's end, the time of a request that has
    /// none of its own (what serving sends): such a request reads them instead of searching
    /// each candidate's times. Recomputed whenever the tables change.
    private(set) var atDataEnd: [ItemTimeValues]
    /// Each field's number of values (value 0 is "unknown" or "none"), by ordinal.
    let sizes: [Int]
    /// Where each cross's weights start in the wide vector, after the dense features.
    let crossOffsets: [Int]
    /// Where each embedded field's rows start in the embedding table, by ordinal.
    let embeddingOffsets: [Int]

    /// The embedded fields, in input order (genres are averaged).
    static let embedded: [Field] = [.user, .item, .occupation, .gender, .age, .genre]

    /// log(1 + n) and log(n) of the small counts and ranks every request takes them of,
    /// computed once by the same functions, so with the same values.
    private static let countLogs = (0..<4096).map { log1p(Float($0)) }
    private static let rankLogs = (0..<4096).map { log(Float($0)) }

    /// log(1 + n) of a count.
    @inline(__always)
    private static func logCount(_ n: Int) -> Float {
        n >= 0 && n < countLogs.count ? countLogs[n] : log1p(Float(n))
    }

    /// log(n) of a rank.
    @inline(__always)
    private static func logRank(_ n: Int) -> Float {
        n >= 1 && n < rankLogs.count ? rankLogs[n] : log(Float(n))
    }

    init(
        sources: [String], crosses: [Cross], recentDays: Int, lastItems: Int, tables: FeatureTables
    ) {
        self.sources = sources
        self.crosses = crosses
        self.recentMinutes = Int32(recentDays * 1440)
        self.lastItems = lastItems
        self.tables = tables
        atDataEnd = Self.itemTimeValues(tables, Int32(recentDays * 1440))
        let sizes = Field.allCases.map { Self.fieldSize($0, tables, sources.count) }
        self.sizes = sizes
        var offsets: [Int] = []
        var next = sources.count * 3 + Dense.allCases.count
        for cross in crosses {
            offsets.append(next)
            next += cross.fields.reduce(1) { $0 * sizes[$1.ordinal] }
        }
        crossOffsets = offsets
        wideCount = next
        var embeddingOffsets = [Int](repeating: 0, count: Field.allCases.count)
        var row = 0
        for field in Self.embedded {
            embeddingOffsets[field.ordinal] = row
            row += sizes[field.ordinal]
        }
        self.embeddingOffsets = embeddingOffsets
        embeddingRows = row
    }

    /// An item's dense features that depend on the request's time: log(1 + interactions
    /// before it), log(1 + those in the recent window and in its last quarter), and log(1 +
    /// days since the first).
    struct ItemTimeValues: Sendable {
        var popularity: Float
        var lately: Float
        var veryLately: Float
        var age: Float

        init(_ times: ArraySlice<Int32>, now: Int32, recentMinutes: Int32) {
            let before = FeatureTables.lowerBound(times, now)
            popularity = logCount(before)
            lately = logCount(before - FeatureTables.lowerBound(times, now - recentMinutes))
            veryLately = logCount(
                before - FeatureTables.lowerBound(times, now - recentMinutes / 4))
            age = before > 0 ? log1p(Float(now - times[times.startIndex]) / 1440) : 0
        }
    }

    /// Every item's ``ItemTimeValues`` at the data's end.
    private static func itemTimeValues(_ tables: FeatureTables, _ recentMinutes: Int32)
        -> [ItemTimeValues]
    {
        let now = tables.minute(before: tables.dataEnd)
        return (0..<tables.itemTimes.rowCount).map {
            ItemTimeValues(tables.itemTimes[$0], now: now, recentMinutes: recentMinutes)
        }
    }

    /// The number of dense features.
    var denseCount: Int { sources.count * 3 + Dense.allCases.count }
    /// The length of the wide weight vector: the dense features, then every cross's values.
    let wideCount: Int
    /// The number of rows of the embedding table.
    let embeddingRows: Int

    /// The number of values `field` takes (value 0 is "unknown" or "none").
    static func fieldSize(_ field: Field, _ tables: FeatureTables, _ sourceCount: Int) -> Int {
        switch field {
        case .user: tables.userOccupation.count + 1
        case .item: tables.itemDecade.count + 1
        case .occupation: tables.occupations.count + 1
        case .gender: tables.genders.count + 1
        case .age: FeatureVocabulary.ageBands.count
        case .genre: tables.genres.count + 1
        case .decade: tables.decades.count + 1
        case .source: sourceCount + 1
        case .sourceRank: sourceCount * rankBuckets.count + 1
        }
    }

    /// The name of dense feature `index`.
    func denseName(_ index: Int) -> String {
        if index < sources.count * 3 {
            let kind = ["nominated", "score", "rank"][index % 3]
            return "\(sources[index / 3]) \(kind)"
        }
        guard let dense = Dense(rawValue: index - sources.count * 3) else {
            return "dense feature \(index)"
        }
        return dense.name
    }

    /// The deep feature group of dense feature `index`.
    func denseGroup(_ index: Int) -> String {
        if index < sources.count * 3 { return sources[index / 3] }
        return Dense(rawValue: index - sources.count * 3)?.group ?? "dense feature \(index)"
    }

    /// The candidate stage dense feature `index` describes, if it describes one.
    func denseSource(_ index: Int) -> String? {
        index < sources.count * 3 ? sources[index / 3] : nil
    }

    /// The name of value `value` of `field`; the user and item fields' values are the request's
    /// user and the ranked item themselves.
    func valueName(_ field: Field, _ value: Int) -> String {
        switch field {
        case .user: value == 0 ? "user unknown" : "this user"
        case .item: value == 0 ? "item unknown" : "this item"
        case .occupation: "occupation " + (value == 0 ? "unknown" : tables.occupations[value - 1])
        case .gender: "gender " + (value == 0 ? "unknown" : tables.genders[value - 1])
        case .age: "age " + FeatureVocabulary.ageBands[value]
        case .genre: "genre " + (value == 0 ? "none" : tables.genres[value - 1])
        case .decade: "decade " + (value == 0 ? "unknown" : "\(tables.decades[value - 1])s")
        case .source: "source " + (value == 0 ? "none" : sources[value - 1])
        case .sourceRank:
            value == 0
                ? "source-rank none"
                : "source-rank \(sources[(value - 1) / rankBuckets.count]) rank "
                    + bucketName((value - 1) % rankBuckets.count)
        }
    }

    /// The candidate stage a field's value names, if it names one.
    private func valueSource(_ field: Field, _ value: Int) -> String? {
        guard value > 0 else { return nil }
        switch field {
        case .source: return sources[value - 1]
        case .sourceRank: return sources[(value - 1) / rankBuckets.count]
        default: return nil
        }
    }

    private func bucketName(_ bucket: Int) -> String {
        let low = bucket == 0 ? 1 : rankBuckets[bucket - 1] + 1
        return bucket == rankBuckets.count - 1 ? "\(low)+" : "\(low)-\(rankBuckets[bucket])"
    }

    /// The fields and values of cross feature `index` (at least ``denseCount``), in order.
    private func crossValues(_ index: Int) -> [(field: Field, value: Int)] {
        let cross = crossOffsets.lastIndex { $0 <= index }!
        var rest = index - crossOffsets[cross]
        var values: [(field: Field, value: Int)] = []
        for field in crosses[cross].fields.reversed() {
            let size = sizes[field.ordinal]
            values.append((field, rest % size))
            rest /= size
        }
        return values.reversed()
    }

    /// The name of wide feature `index`.
    func wideName(_ index: Int) -> String {
        if index < denseCount { return denseName(index) }
        return crossValues(index).map { valueName($0.field, $0.value) }.joined(separator: " × ")
    }

    /// The candidate stage wide feature `index` describes, if it describes one.
    func wideSource(_ index: Int) -> String? {
        if index < denseCount { return denseSource(index) }
        return crossValues(index).lazy.compactMap { self.valueSource($0.field, $0.value) }.first
    }

    /// The model's inputs for every entry of a pool.
    struct Inputs: Sendable {
        /// entries × ``denseCount`` raw values.
        var dense: [Float]
        /// entries × 5 embedding rows (user, item, occupation, gender, age); genres come from
        /// the item.
        var rows: [Int32]
        /// The active cross values of each entry, as wide indices.
        var wide: RaggedRows<Int32>
        /// Each entry's genre rows in the embedding table.
        var genreRows: RaggedRows<Int32>
    }

    /// Computes the inputs of every pooled entry, as of the query's time (the data's end
    /// when it has none): only interactions before then are counted.
    ///
    /// - Complexity: O(pool · (sources + crosses + log interactions per item) + last items ·
    ///   neighbours).
    func inputs(_ pool: CandidatePool, for query: Query) -> Inputs {
        let t = tables
        let now = t.minute(before: query.time ?? t.dataEnd)
        let atEnd = now == t.minute(before: t.dataEnd)
        let user = query.user
        let userTimes = user.map { t.userTimes[$0] } ?? []
        let seenBefore = FeatureTables.lowerBound(userTimes, now)
        let lastVisit = seenBefore > 0 ? userTimes[userTimes.startIndex + seenBefore - 1] : nil
        let history = query.historyItems
        let latest = history.suffix(lastItems)
        var together = [Float](repeating: 0, count: t.itemDecade.count)
        var following = together
        for item in latest {
            let neighbours = t.cooccurring.items[Int(item)]
            let weights = t.cooccurring.weights[Int(item)]
            for (other, weight) in zip(neighbours, weights) {
                together[Int(other)] += weight / Float(latest.count)
            }
        }
        for item in history.suffix(FeatureTables.transitionWindow) {
            let neighbours = t.following.items[Int(item)]
            let weights = t.following.weights[Int(item)]
            for (other, weight) in zip(neighbours, weights) { following[Int(other)] += weight }
        }
        let recentGenres = genreProfile(latest)
        let historyGenres = genreProfile(history)
        let (recentNorm, historyNorm) = (squaredNorm(recentGenres), squaredNorm(historyGenres))
        var userDense = [Float](repeating: 0, count: 3)
        userDense[0] = log1p(Float(history.count))
        userDense[1] = log1p(
            Float(FeatureTables.count(userTimes, from: now - recentMinutes, to: now)))
        userDense[2] = lastVisit.map { log1p(Float(now - $0) / 1440) } ?? 0
        let userValue = user.map { $0 + 1 } ?? 0
        let occupation = Int(user.map { t.userOccupation[$0] } ?? 0)
        let gender = Int(user.map { t.userGender[$0] } ?? 0)
        let age = Int(user.map { t.userAge[$0] } ?? 0)

        let width = denseCount
        var dense = [Float](repeating: 0, count: pool.count * width)
        var rows = [Int32](repeating: 0, count: pool.count * 5)
        var wideOffsets = [0]
        var wideValues: [Int32] = []
        var genreOffsets = [0]
        var genreValues: [Int32] = []
        let ranges = pool.sources.indices.map { source in
            pool.entries.reduce((Double.infinity, -Double.infinity, 0)) { bounds, entry in
                guard let n = entry.nomination(by: source) else { return bounds }
                return (min(bounds.0, n.score), max(bounds.1, n.score), max(bounds.2, n.rank))
            }
        }
        var active = ActiveFields(user: userValue, occupation: occupation, gender: gender, age: age)
        for (index, entry) in pool.entries.enumerated() {
            let item = entry.item
            let base = index * width
            for source in pool.sources.indices {
                let (low, high, deepest) = ranges[source]
                if let n = entry.nomination(by: source) {
                    dense[base + 3 * source] = 1
                    dense[base + 3 * source + 1] =
                        high > low ? Float((n.score - low) / (high - low)) : 1
                    dense[base + 3 * source + 2] = Self.logRank(n.rank)
                } else {
                    dense[base + 3 * source + 2] = Self.logRank(deepest + 1)
                }
            }
            let timed =
                atEnd
                ? atDataEnd[item]
                : ItemTimeValues(t.itemTimes[item], now: now, recentMinutes: recentMinutes)
            let d = base + pool.sources.count * 3
            dense[d + Dense.popularity.rawValue] = timed.popularity
            dense[d + Dense.meanRating.rawValue] = t.itemMeanRating[item]
            dense[d + Dense.releaseYear.rawValue] = t.itemYear[item] / 10
            dense[d + Dense.popularLately.rawValue] = timed.lately
            dense[d + Dense.popularVeryLately.rawValue] = timed.veryLately
            dense[d + Dense.itemAge.rawValue] = timed.age
            dense[d + Dense.likeLastItems.rawValue] = together[item]
            dense[d + Dense.followsLastItems.rawValue] = following[item]
            let genres = t.itemGenres[item]
            dense[d + Dense.genresOfLastItems.rawValue] = cosine(recentGenres, recentNorm, genres)
            dense[d + Dense.genresOfHistory.rawValue] = cosine(historyGenres, historyNorm, genres)
            dense[d + Dense.activity.rawValue] = userDense[0]
            dense[d + Dense.recentActivity.rawValue] = userDense[1]
            dense[d + Dense.daysSinceLastVisit.rawValue] = userDense[2]

            let itemValue = item + 1 < sizes[Field.item.ordinal] ? item + 1 : 0
            active.set(
                item: itemValue, decade: Int(t.itemDecade[item]), genres: genres,
                nominations: entry.nominations)
            let fieldRows: InlineArray<5, Int> = [userValue, itemValue, occupation, gender, age]
            for slot in 0..<5 {
                rows[index * 5 + slot] = Int32(
                    embeddingOffsets[Self.embedded[slot].ordinal] + fieldRows[slot])
            }
            for genre in active.genres {
                genreValues.append(Int32(embeddingOffsets[Field.genre.ordinal] + genre))
            }
            genreOffsets.append(genreValues.count)
            for (cross, offset) in zip(crosses, crossOffsets) {
                appendCombinations(cross.fields, active, offset, &wideValues)
            }
            wideOffsets.append(wideValues.count)
        }
        return Inputs(
            dense: dense, rows: rows, wide: RaggedRows(offsets: wideOffsets, values: wideValues),
            genreRows: RaggedRows(offsets: genreOffsets, values: genreValues))
    }

    /// Appends the wide index of every combination of the fields' active values. Crosses of
    /// one and two fields (every shipped one) have loops of their own: through the general
    /// recursion a default-pipeline request took about 20 µs longer (422–433 µs against
    /// 401–408, `shortlist-latency --users 300`).
    private func appendCombinations(
        _ fields: [Field], _ active: ActiveFields, _ offset: Int, _ output: inout [Int32]
    ) {
        if fields.count == 1 {
            active.forEach(fields[0]) { output.append(Int32(offset + $0)) }
        } else if fields.count == 2 {
            let size = sizes[fields[1].ordinal]
            active.forEach(fields[0]) { a in
                active.forEach(fields[1]) { b in output.append(Int32(offset + a * size + b)) }
            }
        } else {
            appendProducts(fields[...], active, 0, offset, &output)
        }
    }

    /// Every combination of the values of `fields` after `prefix` (the index of the fields
    /// before them), the first field outermost.
    private func appendProducts(
        _ fields: ArraySlice<Field>, _ active: ActiveFields, _ prefix: Int, _ offset: Int,
        _ output: inout [Int32]
    ) {
        guard let field = fields.first else {
            output.append(Int32(offset + prefix))
            return
        }
        let size = sizes[field.ordinal]
        active.forEach(field) { value in
            appendProducts(fields.dropFirst(), active, prefix * size + value, offset, &output)
        }
    }

    /// How often each genre occurs among `items`, by genre id.
    private func genreProfile(_ items: ArraySlice<Int32>) -> [Float] {
        var profile = [Float](repeating: 0, count: tables.genres.count + 1)
        for item in items {
            for genre in tables.itemGenres[Int(item)] { profile[Int(genre)] += 1 }
        }
        return profile
    }

    /// The sum of a profile's squared counts.
    private func squaredNorm(_ profile: [Float]) -> Float {
        var norm: Float = 0
        for value in profile { norm += value * value }
        return norm
    }

    /// The cosine between a genre profile (whose ``squaredNorm(_:)`` is `norm`) and an item's
    /// genres (0 when either is empty).
    private func cosine(_ profile: [Float], _ norm: Float, _ genres: ArraySlice<Int32>) -> Float {
        guard !genres.isEmpty else { return 0 }
        var dot: Float = 0
        for genre in genres { dot += profile[Int(genre)] }
        return norm > 0 ? dot / (norm * Float(genres.count)).squareRoot() : 0
    }
}

/// The values of every field for one pooled entry, which the crosses combine: one value of
/// each field but three, whose values are lists (genres: 0 when the item has none; the
/// nominating sources and their rank buckets, in the entry's nomination order).
private struct ActiveFields {
    var single: InlineArray<9, Int>
    var genres: [Int] = []
    var sources: [Int] = []
    var sourceRanks: [Int] = []

    init(user: Int, occupation: Int, gender: Int, age: Int) {
        single = .init(repeating: 0)
        single[Field.user.ordinal] = user
        single[Field.occupation.ordinal] = occupation
        single[Field.gender.ordinal] = gender
        single[Field.age.ordinal] = age
    }

    /// Sets the entry's own values.
    mutating func set(
        item: Int, decade: Int, genres: ArraySlice<Int32>, nominations: [Nomination]
    ) {
        single[Field.item.ordinal] = item
        single[Field.decade.ordinal] = decade
        self.genres.removeAll(keepingCapacity: true)
        if genres.isEmpty { self.genres.append(0) }
        for genre in genres { self.genres.append(Int(genre)) }
        sources.removeAll(keepingCapacity: true)
        sourceRanks.removeAll(keepingCapacity: true)
        for nomination in nominations {
            sources.append(nomination.source + 1)
            sourceRanks.append(
                nomination.source * rankBuckets.count + rankBucket(nomination.rank) + 1)
        }
    }

    /// `body` on each of the field's values, in order.
    @inline(__always)
    func forEach(_ field: Field, _ body: (Int) -> Void) {
        switch field {
        case .genre: for value in genres { body(value) }
        case .source: for value in sources { body(value) }
        case .sourceRank: for value in sourceRanks { body(value) }
        default: body(single[field.ordinal])
        }
    }
}
