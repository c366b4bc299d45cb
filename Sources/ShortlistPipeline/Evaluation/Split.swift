import Foundation
public import ShortlistCore
import ShortlistData

/// How interactions are divided into a training part and a held-out test part.
public enum SplitSpec: Sendable, Equatable, CustomStringConvertible {
    /// The latest ⌈n·fraction⌉ of each user's n interactions (by timestamp, then item) are held out.
    case temporal(Double)
    /// The latest `n` interactions of each user with more than `n` are held out.
    case leaveLast(Int)
    /// ⌈n·fraction⌉ of each user's interactions, drawn with the seed, are held out.
    case random(Double, seed: UInt64)
    /// Training and test interactions come from two files with a `user item rating timestamp` header.
    case files(train: String, test: String)

    /// Parses `temporal:0.2`, `leave-last:1`, `random:0.2:42` or `file:TRAIN,TEST`.
    public init(parsing text: String) throws(RequestError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let usage =
            "expected temporal:FRACTION, leave-last:N, random:FRACTION:SEED or file:TRAIN,TEST"
        guard parts.count == 2 else {
            throw RequestError("unknown split '\(text)'; \(usage)")
        }
        func fraction(_ value: String) throws(RequestError) -> Double {
            guard let f = decimalNumber(value), f > 0, f < 1 else {
                throw RequestError(
                    "split '\(text)': the fraction must be between 0 and 1, found '\(value)'")
            }
            return f
        }
        switch parts[0] {
        case "temporal":
            self = .temporal(try fraction(parts[1]))
        case "leave-last":
            guard let n = Int(parts[1]), (1...1_000_000).contains(n) else {
                throw RequestError("split '\(text)': N must be a whole number from 1 to 1000000")
            }
            self = .leaveLast(n)
        case "random":
            let pieces = parts[1].split(separator: ":").map(String.init)
            guard pieces.count == 2, let seed = UInt64(pieces[1]) else {
                throw RequestError("split '\(text)': expected random:FRACTION:SEED")
            }
            self = .random(try fraction(pieces[0]), seed: seed)
        case "file":
            let files = parts[1].split(separator: ",").map(String.init)
            guard files.count == 2 else {
                throw RequestError("split '\(text)': expected file:TRAIN,TEST")
            }
            self = .files(train: files[0], test: files[1])
        default:
            throw RequestError("unknown split '\(text)'; \(usage)")
        }
    }

    public var description: String {
        switch self {
        case .temporal(let f): "temporal:\(f)"
        case .leaveLast(let n): "leave-last:\(n)"
        case .random(let f, let seed): "random:\(f):\(seed)"
        case .files(let train, let test): "file:\(train),\(test)"
        }
    }
}

/// One held-out interaction.
public struct HeldOut: Sendable, Equatable {
    /// The item.
    public var item: ItemIndex
    /// Its rating (1 when the data has none).
    public var rating: Float
    /// Its time.
    public var timestamp: Int64
}

/// A training dataset and, per user of it, the interactions held out for testing.
public struct Split: Sendable {
    /// What the models fit on; same ids as the test part.
    public let train: Dataset
    /// Held-out interactions by ``UserIndex`` of ``train``.
    public let test: [[HeldOut]]
    /// Whether each user's held-out part is their latest (temporal and leave-last splits, and
    /// file splits whose every test interaction is at or after that user's training ones): a
    /// user's test requests are then made when their held-out part begins.
    public let isByTime: Bool

