import Foundation
import ShortlistCore

/// Rows of values in compressed form: row `r` holds `values[offsets[r] ..< offsets[r + 1]]`.
struct RaggedRows<Value: BitwiseCopyable & Sendable>: Sendable {
    var offsets: [Int]
    var values: [Value]

    init(offsets: [Int], values: [Value]) {
        self.offsets = offsets
        self.values = values
    }

    init(_ rows: [[Value]]) {
        offsets = [0]
        values = []
        for row in rows {
            values += row
            offsets.append(values.count)
        }
    }

    var rowCount: Int { offsets.count - 1 }

    subscript(row: Int) -> ArraySlice<Value> { values[offsets[row]..<offsets[row + 1]] }
}

/// Each item's most related items with a weight, best first.
struct Neighbours: Sendable {
    var items: RaggedRows<Int32>
    var weights: RaggedRows<Float>
}

/// What the ranker knows about users and items besides the pool: the categorical vocabularies,
/// static item statistics, each item's and user's interaction times (for features as of a
/// request's time) and item-to-item neighbours.
///
/// Static parts (mean ratings, neighbours) come from the data the generators were fitted on;
/// the times come from every interaction and are only ever read before a request's time.
struct FeatureTables: Sendable {
    /// Seconds per stored time unit: times are kept in whole minutes since ``timeBase``.
    static let unit: Int64 = 60

    var occupations: [String]
    var genders: [String]
    var genres: [String]
    var decades: [Int]
    /// Per item: genre ids (from 1), decade id (0 unknown), year (nil unknown), mean rating.
    var itemGenres: RaggedRows<Int32>
    var itemDecade: [Int32]
    var itemYear: [Float]
    var itemMeanRating: [Float]
    /// Per user: occupation, gender and age-bucket ids, 0 when unknown.
    var userOccupation: [Int32]
    var userGender: [Int32]
    var userAge: [Int32]
    /// Interaction times in minutes since ``timeBase``, sorted within each item and user.
    var itemTimes: RaggedRows<Int32>
    var userTimes: RaggedRows<Int32>
    var timeBase: Int64
    /// One second after the latest interaction: "now" for a request without a time.
    var dataEnd: Int64
    /// Items seen by the same users (cosine of their user sets, within each user's latest
    /// ``sequenceLimit`` interactions) and items that follow an item within
    /// ``transitionWindow`` places in a user's sequence.
    var cooccurring: Neighbours
    var following: Neighbours

    static let sequenceLimit = 200
    static let transitionWindow = 5
    static let neighbourCount = 50

    /// Tables from `staticData` (neighbours, mean ratings) and `timed` (interaction times);
    /// both must share users, items and features.
    ///
    /// - Complexity: O(Σ over users of min(n, 200)²) for the neighbours, over the cores.
    init(staticData: Dataset, timed: Dataset) {
        let vocabulary = FeatureVocabulary(staticData)
        occupations = vocabulary.occupations
        genders = vocabulary.genders
        genres = vocabulary.genres
        decades = vocabulary.decades
        itemGenres = RaggedRows(vocabulary.itemGenres)
        itemDecade = vocabulary.itemDecade
        let years = staticData.items.compactMap(\.year)
        let meanYear = years.isEmpty ? 0 : Float(years.reduce(0, +)) / Float(years.count)
        itemYear = staticData.items.map { $0.year.map(Float.init) ?? meanYear }
        let byItem = staticData.byItem
        var total = 0.0
        for rating in byItem.ratings { total += Double(rating) }
        let globalMean = byItem.entryCount > 0 ? total / Double(byItem.entryCount) : 0
        itemMeanRating = (0..<staticData.itemCount).map { item in
            var sum = 0.0
            for entry in byItem.range(of: item) { sum += Double(byItem.ratings[entry]) }
            let prior = 10.0
            return Float((sum + prior * globalMean) / (Double(byItem.count(of: item)) + prior))
        }
        userOccupation = vocabulary.userOccupation
        userGender = vocabulary.userGender
        userAge = vocabulary.userAge
        let base = timed.byUser.timestamps.min() ?? 0
        timeBase = base
        dataEnd = (timed.byUser.timestamps.max() ?? 0) + 1
        func minutes(_ matrix: InteractionMatrix) -> RaggedRows<Int32> {
            var values = matrix.timestamps.map { Int32(($0 - base) / Self.unit) }
            for row in 0..<matrix.rowCount { values[matrix.range(of: row)].sort() }
            return RaggedRows(offsets: matrix.offsets, values: values)
        }
        itemTimes = minutes(timed.byItem)
        userTimes = minutes(timed.byUser)
        (cooccurring, following) = Self.neighbours(staticData)
    }

