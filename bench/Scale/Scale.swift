import Foundation
import ShortlistCore
import ShortlistData

/// The scale benchmark's tool (release builds only): writes synthetic interaction logs of a
/// given size, and times loading them.
///
///     shortlist-scale generate --out FILE [--items-out FILE] [--users U] [--items I]
///                              [--interactions N] [--clusters C] [--seed S]
///     shortlist-scale load --interactions FILE [--items FILE] [--repeat R] [--threads T]
///                          [--cache FOLDER]
///
/// `generate` writes `user item rating timestamp` rows (tab-separated, with that header), users
/// in order and each user's rows in time order. Users and items fall in `C` latent clusters;
/// item popularity is Zipf (exponent 1) over a random ranking; three of a user's four
/// interactions are drawn from their cluster's items, and those are rated higher, so a model
/// that learns the clusters beats popularity. Users have at least 20 interactions and a
/// log-normal share of the rest. With `--items-out`, an items file (`item title genres`) gives
/// each item two genres, the first one of its cluster's three. The same seed writes the same
/// bytes.
///
/// `load` loads the files `generate` writes (a delimited dataset: `user item rating timestamp`
/// and `item title genres`, tab-separated with headers) R times in this process and prints
/// each time and the median: from the source files, or with `--cache FOLDER` as the commands
/// do (through a dataset cache in that folder, which the first load writes when it is
/// missing).
@main
enum Scale {
    static func main() {
        do {
            try run()
        } catch {
            fail("\(error)")
        }
    }

    static func run() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.isEmpty || arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            exit(arguments.isEmpty ? 2 : 0)
        }
        guard let command = arguments.first, ["generate", "load"].contains(command) else {
            fail("unknown command '\(arguments[0])'\n\(usage)")
        }
        arguments.removeFirst()
        var options: [String: String] = [:]
        while let flag = arguments.first {
            guard flag.hasPrefix("--") else { fail("unexpected argument '\(flag)'") }
            guard arguments.count >= 2, !arguments[1].hasPrefix("--") else {
                fail("\(flag) needs a value")
            }
            options[flag] = arguments[1]
            arguments.removeFirst(2)
        }
        if command == "generate" {
            guard let out = options.removeValue(forKey: "--out") else {
                fail("generate needs --out FILE")
            }
            let itemsOut = options.removeValue(forKey: "--items-out")
            let settings = Synthetic(
                users: number(&options, "--users", 162_000),
                items: number(&options, "--items", 62_000),
                interactions: number(&options, "--interactions", 25_000_000),
                clusters: number(&options, "--clusters", 20),
                seed: UInt64(number(&options, "--seed", 1)))
            guard options.isEmpty else { fail("unknown option '\(options.keys.sorted()[0])'") }
            try settings.write(to: out, items: itemsOut)
        } else {
            guard let interactions = options.removeValue(forKey: "--interactions") else {
                fail("load needs --interactions FILE")
            }
            let items = options.removeValue(forKey: "--items")
            let repeats = number(&options, "--repeat", 5)
            let threads = number(
                &options, "--threads", ProcessInfo.processInfo.activeProcessorCount)
            let cache = options.removeValue(forKey: "--cache").map { DatasetCache(folder: $0) }
            guard options.isEmpty else { fail("unknown option '\(options.keys.sorted()[0])'") }
            let spec = DatasetSpec(
                format: .delimited, path: (interactions as NSString).deletingLastPathComponent,
                interactions: TableSpec(
                    file: interactions, delimiter: "\t",
                    columns: [
                        .user: "user", .item: "item", .rating: "rating", .timestamp: "timestamp",
                    ]),
                items: items.map {
                    TableSpec(
                        file: $0, delimiter: "\t",
                        columns: [.item: "item", .title: "title", .genres: "genres"])
                })
            var seconds: [Double] = []
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                let dataset =
                    try cache.map { try $0.load(spec, warn: { print("warning: \($0)") }).0 }
                    ?? DatasetLoader.load(spec, threads: threads).0
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                print(
                    String(
                        format: "load %.4f s: %d users, %d items, %d interactions", seconds.last!,
                        dataset.userCount, dataset.itemCount, dataset.interactionCount))
            }
            print(
                String(
                    format: "median %.4f s over %d loads", median(seconds), repeats))
        }
    }

    static let usage = """
        usage: shortlist-scale generate --out FILE [--items-out FILE] [--users U] [--items I]
                                        [--interactions N] [--clusters C] [--seed S]
               shortlist-scale load --interactions FILE [--items FILE] [--repeat R] [--threads T]
                                    [--cache FOLDER]

        generate  writes a synthetic log (user, item, rating, timestamp; tab-separated with a
                  header): 162000 users, 62000 items, 25000000 interactions, 20 clusters and
                  seed 1 by default; each user has at most max(20, items / 20) interactions
        load      loads the files generate wrote R times (5) on T threads (one per core) and
                  prints each time and the median; --cache FOLDER loads as the commands do,
                  through a dataset cache in FOLDER (the first load writes it when it is missing)
        """

    /// The middle of the values, or the mean of the two middle ones.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func number(_ options: inout [String: String], _ key: String, _ fallback: Int) -> Int {
        guard let text = options.removeValue(forKey: key) else { return fallback }
        guard let value = Int(text), value > 0 else { fail("\(key) takes a positive whole number") }
        return value
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("shortlist-scale: \(message)\n".utf8))
        exit(2)
    }
}