    /// Splits a dataset; a split by time of data without timestamps is refused.
    ///
    /// - Throws: ``RequestError`` for a split this data cannot make, ``DataError`` for split
    ///   files that cannot be read.
    public init(_ dataset: Dataset, _ spec: SplitSpec) throws {
        switch spec {
        case .temporal(let fraction) where !dataset.hasTimestamps:
            throw RequestError(
                "split '\(spec)' holds out each user's latest interactions, but the data has no "
                    + "timestamps; use random:\(fraction):SEED (or file:TRAIN,TEST) instead")
        case .leaveLast where !dataset.hasTimestamps:
            throw RequestError(
                "split '\(spec)' holds out each user's latest interactions, but the data has no "
                    + "timestamps; use random:FRACTION:SEED (or file:TRAIN,TEST) instead")
        default: break
        }
        var test = [[HeldOut]](repeating: [], count: dataset.userCount)
        var heldOut = Set<Int>()
        switch spec {
        case .files(let trainFile, let testFile):
            (train, self.test) = try Self.fromFiles(dataset, train: trainFile, test: testFile)
            let (train, test) = (train, self.test)
            guard test.contains(where: { !$0.isEmpty }) else {
                throw RequestError(
                    "split '\(spec)' holds out no interaction: no row of \(testFile) names a user "
                        + "and an item the data has, so nothing can be evaluated")
            }
            isByTime = (0..<train.userCount).allSatisfy { user in
                let times = train.byUser.timestamps[train.byUser.range(of: user)]
                return test[user].allSatisfy { $0.timestamp >= times.max() ?? .min }
            }
            return
        case .temporal(let fraction):
            for user in 0..<dataset.userCount {
                let range = dataset.byUser.range(of: user)
                let count = Int((Double(range.count) * fraction).rounded(.up))
                heldOut.formUnion(range.suffix(count))
            }
        case .leaveLast(let n):
            for user in 0..<dataset.userCount {
                let range = dataset.byUser.range(of: user)
                if range.count > n { heldOut.formUnion(range.suffix(n)) }
            }
        case .random(let fraction, let seed):
            var random = SeededGenerator(seed: seed)
            for user in 0..<dataset.userCount {
                let range = dataset.byUser.range(of: user)
                let count = Int((Double(range.count) * fraction).rounded(.up))
                heldOut.formUnion(Array(range).shuffled(using: &random).prefix(count))
            }
        }
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) where heldOut.contains(entry) {
                test[user].append(
                    HeldOut(
                        item: Int(dataset.byUser.columns[entry]),
                        rating: dataset.byUser.ratings[entry],
                        timestamp: dataset.byUser.timestamps[entry]))
            }
        }
        if heldOut.isEmpty {
            var reason = ""
            if case .leaveLast(let n) = spec {
                reason = ": no user has more than \(n) interaction\(n == 1 ? "" : "s")"
            }
            throw RequestError(
                "split '\(spec)' holds out no interaction\(reason), so nothing can be "
                    + "evaluated")
        }
        if heldOut.count == dataset.interactionCount {
            throw RequestError(
                "split '\(spec)' holds out every interaction (each user's share rounds up to all "
                    + "of their interactions), so nothing is left to fit")
        }
        train = dataset.keeping { _, entry in !heldOut.contains(entry) }
        self.test = test
        if case .random = spec { isByTime = false } else { isByTime = true }
    }

    /// When `user`'s test requests are made: the time their held-out part begins for a split
    /// by time, otherwise nil (the end of the data).
    public func requestTime(of user: UserIndex) -> Int64? {
        isByTime ? test[user].map(\.timestamp).min() : nil
    }

    /// The number of held-out interactions.
    public var testCount: Int { test.reduce(0) { $0 + $1.count } }

    /// Writes `train.tsv` and `test.tsv` (header `user item rating timestamp`, external ids) into `folder`.
    public func export(to folder: String) throws(DataError) {
        var trainText = "user\titem\trating\ttimestamp\n"
        var testText = trainText
        for user in 0..<train.userCount {
            let id = tsvField(train.userIDs[user])
            for entry in train.byUser.range(of: user) {
                trainText +=
                    "\(id)\t\(tsvField(train.itemIDs[Int(train.byUser.columns[entry])]))\t\(plainNumber(train.byUser.ratings[entry]))\t\(train.byUser.timestamps[entry])\n"
            }
            for held in test[user] {
                testText +=
                    "\(id)\t\(tsvField(train.itemIDs[held.item]))\t\(plainNumber(held.rating))\t\(held.timestamp)\n"
            }
        }
        var isFolder: ObjCBool = false
        guard !folder.isEmpty else {
            throw DataError(.unwritable, "the folder to write the split into has an empty path")
        }
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder),
            !isFolder.boolValue
        {
            throw DataError(
                .unwritable,
                "is not a folder; the split is written as train.tsv and test.tsv "
                    + "inside a folder", file: folder)
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError(
                .unwritable, "cannot write the split: \(error.localizedDescription)", file: folder)
        }
        try OutputFile.write(trainText, to: "\(folder)/train.tsv", what: "the split")
        try OutputFile.write(testText, to: "\(folder)/test.tsv", what: "the split")
    }

    private static func fromFiles(_ dataset: Dataset, train: String, test: String) throws(DataError)
        -> (Dataset, [[HeldOut]])
    {
        var builder = DatasetBuilder(catalogueOf: dataset)
        let trainRows = try DatasetLoader.interactionRows(train)
        let testRows = try DatasetLoader.interactionRows(test)
        guard !trainRows.isEmpty else {
            throw DataError(
                .empty, "the training file holds no interactions, so nothing can be fitted",
                file: train)
        }
        for row in testRows {
            builder.addUser(row.user)
            builder.addItem(row.item)
        }
        for row in trainRows {
            builder.addInteraction(
                user: row.user, item: row.item, rating: row.rating, timestamp: row.timestamp)
        }
        let trained = builder.build()
        var held = [[HeldOut]](repeating: [], count: trained.userCount)
        for row in testRows {
            guard let user = trained.user(row.user), let item = trained.item(row.item) else {
                continue
            }
            held[user].append(
                HeldOut(item: item, rating: row.rating ?? 1, timestamp: row.timestamp ?? 0))
        }
        return (trained, held)
    }
}