    /// The tables with the catalogue's new and changed items: their genres, decade and year as
    /// the catalogue gives them (a genre or decade the fit never saw counts as unknown, a
    /// missing year as the catalogue's mean), and for a new item no interactions, no
    /// neighbours and the catalogue's average mean rating.
    ///
    /// - Complexity: O(items + genre entries).
    func cataloguing(_ update: CatalogueUpdate) -> FeatureTables {
        var tables = self
        let fitted = itemDecade.count
        let coder = FeatureVocabulary.ItemCoder(genres: genres, decades: decades)
        // Items without a year hold the mean of those with one, so this is that mean.
        let meanYear = itemYear.isEmpty ? 0 : itemYear.reduce(0, +) / Float(itemYear.count)
        let meanRating =
            itemMeanRating.isEmpty ? 0 : itemMeanRating.reduce(0, +) / Float(itemMeanRating.count)
        var genreRows = (0..<fitted).map { Array(itemGenres[$0]) }
        for item in update.changed {
            let features = update.dataset.items[item]
            let (row, decade) = coder.ids(features)
            let year = features.year.map(Float.init) ?? meanYear
            if item < fitted {
                genreRows[item] = row
                tables.itemDecade[item] = decade
                tables.itemYear[item] = year
            } else {
                genreRows.append(row)
                tables.itemDecade.append(decade)
                tables.itemYear.append(year)
                tables.itemMeanRating.append(meanRating)
            }
        }
        let added = update.dataset.itemCount - fitted
        tables.itemGenres = RaggedRows(genreRows)
        func grown<Value>(_ rows: RaggedRows<Value>) -> RaggedRows<Value> {
            RaggedRows(
                offsets: rows.offsets + [Int](repeating: rows.values.count, count: added),
                values: rows.values)
        }
        tables.itemTimes = grown(itemTimes)
        tables.cooccurring = Neighbours(
            items: grown(cooccurring.items), weights: grown(cooccurring.weights))
        tables.following = Neighbours(
            items: grown(following.items), weights: grown(following.weights))
        return tables
    }

    /// The stored minute strictly before which interactions happened before `time`: minutes
    /// are rounded down, so an interaction in `time`'s own minute never counts.
    func minute(before time: Int64) -> Int32 {
        guard time >= timeBase else { return -1 }
        let (elapsed, overflow) = time.subtractingReportingOverflow(timeBase)
        return overflow ? .max : Int32(clamping: elapsed / Self.unit)
    }

    /// How many of `times` fall in `[from, to)`; `times` is sorted.
    static func count(_ times: ArraySlice<Int32>, from: Int32, to: Int32) -> Int {
        lowerBound(times, to) - lowerBound(times, from)
    }

    /// The position of the first value in `times` that is not below `value`: halving the
    /// range with a conditional move instead of a branch the processor would mispredict half
    /// the time (every request searches each candidate's times).
    static func lowerBound(_ times: ArraySlice<Int32>, _ value: Int32) -> Int {
        guard !times.isEmpty else { return 0 }
        var base = times.startIndex
        var length = times.count
        while length > 1 {
            let half = length / 2
            base = times[base + half] < value ? base + half : base
            length -= half
        }
        return base - times.startIndex + (times[base] < value ? 1 : 0)
    }

