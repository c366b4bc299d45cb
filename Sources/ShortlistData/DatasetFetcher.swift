import Foundation
public import ShortlistCore

/// The datasets `shortlist data fetch` and a pipelines file's `fetch:` know, by the name they
/// are given there.
public enum FetchableDataset: String, Sendable, CaseIterable {
    /// MovieLens-100K, as RecBole's atomic files.
    case movieLens100K = "movielens-100k"

    /// The stem of the RecBole files the dataset is stored as (`ml-100k`), so a folder of any
    /// name holding them is read.
    public var stem: String {
        switch self {
        case .movieLens100K: "ml-100k"
        }
    }

    /// The files a fetch writes.
    var files: [String] { ["inter", "item", "user"].map { "\(stem).\($0)" } }
}

/// Fetches public datasets into a data folder.
public enum DatasetFetcher {
    /// The pinned source of MovieLens-100K: RecBole's wheel ships it in its examples.
    static let recboleRequirement = "recbole==1.2.1"
    static let recboleSHA256 = "9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407"

    /// Whether `folder` already holds the dataset.
    public static func isPresent(_ dataset: FetchableDataset, in folder: String) -> Bool {
        dataset.files.allSatisfy { FileManager.default.fileExists(atPath: "\(folder)/\($0)") }
    }

    /// Fetches `dataset` into `folder` unless it is already there; returns whether it downloaded.
    ///
    /// MovieLens-100K comes from the `recbole` wheel (`pip download --no-deps`, sha256 checked),
    /// whose `.inter`, `.item` and `.user` files are extracted into `folder`. The files appear
    /// all at once: they are extracted into a hidden work folder inside it and renamed into
    /// place. Work folders of fetches that were killed are removed on the next fetch.
    @discardableResult
    public static func fetch(
        _ dataset: FetchableDataset, into folder: String, progress: ProgressReporter = .silent
    ) throws(DataError) -> Bool {
        guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw DataError(.fetchFailed, "the folder to fetch into has an empty path")
        }
        if isPresent(dataset, in: folder) { return false }
        if let problem = FileSystem.problemCreatingInside(folder) {
            throw DataError(.fetchFailed, "cannot fetch into \(folder): \(problem)")
        }
        let others = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            !$0.hasPrefix(".partial-") && !dataset.files.contains($0)
        }
        guard others.isEmpty else {
            throw DataError(
                .fetchFailed,
                "cannot fetch into \(folder): it holds other files "
                    + "(\(excerpt(others.sorted().joined(separator: ", "))));"
                    + " give the dataset a folder of its own")
        }
        // Everything is written inside the folder: a hidden work folder, then a rename.
        FileSystem.removeStale(in: folder, marker: ".partial-")
        let work = "\(folder)/.partial-\(ProcessInfo.processInfo.processIdentifier)"
        let fileManager = FileManager.default
        defer { try? fileManager.removeItem(atPath: work) }
        do {
            try fileManager.createDirectory(
                atPath: "\(work)/wheel", withIntermediateDirectories: true)
        } catch {
            throw DataError(.fetchFailed, "cannot create \(work): \(error.localizedDescription)")
        }
        let fallback =
            "Alternatively, download the GroupLens ml-100k archive yourself and point the "
            + "dataset at it: "
            + "'format: grouplens' and 'path:' the folder holding u.data, u.item and u.user."
        progress.report("downloading \(recboleRequirement) with pip", done: 0, total: 3)
        try run(
            [
                "python3", "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                "--quiet",
                recboleRequirement, "-d", "\(work)/wheel",
            ],
            failure: "pip could not download \(recboleRequirement)", hint: fallback
        )
        progress.report("checking the wheel's sha256", done: 1, total: 3)
        let script = """
            import hashlib, pathlib, sys, zipfile
            wheel = next(pathlib.Path(sys.argv[1]).glob("recbole-*.whl"))
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            if digest != sys.argv[2]:
                sys.exit(f"sha256 of {wheel.name} is {digest}, expected {sys.argv[2]}")
            with zipfile.ZipFile(wheel) as archive:
                for name in sys.argv[4:]:
                    data = archive.read("recbole/dataset_example/ml-100k/" + name)
                    pathlib.Path(sys.argv[3], name).write_bytes(data)
            """
        try run(
            ["python3", "-c", script, "\(work)/wheel", recboleSHA256, work] + dataset.files,
            failure: "the downloaded wheel failed its check", hint: fallback
        )
        progress.report("installing into \(folder)", done: 2, total: 3)
        do {
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for file in dataset.files {
                let target = "\(folder)/\(file)"
                if fileManager.fileExists(atPath: target) {
                    try fileManager.removeItem(atPath: target)
                }
                try fileManager.moveItem(atPath: "\(work)/\(file)", toPath: target)
            }
        } catch {
            throw DataError(
                .fetchFailed, "cannot move the files into \(folder): \(error.localizedDescription)")
        }
        progress.report("installed into \(folder)", done: 3, total: 3)
        return true
    }

    private static func run(_ arguments: [String], failure: String, hint: String) throws(DataError)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw DataError(
                .fetchFailed,
                "\(failure): cannot run python3 (\(error.localizedDescription)). \(hint)")
        }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: output, as: UTF8.self)
            let last =
                text.split(separator: "\n").last.map(String.init)
                ?? "exit status \(process.terminationStatus)"
            let reason = process.terminationStatus == 127 ? "python3 is not installed" : last
            throw DataError(.fetchFailed, "\(failure): \(reason). \(hint)")
        }
    }
}