/// A synthetic interaction log with clustered users and items and Zipf item popularity.
struct Synthetic {
    var users: Int
    var items: Int
    var interactions: Int
    var clusters: Int
    var seed: UInt64

    func write(to path: String, items itemsPath: String?) throws {
        guard clusters <= items, interactions >= users * 20 else {
            Scale.fail("needs clusters <= items and at least 20 interactions per user")
        }
        var random = SeededGenerator(seed: seed)
        // Popularity: Zipf over a random ranking of the items.
        let rank = Array(0..<items).shuffled(using: &random)
        let weight = rank.map { 1 / Double($0 + 1) }
        let itemCluster = (0..<items).map { _ in Int.random(in: 0..<clusters, using: &random) }
        let global = Sampler(Array(0..<items), weight)
        let byCluster = (0..<clusters).map { c in
            let members = (0..<items).filter { itemCluster[$0] == c }
            return Sampler(members, members.map { weight[$0] })
        }
        if let itemsPath {
            // A generator of its own, so the log is the same with or without the items file.
            var itemRandom = SeededGenerator(seed: seed ^ 0x5EED_17E5)
            try writeItems(itemCluster, to: itemsPath, random: &itemRandom)
        }
        // Interactions per user: 20 each, the rest shared in log-normal proportions.
        let shares = (0..<users).map { _ in exp(normal(&random)) }
        let total = shares.reduce(0, +)
        let cap = max(20, items / 20)
        let counts = shares.map {
            min(cap, 20 + Int(Double(interactions - 20 * users) * $0 / total))
        }
        guard let output = FileHandle(forWritingAtPath: path) ?? create(path) else {
            Scale.fail("cannot write \(path)")
        }
        defer { try? output.close() }
        try output.truncate(atOffset: 0)
        var buffer: [UInt8] = Array("user\titem\trating\ttimestamp\n".utf8)
        buffer.reserveCapacity(1 << 21)
        var seen = [Int32](repeating: -1, count: items)
        var written = 0
        for user in 0..<users {
            let cluster = Int.random(in: 0..<clusters, using: &random)
            var time = Int64.random(in: 946_684_800..<1_546_300_800, using: &random)
            for _ in 0..<counts[user] {
                var item = -1
                for _ in 0..<50 {
                    let candidate =
                        Double.random(in: 0..<1, using: &random) < 0.75
                        ? byCluster[cluster].draw(&random) : global.draw(&random)
                    if seen[candidate] != Int32(user) {
                        item = candidate
                        break
                    }
                }
                while item < 0 {
                    let candidate = Int.random(in: 0..<items, using: &random)
                    if seen[candidate] != Int32(user) { item = candidate }
                }
                seen[item] = Int32(user)
                let base = itemCluster[item] == cluster ? 4.25 : 2.25
                let rating = min(5, max(0.5, ((base + 0.6 * normal(&random)) * 2).rounded() / 2))
                time += Int64(-86_400 * log(1 - Double.random(in: 0..<1, using: &random)))
                append(user + 1, &buffer)
                buffer.append(9)
                append(item + 1, &buffer)
                buffer.append(9)
                append(Int(rating), &buffer)
                if rating != rating.rounded(.down) { buffer += [0x2E, 0x35] }
                buffer.append(9)
                append(Int(time), &buffer)
                buffer.append(10)
                written += 1
            }
            if buffer.count > 1 << 20 {
                output.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        output.write(Data(buffer))
        print("wrote \(written) interactions of \(users) users and \(items) items to \(path)")
        if written < interactions * 99 / 100 {
            print(
                "note: \(interactions) were asked; a user has at most \(cap) (max(20, items / 20)), "
                    + "so ask for more items or fewer interactions per user")
        }
    }

    /// `item title genres`: a title with a year, and two of the `3 · clusters` genres.
    private func writeItems(_ itemCluster: [Int], to path: String, random: inout SeededGenerator)
        throws
    {
        var text = "item\ttitle\tgenres\n"
        for (item, cluster) in itemCluster.enumerated() {
            let own = "g\(cluster)\(["a", "b", "c"][Int.random(in: 0..<3, using: &random)])"
            let other =
                "g\(Int.random(in: 0..<clusters, using: &random))"
                + ["a", "b", "c"][Int.random(in: 0..<3, using: &random)]
            let year = Int.random(in: 1950...2019, using: &random)
            text += "\(item + 1)\tItem \(item + 1) (\(year))\t\(own)|\(other)\n"
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            Scale.fail("cannot write \(path)")
        }
    }

    private func create(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }

    private func append(_ value: Int, _ buffer: inout [UInt8]) {
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(UInt8(48 + rest % 10))
            rest /= 10
        } while rest > 0
        buffer += digits.reversed()
    }

    /// A standard normal draw (Box–Muller).
    private func normal(_ random: inout SeededGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let v = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}

/// Draws members in proportion to their weights (binary search over the running sums).
struct Sampler {
    let members: [Int]
    let sums: [Double]

    init(_ members: [Int], _ weights: [Double]) {
        self.members = members
        var total = 0.0
        sums = weights.map {
            total += $0
            return total
        }
    }

    func draw(_ random: inout SeededGenerator) -> Int {
        let target = Double.random(in: 0..<(sums.last ?? 1), using: &random)
        var low = 0
        var high = sums.count - 1
        while low < high {
            let middle = (low + high) / 2
            if sums[middle] <= target { low = middle + 1 } else { high = middle }
        }
        return members[low]
    }
}
