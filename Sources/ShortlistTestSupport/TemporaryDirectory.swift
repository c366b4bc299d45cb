import Foundation
public import ShortlistCore

/// A fresh folder under the system's temporary folder, removed when released.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder's path.
    public let path: String

    /// Creates the folder.
    public init() throws {
        path = NSTemporaryDirectory() + "shortlist-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the folder (creating subfolders) and returns the path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Writes a dataset as `interactions.tsv` and `items.tsv` with headers, and returns a
    /// `dataset:` section that reads them back.
    public func writeDelimited(_ dataset: Dataset) throws -> String {
        var interactions = "user\titem\trating\ttimestamp\n"
        for user in 0..<dataset.userCount {
            for entry in dataset.byUser.range(of: user) {
                interactions +=
                    "\(dataset.userIDs[user])\t\(dataset.itemIDs[Int(dataset.byUser.columns[entry])])\t"
                interactions +=
                    "\(Int(dataset.byUser.ratings[entry]))\t\(dataset.byUser.timestamps[entry])\n"
            }
        }
        var items = "id\ttitle\tyear\tgenres\n"
        for (index, item) in dataset.items.enumerated() {
            items +=
                "\(dataset.itemIDs[index])\t\(item.title)\t\(item.year.map(String.init) ?? "")\t\(item.genres.joined(separator: "|"))\n"
        }
        try write("data/interactions.tsv", interactions)
        try write("data/items.tsv", items)
        return """
            dataset:
              format: delimited
              interactions: {file: data/interactions.tsv, user: user, item: item, rating: rating, timestamp: timestamp}
              items: {file: data/items.tsv, item: id, title: title, year: year, genres: genres}
            """
    }
}
