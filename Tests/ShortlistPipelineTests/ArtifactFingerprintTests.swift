import BuiltInPlugins
import Foundation
import ShortlistCore
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// What every plugin's fit writes on a planted fixture, fingerprinted (FNV-1a of the artifact's
/// payload) next to the model format version it was written under.
///
/// An artifact is reused whenever its key matches, and the key holds the format version but
/// not the code: a change to what a fit writes that keeps the format version would be served
/// from stale artifacts. This table makes that change fail here instead. A learned ranker's
/// bytes also change when a candidate stage's model does (it trains on their pools); its key
/// holds the stages' keys, so then only its fingerprint is updated.
private let recorded: [String: (type: String, formatVersion: Int, fingerprint: String)] = [
    "ab/ranker": ("bandit", 1, "802570863ede427b"),
    "blend/ranker": ("weighted-average", 1, "78045c049412d061"),
    "learned/als": ("matrix-factorization", 1, "e8e3760a6a4e3ee0"),
    "learned/content": ("tfidf", 3, "6f85bf489a676983"),
    "learned/popular": ("weighted-rating", 2, "01d21c98f55a74b2"),
    "learned/ranker": ("wide-and-deep", 1, "f1b788e5811d8014"),
    "learned/svd": ("matrix-factorization", 1, "23998d47673f647f"),
    "learned/triplet": ("triplet-embedding", 3, "46390387b0fc0386"),
]

@Suite struct ArtifactFingerprintTests {
    static let pipelines = """
        pipelines:
          learned:
            candidates:
              - {name: popular, type: weighted-rating, limit: 30}
              - {name: als, type: matrix-factorization, limit: 30, factors: 8, epochs: 3}
              - {name: svd, type: matrix-factorization, limit: 30, objective: explicit, factors: 8, epochs: 3}
              - {name: content, type: tfidf, limit: 30}
              - {name: triplet, type: triplet-embedding, limit: 30, dimensions: 8, epochs: 2}
            ranker: {type: wide-and-deep, epochs: 2, hidden: [8], threads: 2}
          blend:
            candidates:
              - {name: popular, type: weighted-rating, limit: 30}
              - {name: als, type: matrix-factorization, limit: 30, factors: 8, epochs: 3}
            ranker: {type: weighted-average, learn: true}
          ab:
            candidates:
              - {name: popular, type: weighted-rating, limit: 30}
              - {name: als, type: matrix-factorization, limit: 30, factors: 8, epochs: 3}
            ranker: {type: bandit, arms: [popular, als]}
        """

    @Test func everyPluginWritesTheBytesRecordedForItsFormatVersion() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: registry)
        let dataset = try workspace.loadDataset()
        var versions: [String: Int] = [:]
        for spec in workspace.file.pipelines {
            _ = try workspace.prepare(pipeline: spec.name, dataset: dataset)
            for stage in spec.generators {
                versions[stage.generator.type] = stage.generator.formatVersion
            }
            versions[spec.ranker.ranker.type] = spec.ranker.ranker.formatVersion
        }
        var found: [String: (type: String, formatVersion: Int, fingerprint: String)] = [:]
        // Each serving stage once: the learned pipeline's stages, the other two's rankers.
        for plan in try workspace.plans(on: dataset) {
            for planned in plan.artifacts
            where planned.input == .allData
                && (plan.pipeline == "learned" || planned.role == .ranker)
            {
                let name = "\(plan.pipeline)/\(planned.stage)"
                found[name] = (
                    planned.id.type, versions[planned.id.type] ?? 0,
                    try payloadFingerprint(workspace.artifacts.path(of: planned.id))
                )
            }
        }
        // Re-rank steps fit nothing and write no artifact.
        #expect(
            Set(found.values.map(\.type))
                == Set(builtInPlugins.entries.filter { $0.kind != .rerankStep }.map(\.type)))
        for (name, now) in found.sorted(by: { $0.key < $1.key }) {
            let record =
                "\"\(name)\": (\"\(now.type)\", \(now.formatVersion), \"\(now.fingerprint)\"),"
            guard let then = recorded[name] else {
                Issue.record(
                    Comment(rawValue: "no fingerprint recorded for \(name); add \(record)"))
                continue
            }
            if then.formatVersion == now.formatVersion {
                #expect(
                    then.fingerprint == now.fingerprint,
                    Comment(
                        rawValue: "\(name): \(now.type) writes other bytes under format version "
                            + "\(now.formatVersion): bump formatVersion and update the "
                            + "fingerprint (\(record))"))
            } else {
                Issue.record(
                    Comment(
                        rawValue: "\(name): \(now.type) is at format version "
                            + "\(now.formatVersion), its fingerprint was recorded for "
                            + "\(then.formatVersion): update it (\(record))"))
            }
        }
    }

    /// The checksum an artifact's header holds: FNV-1a of its payload, as 16 hex digits.
    private func payloadFingerprint(_ path: String) throws -> String {
        let data = try #require(FileManager.default.contents(atPath: path), "\(path)")
        var header = ArtifactReader(bytes: Array(data.dropFirst(4)))
        _ = try header.readInt()
        _ = try header.readString()
        _ = try header.readInt()
        _ = try header.readString()
        _ = try header.readInt()
        let checksum = UInt64(bitPattern: Int64(try header.readInt()))
        let hex = String(checksum, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// A learned ranker's artifact is keyed on everything that shapes the pools it learns from.
@Suite struct RankerKeyTests {
    func pipelines(limit: Int = 30, filters: String = "", holdout: Double = 0.2) -> String {
        """
        pipelines:
          learned:
            candidates:
              - {name: popular, type: weighted-rating, limit: \(limit)}
              - {name: together, type: item-cooccurrence, limit: 30}
            \(filters.isEmpty ? "" : "filters: {\(filters)}")
            ranker: {type: weighted-average, learn: true, holdout: \(holdout)}
        """
    }

    /// The ranker's planned key for `pipelines`.
    func rankerKey(_ pipelines: String) throws -> String {
        let fixture = try Fixture(pipelines: pipelines)
        let workspace = try Workspace(
            path: "\(fixture.folder.path)/pipelines.yaml", registry: registry)
        let plan = try workspace.plan(
            try #require(workspace.file.pipelines.first), on: try workspace.loadDataset())
        return plan.ranker.id.key
    }

    @Test func aLearnedRankersKeyChangesWithEachLimitFilterAndTheHoldout() throws {
        let base = try rankerKey(pipelines())
        #expect(try rankerKey(pipelines()) == base)
        let variants = [
            pipelines(limit: 45), pipelines(filters: "min-interactions: 5"),
            pipelines(filters: "exclude: [i3]"), pipelines(filters: "exclude-seen: false"),
            pipelines(holdout: 0.3),
        ]
        let keys = try variants.map(rankerKey)
        #expect(Set(keys + [base]).count == variants.count + 1, "\(keys)")
    }

    @Test func changingAGeneratorsLimitRefitsTheLearnedRanker() throws {
        let fixture = try Fixture(pipelines: pipelines())
        _ = try fixture.prepare()
        _ = fixture.log()
        try fixture.folder.write(
            "pipelines.yaml",
            try fixture.folder.writeDelimited(fixture.planted.dataset) + "\n"
                + pipelines(limit: 45))
        _ = try fixture.prepare()
        let log = fixture.log()
        #expect(
            log.contains { $0.hasPrefix("stage 'ranker' (weighted-average): fitted in") }, "\(log)")
        #expect(log.contains { $0.hasPrefix("stage 'popular' (weighted-rating): reused artifact") })
    }
}
