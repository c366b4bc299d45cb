import Foundation

/// File-system checks shared by the loaders, the fetcher and the artifact store.
enum FileSystem {
    /// Why `path` cannot be read as a file, as a predicate of "the file" (`does not exist`,
    /// `is a folder, not a file`, …), or nil when it can be read.
    static func problemReading(_ path: String) -> String? {
        if path.isEmpty { return "has an empty path" }
        var status = stat()
        if stat(path, &status) != 0, errno == ELOOP { return "is a symbolic link that loops" }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { return "is a folder, not a file" }
            return FileManager.default.isReadableFile(atPath: path)
                ? nil : "cannot be read (no permission)"
        }
        let folder = (path as NSString).deletingLastPathComponent
        return problemCreatingInside(folder).map { "cannot exist: \($0)" } ?? "does not exist"
    }

    /// Why nothing can be created inside `folder` because it or a folder above it is a file, or
    /// a symbolic link that loops or leads nowhere; nil otherwise.
    static func problemCreatingInside(_ folder: String) -> String? {
        var ancestor = folder
        while !ancestor.isEmpty, ancestor != "/" {
            var entry = stat()
            if lstat(ancestor, &entry) == 0 {
                var target = stat()
                guard stat(ancestor, &target) == 0 else {
                    return errno == ELOOP
                        ? "\(ancestor) is a symbolic link that loops"
                        : "\(ancestor) is a symbolic link to nothing (\(OutputFile.systemReason()))"
                }
                return target.st_mode & S_IFMT == S_IFDIR
                    ? nil : "\(ancestor) is a file, so nothing can be inside it"
            }
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// Removes `folder`'s entries named `PREFIX…-PID…` (temporary files and folders of an
    /// interrupted write) whose process is no longer running. `marker` is the text before the
    /// process id, e.g. `.tmp-`; what follows the id starts with `-` or ends the name.
    static func removeStale(in folder: String, marker: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            return
        }
        for name in names {
            guard let range = name.range(of: marker) else { continue }
            let digits = name[range.upperBound...].prefix { $0.isNumber }
            guard let pid = Int32(digits), pid > 0, !isRunning(pid) else { continue }
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name)")
        }
    }

    /// Whether a process with this id exists.
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
