import Foundation
public import ShortlistCore
import ShortlistData

extension PipelinesFile {
    /// Reads and checks a pipelines file, building every plugin it names.
    ///
    /// Relative paths inside the file are resolved against the file's folder.
    public static func load(path: String, registry: PluginRegistry) throws(ConfigurationError)
        -> PipelinesFile
    {
        var status = stat()
        if stat(path, &status) != 0 {
            let loops = errno == ELOOP
            if lstat(path, &status) == 0 {
                throw ConfigurationError(
                    .unreadable, file: path,
                    message: loops
                        ? "the pipelines file is a symbolic link that loops"
                        : "the pipelines file is a symbolic link to nothing")
            }
        } else if status.st_mode & S_IFMT != S_IFREG {
            throw ConfigurationError(
                .unreadable, file: path,
                message: status.st_mode & S_IFMT == S_IFDIR
                    ? "the pipelines file is a folder, not a file"
                    : "the pipelines file is not a regular file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason =
                !FileManager.default.fileExists(atPath: path)
                ? "does not exist"
                : FileManager.default.isReadableFile(atPath: path)
                    ? "cannot be read" : "cannot be read (no permission)"
            throw ConfigurationError(
                .unreadable, file: path, message: "the pipelines file \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let place = firstInvalidUTF8(in: data)
            throw ConfigurationError(
                .unreadable, file: path, line: place?.line, column: place?.column,
                message: "the pipelines file is not UTF-8 text")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try parse(
            text, name: path, baseDirectory: folder.isEmpty ? "." : folder, registry: registry)
    }

    /// Checks pipelines-file text, building every plugin it names.
    public static func parse(
        _ text: String, name: String, baseDirectory: String, registry: PluginRegistry
    ) throws(ConfigurationError) -> PipelinesFile {
        let source = SourceFile(name: name, text: text)
        var reader = YAMLReader(source: source)
        guard let root = try reader.read(), !root.isNull else {
            throw source.error(
                .missingKey, at: nil,
                "the file is empty; it needs a 'dataset' and a 'pipelines' section")
        }
        do {
            return try FileReader(
                session: DecodingSession(source: source), base: baseDirectory, registry: registry
            ).read(root)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw source.error(.invalidValue, at: nil, "\(error)")
        }
    }
}

private struct FileReader {
    let session: DecodingSession
    let base: String
    let registry: PluginRegistry
    var source: SourceFile { session.source }

    func read(_ root: Node) throws -> PipelinesFile {
        let top = NodeDecoder(node: root, session: session, context: "the pipelines file")
        let keys = try top.container(keyedBy: NamedKey.self)
        let seed = try keys.decodeIfPresent(UInt64.self, forKey: "seed") ?? FileKeys.defaultSeed
        let store = try keys.decodeIfPresent(String.self, forKey: "feedback-store")
        if let store, !PostgresLocation.isURL(store) {
            let mark = try top.child(forKey: "feedback-store")?.node.mark ?? root.mark
            if store.trimmingCharacters(in: .whitespaces).isEmpty {
                throw source.error(.invalidValue, at: mark, "'feedback-store' is empty")
            }
            if let scheme = store.range(of: "://").map({ store[..<$0.lowerBound] }) {
                throw source.error(
                    .invalidValue, at: mark,
                    "'feedback-store' names a '\(excerpt(String(scheme)))' URL; a feedback store is "
                        + "a SQLite file's path or a postgres:// URL")
            }
        }
        var location = FeedbackStoreLocation.sqlite(
            path: resolve(store ?? FileKeys.defaultFeedbackStore))
        if let store, PostgresLocation.isURL(store) {
            do throws(PostgresLocation.Invalid) {
                location = .postgres(try PostgresLocation(url: store), url: store)
            } catch {
                throw source.error(
                    .invalidValue,
                    at: try top.child(forKey: "feedback-store")?.node.mark ?? root.mark,
                    error.message)
            }
        }
        let datasetNode = try top.child(forKey: "dataset")?.node
        let pipelinesNode = try top.child(forKey: "pipelines")?.node
        let eventsNode = try top.child(forKey: "events")?.node
        try session.checkEveryKeyRead()
        guard let datasetNode else {
            throw source.error(
                .missingKey, at: root.mark, "missing required key 'dataset' in the pipelines file")
        }
        guard let pipelinesNode else {
            throw source.error(
                .missingKey, at: root.mark, "missing required key 'pipelines' in the pipelines file"
            )
        }
        let dataset = try readDataset(datasetNode)
        let events = try eventsNode.map(readEvents)
        guard case .mapping(let pipelines) = pipelinesNode else {
            throw source.error(
                .typeMismatch, at: pipelinesNode.mark,
                "'pipelines' expects a mapping of pipeline names to pipelines, found "
                    + "\(pipelinesNode.foundDescription)"
            )
        }
        guard !pipelines.entries.isEmpty else {
            throw source.error(
                .missingKey, at: pipelinesNode.mark,
                "'pipelines' is empty; it needs at least one pipeline")
        }
        session.visit(pipelines, context: "'pipelines'")
        session.markAllRead(in: pipelines)
        try session.checkNoDuplicates(in: pipelines, noun: "pipeline name", context: "'pipelines'")
        for entry in pipelines.entries
        where entry.key.trimmingCharacters(in: .whitespaces).isEmpty {
            throw source.error(
                .invalidValue, at: entry.keyMark,
                "a pipeline needs a name that is not empty (--pipeline NAME and the server "
                    + "choose it by its name)")
        }
        let specs = try pipelines.entries.map {
            try readPipeline(name: $0.key, $0.value, seed: seed)
        }
        return PipelinesFile(
            path: source.name, seed: seed,
            feedbackStore: location, events: events,
            dataset: dataset, pipelines: specs)
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (base == "." ? path : "\(base)/\(path)")
    }

    private func readDataset(_ node: Node) throws -> DatasetSpec {
        let decoder = NodeDecoder(node: node, session: session, context: "'dataset'")
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let format = try keys.decodeIfPresent(DatasetFormat.self, forKey: "format") ?? .recbole
        let path = try keys.decodeIfPresent(String.self, forKey: "path")
        let name = try keys.decodeIfPresent(String.self, forKey: "name")
        let fetch = try keys.decodeIfPresent(String.self, forKey: "fetch")
        let skipMalformed = try keys.decodeIfPresent(Bool.self, forKey: "skip-malformed") ?? false
        let unit =
            try keys.decodeIfPresent(TimestampUnit.self, forKey: "timestamp-unit") ?? .seconds
        var read: [TableKind: TableSpec] = [:]
        for table in TableKind.allCases {
            guard let child = try decoder.child(forKey: table.rawValue) else { continue }
            read[table] = try readTable(child, table)
        }
        try session.checkEveryKeyRead()
        guard case .mapping(let mapping) = node else {
            throw decoder.typeError(expected: "a mapping")
        }
        let known = FetchableDataset.allCases.map(\.rawValue)
        if let fetch, FetchableDataset(rawValue: fetch) == nil {
            let message = suggesting(
                "'fetch' names an unknown dataset '\(excerpt(fetch))'; known: "
                    + "\(known.joined(separator: ", "))",
                for: fetch, in: known)
            throw source.error(.invalidValue, at: mapping.entry("fetch")?.value.mark, message)
        }
        if let path, path.trimmingCharacters(in: .whitespaces).isEmpty {
            throw source.error(
                .invalidValue, at: mapping.entry("path")?.value.mark, "'path' in 'dataset' is empty"
            )
        }
        if fetch != nil, format != .recbole {
            throw source.error(
                .invalidValue, at: mapping.entry("fetch")?.keyMark,
                "'fetch' gives RecBole files; it needs 'format: recbole', not \(format.rawValue)")
        }
        switch format {
        case .recbole, .grouplens:
            guard let path else {
                throw source.error(
                    .missingKey, at: mapping.mark,
                    "missing required key 'path' in 'dataset' (the folder holding the "
                        + "\(format.rawValue) files)"
                )
            }
            for table in TableKind.allCases where read[table] != nil {
                throw source.error(
                    .invalidValue, at: mapping.entry(table.rawValue)?.keyMark,
                    "'\(table.rawValue)' applies to the delimited format only; this dataset's format "
                        + "is \(format.rawValue)"
                )
            }
            return DatasetSpec(
                format: format, path: resolve(path), name: name,
                fetch: fetch.flatMap(FetchableDataset.init(rawValue:)),
                skipMalformed: skipMalformed, timestampUnit: unit)
        case .delimited:
            if path != nil {
                throw source.error(
                    .invalidValue, at: mapping.entry("path")?.keyMark,
                    "'path' applies to the recbole and grouplens formats; a delimited dataset "
                        + "names its files in 'interactions', 'items' and 'users'")
            }
            guard let interactions = read[.interactions] else {
                throw source.error(
                    .missingKey, at: mapping.mark,
                    "missing required key 'interactions' in 'dataset' (the delimited format "
                        + "needs an interactions file)"
                )
            }
            return DatasetSpec(
                format: format, path: resolve("."), name: name,
                fetch: fetch.flatMap(FetchableDataset.init(rawValue:)),
                skipMalformed: skipMalformed, timestampUnit: unit,
                interactions: interactions, items: read[.items], users: read[.users]
            )
        }
    }

    private func readEvents(_ node: Node) throws -> EventPolicy {
        let decoder = NodeDecoder(node: node, session: session, context: "'events'")
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let foldIn =
            try keys.decodeIfPresent(Int.self, forKey: "fold-in") ?? EventPolicy.defaultFoldIn
        let unknown = try keys.decodeIfPresent(String.self, forKey: "unknown-items")
        let itemFoldIn =
            try keys.decodeIfPresent(Int.self, forKey: "item-fold-in")
            ?? EventPolicy.defaultItemFoldIn
        let kindsNode = try decoder.child(forKey: "kinds")?.node
        let refreshNode = try decoder.child(forKey: "refresh")
        var refresh: EventPolicy.Refresh?
        if let refreshNode {
            let keys = try refreshNode.container(keyedBy: NamedKey.self)
            let every = try keys.decodeIfPresent(String.self, forKey: "every")
            let after = try keys.decodeIfPresent(Int.self, forKey: "after-events")
            try session.checkEveryKeyRead()
            guard case .mapping(let policy) = refreshNode.node else {
                throw refreshNode.typeError(expected: "a mapping")
            }
            guard every != nil || after != nil else {
                throw source.error(
                    .missingKey, at: policy.mark,
                    "'refresh' in 'events' needs 'every' (such as 1h) or 'after-events' (a "
                        + "count of new events), or both")
            }
            var seconds: Double?
            if let every {
                seconds = EventPolicy.seconds(inDuration: every)
                guard let value = seconds, value >= 1 else {
                    throw source.error(
                        .invalidValue, at: policy.entry("every")?.value.mark,
                        "'every' in 'refresh' is a duration of at least a second, such as 90s, "
                            + "30m, 1h or 1d, found '\(excerpt(every))'")
                }
            }
            if let after, after < 1 {
                throw source.error(
                    .invalidValue, at: policy.entry("after-events")?.value.mark,
                    "'after-events' in 'refresh' must be positive, found \(after)")
            }
            refresh = EventPolicy.Refresh(every: seconds, afterEvents: after)
        }
        try session.checkEveryKeyRead()
        guard case .mapping(let mapping) = node else {
            throw decoder.typeError(expected: "a mapping")
        }
        guard (1...EventPolicy.foldInLimit).contains(foldIn) else {
            throw source.error(
                .invalidValue, at: mapping.entry("fold-in")?.value.mark,
                "'fold-in' in 'events' must be from 1 to \(EventPolicy.foldInLimit) (a user's "
                    + "latest events a request reads), found \(foldIn)")
        }
        guard itemFoldIn >= 1 else {
            throw source.error(
                .invalidValue, at: mapping.entry("item-fold-in")?.value.mark,
                "'item-fold-in' in 'events' must be at least 1 (the interactions a new item needs "
                    + "before matrix factorisation folds it in), found \(itemFoldIn)")
        }
        var unknownItems = EventPolicy.UnknownItems.refuse
        if let unknown {
            let choices = EventPolicy.UnknownItems.allCases.map(\.rawValue)
            guard let policy = EventPolicy.UnknownItems(rawValue: unknown) else {
                throw source.error(
                    .invalidValue, at: mapping.entry("unknown-items")?.value.mark,
                    suggesting(
                        "'unknown-items' in 'events' is '\(excerpt(unknown))'", for: unknown,
                        in: choices, otherwise: "; it is one of \(choices.joined(separator: ", "))")
                )
            }
            unknownItems = policy
        }
        guard let kindsNode else {
            throw source.error(
                .missingKey, at: mapping.mark,
                "missing required key 'kinds' in 'events' (each kind of event and what it "
                    + "counts as, such as 'click: {weight: 1}')")
        }
        guard case .mapping(let kinds) = kindsNode, !kinds.entries.isEmpty else {
            throw source.error(
                .typeMismatch, at: kindsNode.mark,
                "'kinds' in 'events' expects a mapping of kind names to what each counts as, "
                    + "found \(kindsNode.foundDescription)")
        }
        session.visit(kinds, context: "'events.kinds'")
        session.markAllRead(in: kinds)
        try session.checkNoDuplicates(in: kinds, noun: "event kind", context: "'events.kinds'")
        return EventPolicy(
            kinds: try kinds.entries.map(readEventKind), foldIn: foldIn,
            unknownItems: unknownItems, itemFoldIn: itemFoldIn, refresh: refresh)
    }

    private func readEventKind(_ entry: Mapping.Entry) throws -> EventPolicy.Kind {
        let name = entry.key
        if name.isEmpty || name.contains(where: \.isWhitespace)
            || firstControlCharacter(in: name) != nil
        {
            throw source.error(
                .invalidValue, at: entry.keyMark,
                "an event kind's name is one word that events give as their 'kind', found "
                    + "'\(excerpt(name))'")
        }
        let context = "event kind '\(excerpt(name))'"
        let decoder = NodeDecoder(node: entry.value, session: session, context: context)
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let value = try keys.decodeIfPresent(String.self, forKey: "value")
        let weight = try keys.decodeIfPresent(Double.self, forKey: "weight")
        try session.checkEveryKeyRead()
        guard case .mapping(let mapping) = entry.value else {
            throw decoder.typeError(expected: "a mapping")
        }
        switch (value, weight) {
        case (nil, nil):
            throw source.error(
                .missingKey, at: mapping.mark,
                "\(context) needs 'weight: W' (it counts as W times the data's strongest "
                    + "interaction; negative for negative feedback) or 'value: rating' (the "
                    + "event's value is the rating)")
        case (.some, .some):
            throw source.error(
                .invalidValue, at: mapping.entry("value")?.keyMark,
                "\(context) takes 'weight' or 'value', not both")
        case (let value?, nil):
            guard value == "rating" else {
                throw source.error(
                    .invalidValue, at: mapping.entry("value")?.value.mark,
                    "'value' of \(context) can only be 'rating' (the event's value is the "
                        + "rating), found '\(excerpt(value))'")
            }
            return EventPolicy.Kind(name, .rating)
        case (nil, let weight?):
            guard weight.isFinite, weight != 0, abs(weight) <= EventPolicy.weightMagnitude else {
                throw source.error(
                    .invalidValue, at: mapping.entry("weight")?.value.mark,
                    "'weight' of \(context) must be a number other than 0 within "
                        + "±\(plainNumber(EventPolicy.weightMagnitude)) (negative for negative "
                        + "feedback), found \(plainNumber(weight))")
            }
            return EventPolicy.Kind(name, .weight(weight))
        }
    }

    private func readTable(_ decoder: NodeDecoder, _ table: TableKind) throws -> TableSpec {
        let (required, optional) = (table.requiredRoles, table.optionalRoles)
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let file = try keys.decode(String.self, forKey: "file")
        if file.trimmingCharacters(in: .whitespaces).isEmpty {
            throw source.error(
                .invalidValue, at: try decoder.child(forKey: "file")?.node.mark,
                "'file' in \(decoder.context) is empty")
        }
        var columns: [ColumnRole: String] = [:]
        for role in required {
            columns[role] = try keys.decode(
                String.self, forKey: NamedKey(stringValue: role.rawValue))
        }
        for role in optional {
            if let column = try keys.decodeIfPresent(
                String.self, forKey: NamedKey(stringValue: role.rawValue))
            {
                columns[role] = column
            }
        }
        let delimiter = try keys.decodeIfPresent(String.self, forKey: "delimiter")
        let separator =
            optional.contains(.genres)
            ? try keys.decodeIfPresent(String.self, forKey: "genre-separator") : nil
        for (key, value) in [("delimiter", delimiter), ("genre-separator", separator)] {
            if let value, value.count != 1 || value == "\"" || value.first?.isNewline == true {
                let mark = try decoder.child(forKey: key)?.node.mark
                throw source.error(
                    .invalidValue, at: mark,
                    "'\(key)' in \(decoder.context) must be one character other than '\"' "
                        + "or a line end, found '\(excerpt(value.debugDescription.dropFirst().dropLast().description))'"
                )
            }
        }
        // Each role reads a column of its own: one column for two roles (users recommended
        // as items) is a mistake in the file, not in the data.
        for role in required + optional {
            guard let column = columns[role],
                let first = (required + optional).first(where: { columns[$0] == column }),
                first != role
            else { continue }
            let mark = try decoder.child(forKey: role.rawValue)?.node.mark
            throw source.error(
                .invalidValue, at: mark,
                "'\(role.rawValue)' in \(decoder.context) names column '\(excerpt(column))', "
                    + "which '\(first.rawValue)' names too; each role needs a column of its own")
        }
        let defaultDelimiter: Character =
            file.hasSuffix(".tsv") || file.hasSuffix(".tab") ? "\t" : ","
        return TableSpec(
            file: resolve(file), delimiter: delimiter?.first ?? defaultDelimiter, columns: columns,
            genreSeparator: separator?.first ?? "|"
        )
    }

    private func readPipeline(name: String, _ node: Node, seed: UInt64) throws -> PipelineSpec {
        let context = "pipeline '\(name)'"
        let decoder = NodeDecoder(node: node, session: session, context: context)
        let keys = try decoder.container(keyedBy: NamedKey.self)
        _ = try keys.decodeIfPresent(String.self, forKey: "description")
        let resultCount =
            try keys.decodeIfPresent(Int.self, forKey: "n") ?? FileKeys.defaultResultCount
        let exposures = try keys.decodeIfPresent(Double.self, forKey: "exposures") ?? 0
        let candidates = try decoder.child(forKey: "candidates")?.node
        let rankerNode = try decoder.child(forKey: "ranker")?.node
        let rerankNode = try decoder.child(forKey: "rerank")?.node
        guard case .mapping(let mapping) = node else {
            throw decoder.typeError(expected: "a mapping")
        }
        let filters: FilterSpec
        do {
            filters =
                try keys.decodeIfPresent(DecodedParameters<FilterSpec>.self, forKey: "filters")?
                .value ?? FilterSpec()
        } catch let error as ParameterError {
            throw source.error(
                .invalidValue,
                at: mark(of: ["filters"] + error.keyPath, in: node, key: error.isAboutKey),
                error.message)
        }
        try session.checkEveryKeyRead()
        if resultCount <= 0 {
            throw source.error(
                .invalidValue, at: mapping.entry("n")?.value.mark,
                "'n' in \(context) must be positive, found \(resultCount)")
        }
        guard (0...1).contains(exposures) else {
            throw source.error(
                .invalidValue, at: mapping.entry("exposures")?.value.mark,
                "'exposures' in \(context) is the share of responses logged, from 0 to 1, found "
                    + plainNumber(exposures))
        }
        guard let candidates else {
            throw source.error(
                .missingKey, at: mapping.mark,
                "\(context) has no candidate generator; add a 'candidates' list")
        }
        guard case .sequence(let stages, let stagesMark) = candidates else {
            throw source.error(
                .typeMismatch, at: candidates.mark,
                "'candidates' in \(context) expects a list of stages, found "
                    + "\(candidates.foundDescription)"
            )
        }
        guard !stages.isEmpty else {
            throw source.error(
                .missingKey, at: stagesMark,
                "\(context) has no candidate generator; 'candidates' is empty")
        }
        var generators: [GeneratorStage] = []
        var firstLine: [String: Int] = [:]
        for stage in stages {
            let built = try readStage(stage, pipeline: name, seed: seed)
            if let line = firstLine[built.name] {
                throw source.error(
                    .duplicate, at: nameMark(of: stage),
                    "duplicate stage name '\(excerpt(built.name))' in \(context) (first at "
                        + "line \(line))"
                )
            }
            firstLine[built.name] = nameMark(of: stage)?.line ?? 0
            generators.append(built)
        }
        guard let rankerNode else {
            throw source.error(
                .missingKey, at: mapping.mark, "missing required key 'ranker' in \(context)")
        }
        let ranker = try readRanker(
            rankerNode, pipeline: name, sources: generators.map(\.name), seed: seed)
        var rerank: RerankSpec?
        if let rerankNode {
            if registry[ranker.ranker.type]?.isBandit ?? false {
                throw source.error(
                    .invalidValue, at: mapping.entry("rerank")?.keyMark,
                    "\(context) blends arms with a bandit, whose logged propensities are those "
                        + "of its own order; a 'rerank' section would show another")
            }
            rerank = try readRerank(
                rerankNode, pipeline: name, sources: generators.map(\.name), seed: seed)
        }
        return PipelineSpec(
            name: name, resultCount: resultCount, generators: generators,
            filters: filters, ranker: ranker, rerank: rerank, locate: locator(for: node),
            exposures: exposures
        )
    }

    /// A pipeline's `rerank:`: `{window: N, steps: [{type: …}, …]}`, at least one step.
    private func readRerank(_ node: Node, pipeline: String, sources: [String], seed: UInt64)
        throws -> RerankSpec
    {
        let context = "the rerank section of pipeline '\(pipeline)'"
        let decoder = NodeDecoder(node: node, session: session, context: context)
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let window = try keys.decodeIfPresent(Int.self, forKey: "window")
        let stepsNode = try decoder.child(forKey: "steps")?.node
        guard case .mapping(let mapping) = node else {
            throw decoder.typeError(expected: "a mapping")
        }
        try session.checkEveryKeyRead()
        if let window, window <= 0 {
            throw source.error(
                .invalidValue, at: mapping.entry("window")?.value.mark,
                "'window' in \(context) must be positive, found \(window)")
        }
        guard let stepsNode else {
            throw source.error(
                .missingKey, at: mapping.mark, "missing required key 'steps' in \(context)")
        }
        guard case .sequence(let nodes, _) = stepsNode else {
            throw source.error(
                .typeMismatch, at: stepsNode.mark,
                "'steps' in \(context) expects a list of steps ({type: …}), found "
                    + stepsNode.foundDescription)
        }
        guard !nodes.isEmpty else {
            throw source.error(
                .missingKey, at: stepsNode.mark,
                "'steps' in \(context) is empty; give at least one step, or remove the section")
        }
        var steps: [RerankStage] = []
        for stepNode in nodes {
            let stepDecoder = NodeDecoder(
                node: stepNode, session: session, context: "a step of \(context)")
            let stepKeys = try stepDecoder.container(keyedBy: NamedKey.self)
            let type = try stepKeys.decode(String.self, forKey: "type")
            guard case .mapping(let stepMapping) = stepNode,
                let typeEntry = stepMapping.entry("type")
            else {
                throw stepDecoder.typeError(expected: "a mapping")
            }
            let entry = try plugin(type, kind: .rerankStep, at: typeEntry.value.mark)
            guard case .rerankStep(let build) = entry.builder else {
                throw wrongKind(entry, .rerankStep, at: typeEntry.value.mark)
            }
            let paramsDecoder = NodeDecoder(
                node: stepNode, session: session, context: "'\(type)'", reservedKeys: ["type"])
            let step = try building(stepNode) {
                try build(
                    paramsDecoder,
                    BuildContext(stageName: pipeline, sourceNames: sources, seed: seed))
            }
            steps.append(RerankStage(step: step, locate: locator(for: stepNode)))
        }
        return RerankSpec(window: window, steps: steps)
    }

    private func nameMark(of stage: Node) -> Mark? {
        guard case .mapping(let mapping) = stage else { return nil }
        return mapping.entry("name")?.value.mark
    }

    private func readStage(_ node: Node, pipeline: String, seed: UInt64) throws -> GeneratorStage {
        let context = "a candidate stage of pipeline '\(pipeline)'"
        let decoder = NodeDecoder(node: node, session: session, context: context)
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let name = try keys.decode(String.self, forKey: "name")
        let type = try keys.decode(String.self, forKey: "type")
        let limit = try keys.decodeIfPresent(Int.self, forKey: "limit") ?? FileKeys.defaultLimit
        guard case .mapping(let mapping) = node, let typeEntry = mapping.entry("type") else {
            throw decoder.typeError(expected: "a mapping")
        }
        if limit <= 0 {
            throw source.error(
                .invalidValue, at: mapping.entry("limit")?.value.mark,
                "'limit' of stage '\(name)' must be positive, found \(limit)")
        }
        if name.trimmingCharacters(in: .whitespaces).isEmpty || name == "ranker" {
            throw source.error(
                .invalidValue, at: mapping.entry("name")?.value.mark,
                "a candidate stage needs a name other than '\(name)' (it names the stage in "
                    + "weights, logs and explanations, and 'ranker' is the ranking stage's)")
        }
        let entry = try plugin(type, kind: .generator, at: typeEntry.value.mark)
        guard case .generator(let build) = entry.builder else {
            throw wrongKind(entry, .generator, at: typeEntry.value.mark)
        }
        let paramsDecoder = NodeDecoder(
            node: node, session: session, context: "'\(type)'",
            reservedKeys: ["name", "type", "limit"])
        let built = try building(node) {
            try build(paramsDecoder, BuildContext(stageName: name, sourceNames: [], seed: seed))
        }
        return GeneratorStage(
            name: name, limit: limit, generator: built, locate: locator(for: node))
    }

    /// Places a plugin's parameter problems under `node` in the file.
    private func locator(for node: Node) -> @Sendable (ParameterError) -> ConfigurationError {
        let source = self.source
        return { error in
            source.error(
                .invalidValue, at: mark(of: error.keyPath, in: node, key: error.isAboutKey),
                error.message)
        }
    }

    private func readRanker(_ node: Node, pipeline: String, sources: [String], seed: UInt64) throws
        -> RankerStage
    {
        let decoder = NodeDecoder(
            node: node, session: session, context: "the ranker of pipeline '\(pipeline)'")
        let keys = try decoder.container(keyedBy: NamedKey.self)
        let type = try keys.decode(String.self, forKey: "type")
        guard case .mapping(let mapping) = node, let typeEntry = mapping.entry("type") else {
            throw decoder.typeError(expected: "a mapping")
        }
        let entry = try plugin(type, kind: .ranker, at: typeEntry.value.mark)
        guard case .ranker(let build) = entry.builder else {
            throw wrongKind(entry, .ranker, at: typeEntry.value.mark)
        }
        var arms: [ArmReference] = []
        var armNodes: [Int: Node] = [:]
        if entry.isBandit {
            (arms, armNodes) = try readArms(mapping, of: node, pipeline: pipeline, sources: sources)
        }
        let paramsDecoder = NodeDecoder(
            node: node, session: session, context: "'\(type)'",
            reservedKeys: entry.isBandit ? ["type", "arms"] : ["type"])
        let ranker = try building(node) {
            try build(
                paramsDecoder,
                BuildContext(stageName: pipeline, sourceNames: sources, seed: seed, arms: arms))
        }
        // Arms that are rankers are built after their bandit, whose keys are checked first.
        var armRankers: [Int: RankerStage] = [:]
        for (index, armNode) in armNodes.sorted(by: { $0.key < $1.key }) {
            let stage = try readRanker(armNode, pipeline: pipeline, sources: sources, seed: seed)
            guard !(registry[stage.ranker.type]?.isBandit ?? false) else {
                throw source.error(
                    .invalidValue, at: armNode.mark,
                    "arm '\(excerpt(arms[index].name))' of the ranker of pipeline '\(pipeline)' "
                        + "is a \(stage.ranker.type) itself; an arm's ranker cannot blend arms")
            }
            armRankers[index] = stage
        }
        return RankerStage(
            ranker: ranker, locate: locator(for: node), armRankers: armRankers,
            arms: arms.map(\.name))
    }

    /// A bandit's `arms:`: a list of candidate stage names and `{name: NAME, ranker: {…}}`
    /// mappings, at least two, names unique; returns the arms and, for ranker arms, the node
    /// of their ranker.
    private func readArms(
        _ mapping: Mapping, of node: Node, pipeline: String, sources: [String]
    ) throws -> ([ArmReference], [Int: Node]) {
        let context = "the ranker of pipeline '\(pipeline)'"
        guard let entry = mapping.entry("arms") else {
            throw source.error(
                .missingKey, at: node.mark,
                "missing required key 'arms' in \(context): a list of candidate stage names "
                    + "and {name: NAME, ranker: {type: …}} arms")
        }
        guard case .sequence(let items, let mark) = entry.value, items.count >= 2 else {
            var found = entry.value.foundDescription
            if case .sequence(let items, _) = entry.value {
                found = "\(items.count) arm\(items.count == 1 ? "" : "s")"
            }
            throw source.error(
                .typeMismatch, at: entry.value.mark,
                "'arms' expects a list of at least two arms (candidate stage names or "
                    + "{name: NAME, ranker: {type: …}}), found \(found)")
        }
        var arms: [ArmReference] = []
        var rankers: [Int: Node] = [:]
        for item in items {
            switch item {
            case .scalar(let scalar):
                guard let index = sources.firstIndex(of: scalar.value) else {
                    let message = suggesting(
                        "arm '\(excerpt(scalar.value))' is not a candidate stage of pipeline "
                            + "'\(pipeline)'", for: scalar.value, in: sources,
                        otherwise: "; its stages are \(sources.joined(separator: ", "))")
                    throw source.error(.invalidValue, at: scalar.mark, message)
                }
                arms.append(ArmReference(name: scalar.value, source: index))
            case .mapping:
                let decoder = NodeDecoder(
                    node: item, session: session, context: "an arm of \(context)")
                let keys = try decoder.container(keyedBy: NamedKey.self)
                let name = try keys.decode(String.self, forKey: "name")
                if name.trimmingCharacters(in: .whitespaces).isEmpty || name == "ranker" {
                    throw source.error(
                        .invalidValue, at: try decoder.child(forKey: "name")?.node.mark,
                        "an arm needs a name other than '\(name)' (it names the arm in reports "
                            + "and explanations, and 'ranker' is the ranking stage's)")
                }
                guard let rankerNode = try decoder.child(forKey: "ranker")?.node else {
                    throw source.error(
                        .missingKey, at: item.mark,
                        "missing required key 'ranker' in arm '\(excerpt(name))' of \(context)")
                }
                rankers[arms.count] = rankerNode
                arms.append(ArmReference(name: name, source: nil))
            case .sequence:
                throw source.error(
                    .typeMismatch, at: item.mark,
                    "an arm is a candidate stage name or {name: NAME, ranker: {type: …}}, "
                        + "found a list")
            }
        }
        var seen = Set<String>()
        for arm in arms where !seen.insert(arm.name).inserted {
            throw source.error(
                .duplicate, at: mark, "arm '\(excerpt(arm.name))' is listed twice in \(context)")
        }
        return (arms, rankers)
    }

    private func wrongKind(_ entry: PluginEntry, _ kind: PluginKind, at mark: Mark)
        -> ConfigurationError
    {
        source.error(
            .unknownType, at: mark,
            "'\(entry.type)' is a \(entry.kind.rawValue), not a \(kind.rawValue)")
    }

    private func plugin(_ type: String, kind: PluginKind, at mark: Mark) throws -> PluginEntry {
        if let entry = registry[type] { return entry }
        let known = registry.types(of: kind)
        let message = suggesting(
            "unknown \(kind.rawValue) type '\(excerpt(type))'", for: type, in: known,
            otherwise: "; known: \(known.joined(separator: ", "))")
        throw source.error(.unknownType, at: mark, message)
    }

    /// Runs a plugin's build, then rejects unread keys and places its parameter errors.
    private func building<T>(_ node: Node, _ build: () throws -> T) throws -> T {
        do {
            let built = try build()
            try session.checkEveryKeyRead()
            return built
        } catch let error as ParameterError {
            try session.checkEveryKeyRead()
            throw source.error(
                .invalidValue, at: mark(of: error.keyPath, in: node, key: error.isAboutKey),
                error.message)
        }
    }
}

/// Where `keyPath` leads from `node`: the last key's mark when `key` is set, else its value's.
private func mark(of keyPath: [String], in node: Node, key: Bool) -> Mark {
    var current = node
    var mark = node.mark
    for key in keyPath {
        switch current {
        case .mapping(let mapping):
            guard let entry = mapping.entry(key) else { return mark }
            mark = entry.keyMark
            current = entry.value
        case .sequence(let items, _):
            guard let index = Int(key), items.indices.contains(index) else { return mark }
            current = items[index]
            mark = current.mark
        case .scalar:
            return mark
        }
    }
    if !key, case .scalar(let scalar) = current { return scalar.mark }
    return mark
}