    /// Co-occurrence and transition neighbours of every item, over each user's latest
    /// ``sequenceLimit`` interactions.
    private static func neighbours(_ data: Dataset) -> (Neighbours, Neighbours) {
        let byUser = data.byUser
        let itemCount = data.itemCount
        var sequenceStarts = [Int](repeating: 0, count: data.userCount)
        var counts = [Float](repeating: 0, count: itemCount)
        var itemPositions = [[(user: Int32, position: Int32)]](repeating: [], count: itemCount)
        for user in 0..<data.userCount {
            let range = byUser.range(of: user)
            sequenceStarts[user] = max(range.lowerBound, range.upperBound - sequenceLimit)
            for entry in sequenceStarts[user]..<range.upperBound {
                let item = Int(byUser.columns[entry])
                counts[item] += 1
                itemPositions[item].append((Int32(user), Int32(entry)))
            }
        }
        let chunk = 64
        let (starts, occurrences, positions) = (sequenceStarts, counts, itemPositions)
        let chunks = concurrentMap((itemCount + chunk - 1) / chunk) { index in
            var together = [Float](repeating: 0, count: itemCount)
            var after = [Float](repeating: 0, count: itemCount)
            var touched: [Int] = []
            var result: [([Int32], [Float], [Int32], [Float])] = []
            for item in index * chunk..<min(itemCount, (index + 1) * chunk) {
                for (user, position) in positions[item] {
                    let end = byUser.range(of: Int(user)).upperBound
                    for entry in starts[Int(user)]..<end where entry != Int(position) {
                        let other = Int(byUser.columns[entry])
                        if together[other] == 0 && after[other] == 0 { touched.append(other) }
                        together[other] += 1
                        if entry > Int(position) && entry <= Int(position) + transitionWindow {
                            after[other] += 1
                        }
                    }
                }
                func best(_ counts: [Float]) -> ([Int32], [Float]) {
                    var top = TopK(k: neighbourCount)
                    for other in touched where counts[other] > 0 {
                        let weight =
                            Double(counts[other])
                            / Double(occurrences[item] * occurrences[other]).squareRoot()
                        top.insert(other, score: weight)
                    }
                    let sorted = top.sorted()
                    return (sorted.map { Int32($0.item) }, sorted.map { Float($0.score) })
                }
                let (togetherItems, togetherWeights) = best(together)
                let (afterItems, afterWeights) = best(after)
                result.append((togetherItems, togetherWeights, afterItems, afterWeights))
                for other in touched {
                    together[other] = 0
                    after[other] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
            return result
        }.flatMap { $0 }
        return (
            Neighbours(
                items: RaggedRows(chunks.map { $0.0 }), weights: RaggedRows(chunks.map { $0.1 })),
            Neighbours(
                items: RaggedRows(chunks.map { $0.2 }), weights: RaggedRows(chunks.map { $0.3 }))
        )
    }
}

extension FeatureTables {
    func write(to writer: inout ArtifactWriter) {
        writer.write(occupations)
        writer.write(genders)
        writer.write(genres)
        writer.write(decades)
        for rows in [itemGenres, itemTimes, userTimes] {
            writer.write(rows.offsets)
            writer.write(rows.values)
        }
        writer.write(itemDecade)
        writer.write(itemYear)
        writer.write(itemMeanRating)
        writer.write(userOccupation)
        writer.write(userGender)
        writer.write(userAge)
        writer.write(Int(timeBase))
        writer.write(Int(dataEnd))
        for neighbours in [cooccurring, following] {
            writer.write(neighbours.items.offsets)
            writer.write(neighbours.items.values)
            writer.write(neighbours.weights.values)
        }
    }

    /// Reads and checks stored tables: every id in range, every row well formed.
    init(reading reader: inout ArtifactReader) throws(ArtifactError) {
        let what = "wide-and-deep"
        occupations = try reader.readStrings()
        genders = try reader.readStrings()
        genres = try reader.readStrings()
        decades = try reader.readArray(of: Int.self)
        func rows(_ name: String, rowCount: Int? = nil, below: Int32? = nil, sorted: Bool = false)
            throws(ArtifactError) -> RaggedRows<Int32>
        {
            let offsets = try reader.readArray(of: Int.self)
            let values = try reader.readArray(of: Int32.self)
            guard offsets.first == 0, offsets.last == values.count,
                zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
                rowCount.map({ $0 == offsets.count - 1 }) ?? true,
                values.allSatisfy({ $0 >= 0 && $0 < (below ?? .max) })
            else {
                throw ArtifactError(.corrupt, "\(what): the \(name) are malformed")
            }
            let result = RaggedRows(offsets: offsets, values: values)
            if sorted {
                for row in 0..<result.rowCount
                where zip(result[row], result[row].dropFirst()).contains(where: { $0 > $1 }) {
                    throw ArtifactError(.corrupt, "\(what): the \(name) are not in order")
                }
            }
            return result
        }
        itemGenres = try rows("item genres", below: Int32(genres.count + 1))
        let itemCount = itemGenres.rowCount
        try reader.expectItems(itemCount, what)
        itemTimes = try rows("item times", rowCount: itemCount, sorted: true)
        userTimes = try rows("user times", sorted: true)
        let userCount = userTimes.rowCount
        try reader.expectUsers(userCount, what)
        itemDecade = try reader.readArray(of: Int32.self)
        itemYear = try reader.readFiniteArray(of: Float.self, "\(what): the years", magnitude: 1e5)
        itemMeanRating = try reader.readFiniteArray(
            of: Float.self, "\(what): the mean ratings", magnitude: 1e7)
        userOccupation = try reader.readArray(of: Int32.self)
        userGender = try reader.readArray(of: Int32.self)
        userAge = try reader.readArray(of: Int32.self)
        timeBase = Int64(try reader.readInt())
        dataEnd = Int64(try reader.readInt())
        func inRange(_ values: [Int32], _ count: Int, _ limit: Int) -> Bool {
            values.count == count && values.allSatisfy { $0 >= 0 && Int($0) < limit }
        }
        guard inRange(itemDecade, itemCount, decades.count + 1),
            itemYear.count == itemCount, itemMeanRating.count == itemCount,
            inRange(userOccupation, userCount, occupations.count + 1),
            inRange(userGender, userCount, genders.count + 1),
            inRange(userAge, userCount, FeatureVocabulary.ageBands.count),
            abs(timeBase) < 1 << 40, abs(dataEnd) < 1 << 40
        else {
            throw ArtifactError(.corrupt, "\(what): the item or user tables do not fit")
        }
        var lists: [Neighbours] = []
        for name in ["co-occurrence neighbours", "transition neighbours"] {
            let items = try rows(name, rowCount: itemCount, below: Int32(itemCount))
            let weights = try reader.readFiniteArray(
                of: Float.self, "\(what): the \(name)' weights", magnitude: 1e3)
            guard weights.count == items.values.count else {
                throw ArtifactError(.corrupt, "\(what): the \(name) are malformed")
            }
            lists.append(
                Neighbours(
                    items: items, weights: RaggedRows(offsets: items.offsets, values: weights))
            )
        }
        cooccurring = lists[0]
        following = lists[1]
    }
}
