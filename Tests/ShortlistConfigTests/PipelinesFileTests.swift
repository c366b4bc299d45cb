import BuiltInPlugins
import Foundation
import ShortlistConfig
import ShortlistData
import Testing

@Suite struct PipelinesFileTests {
    @Test func anchorsAliasesAndMergeKeysAreResolved() throws {
        let text = """
            dataset: {format: recbole, path: data/ml-100k}
            pipelines:
              default:
                n: 5
                candidates:
                  - &base {name: popular, type: weighted-rating, limit: 30}
                  - <<: *base
                    name: recent
                    limit: 7
                    half-life-days: 10
                filters: {exclude-seen: false, exclude: ["1", "2"], min-interactions: 3}
                ranker: {type: weighted-average, weights: {recent: 0.5}}
              other:
                candidates: [*base]
                ranker: {type: weighted-average}
            """
        let file = try PipelinesFile.parse(
            text, name: "p.yaml", baseDirectory: "/srv", registry: builtInPlugins)
        let pipeline = try #require(file.pipeline(named: "default"))
        #expect(pipeline.resultCount == 5)
        #expect(pipeline.generators.map(\.name) == ["popular", "recent"])
        #expect(pipeline.generators.map(\.limit) == [30, 7])
        #expect(pipeline.generators[1].generator.configuration.contains("\"half-life-days\":10"))
        #expect(
            pipeline.filters
                == FilterSpec(excludeSeen: false, excludedItems: ["1", "2"], minInteractions: 3))
        #expect(file.pipeline(named: "other")?.generators.map(\.name) == ["popular"])
        #expect(file.dataset.path == "/srv/data/ml-100k")
        #expect(file.seed == 42)
        #expect(file.feedbackStore == .sqlite(path: "/srv/.shortlist/feedback.sqlite"))
    }

    @Test func theFeedbackStoreIsResolvedFromTheFilesFolder() throws {
        let text = """
            feedback-store: state/feedback.sqlite
            dataset: {format: recbole, path: data/ml-100k}
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """
        let relative = try PipelinesFile.parse(
            text, name: "p.yaml", baseDirectory: "/srv", registry: builtInPlugins)
        #expect(relative.feedbackStore == .sqlite(path: "/srv/state/feedback.sqlite"))
        let absolute = try PipelinesFile.parse(
            text.replacingOccurrences(of: "state/feedback", with: "/var/lib/feedback"),
            name: "p.yaml", baseDirectory: "/srv", registry: builtInPlugins)
        #expect(absolute.feedbackStore == .sqlite(path: "/var/lib/feedback.sqlite"))
    }

    @Test func aPostgresFeedbackStoreIsKeptAsItsURLAndABadOneIsALocatedError() throws {
        let text = """
            feedback-store: postgres://app:pw@db.internal:6432/shortlist?schema=prod
            dataset: {format: recbole, path: data/ml-100k}
            pipelines:
              default:
                candidates: [{name: popular, type: weighted-rating}]
                ranker: {type: weighted-average}
            """
        let file = try PipelinesFile.parse(
            text, name: "p.yaml", baseDirectory: "/srv", registry: builtInPlugins)
        let url = "postgres://app:pw@db.internal:6432/shortlist?schema=prod"
        guard case .postgres(let place, url: let kept) = file.feedbackStore else {
            Issue.record("a postgres:// store was read as \(file.feedbackStore)")
            return
        }
        #expect(kept == url)
        #expect(
            [place.user, place.password, place.host, place.database, place.schema] == [
                "app", "pw", "db.internal", "shortlist", "prod",
            ])
        #expect(place.port == 6432 && !place.requiresTLS)
        #expect(
            file.feedbackStore.description
                == "postgres://app:***@db.internal:6432/shortlist?schema=prod")
        do {
            _ = try PipelinesFile.parse(
                text.replacingOccurrences(of: "schema=prod", with: "sslmode=on"), name: "p.yaml",
                baseDirectory: "/srv", registry: builtInPlugins)
            Issue.record("a bad sslmode was read")
        } catch {
            #expect(
                "\(error)".hasPrefix(
                    "p.yaml:1:17: error: the PostgreSQL URL's sslmode 'on' must be disable or "
                        + "require"))
        }
        // A URL missing its // is a malformed URL, not a file named 'postgres:'.
        do {
            _ = try PipelinesFile.parse(
                text.replacingOccurrences(
                    of: "postgres://app:pw@db.internal:6432/shortlist?schema=prod",
                    with: "postgres:/shortlist"),
                name: "p.yaml", baseDirectory: "/srv", registry: builtInPlugins)
            Issue.record("postgres:/shortlist was read as a file")
        } catch {
            #expect(
                "\(error)".hasPrefix("p.yaml:1:17: error: the PostgreSQL URL names no user"),
                "\(error)")
        }
    }

    @Test func theShippedPipelinesFileIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let file = try PipelinesFile.load(
            path: root.appendingPathComponent("pipelines.yaml").path, registry: builtInPlugins)
        #expect(file.dataset.fetch == .movieLens100K)
        #expect(!file.pipelines.isEmpty)
        let bench = try PipelinesFile.load(
            path: root.appendingPathComponent("bench/peers/shortlist.yaml").path,
            registry: builtInPlugins)
        #expect(bench.pipelines.first?.generators.count == 5)
    }

    @Test func delimitedDatasetSection() throws {
        let text = """
            dataset:
              format: delimited
              interactions: {file: r.csv, user: uid, item: iid, rating: stars}
              items: {file: /abs/i.tsv, item: iid, genres: tags, genre-separator: ";"}
            pipelines:
              default:
                candidates: [{name: p, type: weighted-rating}]
                ranker: {type: weighted-average}
            """
        let file = try PipelinesFile.parse(
            text, name: "p.yaml", baseDirectory: "base", registry: builtInPlugins)
        #expect(
            file.dataset.interactions
                == TableSpec(
                    file: "base/r.csv", delimiter: ",",
                    columns: [.user: "uid", .item: "iid", .rating: "stars"], genreSeparator: "|")
        )
        #expect(
            file.dataset.items
                == TableSpec(
                    file: "/abs/i.tsv", delimiter: "\t",
                    columns: [.item: "iid", .genres: "tags"], genreSeparator: ";"))
        let missing = text.replacingOccurrences(
            of: "  interactions: {file: r.csv, user: uid, item: iid, rating: stars}\n", with: "")
        #expect(
            configurationError(missing) == """
                pipelines.yaml:2:3: error: missing required key 'interactions' in 'dataset' (the delimited format needs an interactions file)
                  format: delimited
                  ^
                """)
    }
}
