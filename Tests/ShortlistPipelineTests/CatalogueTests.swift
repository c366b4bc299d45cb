import BuiltInPlugins
import ShortlistCore
import ShortlistData
import ShortlistPipeline
import ShortlistTestSupport
import Testing

/// Items added, changed and retired after the fit, served without a refit: content stages
/// serve a new item at once, a factor model once the event log has enough interactions with it.
@Suite struct CatalogueTests {
    static let pipelines = """
        pipelines:
          default:
            n: 10
            candidates:
              - {name: als, type: matrix-factorization, limit: 10, factors: 8, cg-steps: 20}
              - {name: content, type: tfidf, limit: 30, fields: [genres]}
              - {name: popular, type: weighted-rating, limit: 10}
            filters: {exclude-seen: true}
            ranker: {type: weighted-average}
        """
    let policy = EventPolicy(kinds: [EventPolicy.Kind("click", .weight(1))], itemFoldIn: 3)
    /// A new item of the planted cluster 2's genre.
    let entry = CatalogueEntry(id: "new", title: "New Item", year: 1992, genres: ["g2"])

    func clicks(_ users: [Int]) -> [Event] {
        users.enumerated().map {
            Event(user: "u\($1)", item: "new", kind: "click", time: Double(2_000_000_000 + $0))
        }
    }

    func nominated(_ pipeline: FittedPipeline, stage: String, user: String) throws -> Bool {
        let (_, trace) = pipeline.recommendWithTrace(Request(userID: user))
        let step = try #require(trace.generators.first { $0.name == stage })
        let item = try #require(pipeline.dataset.item("new"))
        return step.candidates.contains { $0.item == item }
    }

    @Test func aNewItemOfAClustersGenreIsNominatedByContentAtOnceAndByALSAfterFoldIn() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let fitted = try fixture.prepare()
        #expect(fitted.dataset.item("new") == nil)
        // Users u2, u6, u10, … are in cluster 2; u0, u4, … in cluster 0.
        let added = fitted.servingCatalogue([entry], policy: policy)
        #expect(try nominated(added, stage: "content", user: "u2"))
        #expect(try !nominated(added, stage: "content", user: "u0"))
        #expect(try !nominated(added, stage: "als", user: "u22"), "no interactions yet")

        let tooFew = fitted.servingCatalogue([entry], events: clicks([6, 10]), policy: policy)
        #expect(try !nominated(tooFew, stage: "als", user: "u22"), "2 of the 3 it needs")

        let folded = fitted.servingCatalogue(
            [entry], events: clicks([6, 10, 14, 18]), policy: policy)
        #expect(try nominated(folded, stage: "als", user: "u22"))
        #expect(try !nominated(folded, stage: "als", user: "u0"))
        let new = try #require(folded.dataset.item("new"))
        let explanation = try folded.explain(userID: "u22", itemID: "new")
        let als = try #require(explanation.stages.first { $0.name == "als" })
        #expect(als.rank != nil)
        #expect(abs(als.explanation.terms.reduce(0) { $0 + $1.value } - (als.score ?? .nan)) < 1e-4)
        #expect(folded.dataset.itemIDs[new] == "new")
    }

    @Test func aRetiredItemIsNeverServedAndExplainedAsRetired() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let fitted = try fixture.prepare()
        let top = try #require(fitted.recommend(userID: "u5").first?.item)
        let id = fitted.dataset.itemIDs[top]
        let retired = fitted.servingCatalogue([CatalogueEntry(id: id, retired: true)])
        for user in fitted.dataset.userIDs {
            #expect(!retired.recommend(userID: user).contains { $0.item == top })
        }
        let explanation = try retired.explain(userID: "u5", itemID: id)
        #expect(explanation.outcome == .filtered(by: ["retired"]))
        let restored = fitted.servingCatalogue([CatalogueEntry(id: id, retired: false)])
        #expect(restored.recommend(userID: "u5").first?.item == top)
    }

    @Test func changedGenresMoveAnItemBetweenClustersInTheContentStage() throws {
        let fixture = try Fixture(pipelines: Self.pipelines)
        let fitted = try fixture.prepare()
        // Item i1 is of cluster 1; no user of cluster 2 has it nominated by content.
        let item = try #require(fitted.dataset.item("i1"))
        func nominates(_ pipeline: FittedPipeline) -> Bool {
            let (_, trace) = pipeline.recommendWithTrace(Request(userID: "u2"))
            return trace.generators[1].candidates.contains { $0.item == item }
        }
        #expect(!nominates(fitted))
        let moved = fitted.servingCatalogue([CatalogueEntry(id: "i1", genres: ["g2"])])
        #expect(moved.dataset.itemCount == fitted.dataset.itemCount)
        #expect(nominates(moved))
    }

    @Test func aRankerThatKeepsTablesPerItemRanksNewItemsItHasNoRowFor() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    n: 10
                    candidates:
                      - {name: content, type: tfidf, limit: 30, fields: [genres]}
                      - {name: popular, type: weighted-rating, limit: 10}
                    filters: {exclude-seen: true}
                    ranker: {type: wide-and-deep, epochs: 2, hidden: [4], embedding-size: 4}
                """)
        let fitted = try fixture.prepare()
        let added = fitted.servingCatalogue([entry], policy: policy)
        let (response, trace) = added.recommendWithTrace(Request(userID: "u2"))
        let new = try #require(added.dataset.item("new"))
        let ranked = try #require(trace.ranked.first { $0.item == new }, "pooled and ranked")
        #expect(ranked.score.isFinite)
        #expect(
            abs(ranked.contributions.reduce(0) { $0 + $1.value } - ranked.score)
                < 1e-4 * max(1, abs(ranked.score)))
        #expect(response.items.count == 10)
    }

    @Test func aRankerThatCannotTakeNewItemsKeepsThemOutOfItsPools() throws {
        let fixture = try Fixture(
            pipelines: """
                pipelines:
                  default:
                    n: 10
                    candidates:
                      - {name: content, type: tfidf, limit: 30, fields: [genres]}
                    ranker: {type: pool-recorder}
                """)
        let fitted = try fixture.prepare()
        let added = fitted.servingCatalogue([entry], policy: policy)
        let new = try #require(added.dataset.item("new"))
        let (_, trace) = added.recommendWithTrace(Request(userID: "u2"))
        #expect(!trace.pool.entries.isEmpty)
        #expect(!trace.pool.entries.contains { $0.item == new })
        #expect(added.rankableItems == fitted.dataset.itemCount)
    }

    @Test func anUnchangedCatalogueChangesNothingAndAGrownOneAppendsItems() {
        let planted = PlantedClusters()
        let same = planted.dataset.cataloguing([
            CatalogueEntry(id: "i0", title: "Item 0", year: 1990, genres: ["g0"])
        ])
        #expect(same.changed.isEmpty)
        #expect(same.dataset.fingerprint == planted.dataset.fingerprint)
        let grown = planted.dataset.cataloguing([entry, CatalogueEntry(id: "i0", year: 1999)])
        #expect(grown.changed == [0, planted.dataset.itemCount])
        #expect(grown.dataset.items[0].year == 1999)
        #expect(grown.dataset.items[0].genres == ["g0"])
        #expect(grown.dataset.byItem.count(of: planted.dataset.itemCount) == 0)
        #expect(grown.dataset.fingerprint != planted.dataset.fingerprint)
    }
}
