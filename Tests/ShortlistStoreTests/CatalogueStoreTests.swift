import ShortlistCore
import ShortlistData
import ShortlistStore
import ShortlistTestSupport
import Testing

@Suite struct CatalogueStoreTests {
    @Test func entriesMergeFieldByFieldInFirstAddedOrderAndTheVersionCountsEveryWrite() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/catalogue.sqlite")
        #expect(try store.catalogue() == StoredCatalogue())
        #expect(
            try store.recordItems([
                CatalogueEntry(id: "b", title: "B", year: 2001, genres: ["x", "y"]),
                CatalogueEntry(id: "a", genres: []),
            ]) == 2)
        #expect(
            try store.recordItems([
                CatalogueEntry(id: "a", title: "A", retired: true),
                CatalogueEntry(id: "b", genres: ["z"]),
            ]) == 4)
        #expect(
            try store.catalogue()
                == StoredCatalogue(
                    entries: [
                        CatalogueEntry(id: "b", title: "B", year: 2001, genres: ["z"]),
                        CatalogueEntry(id: "a", title: "A", genres: [], retired: true),
                    ], version: 4))
        #expect(try store.catalogueVersion() == 4)
        // A reopened store reads the same catalogue.
        #expect(try FeedbackStore(path: "\(folder.path)/catalogue.sqlite").catalogue().version == 4)
        _ = try store.recordEvents([
            Event(user: "u", item: "a", kind: "click", time: 1),
            Event(user: "v", item: "c", kind: "click", time: 2),
            Event(user: "w", item: "b", kind: "click", time: 3),
        ])
        #expect(try store.events(items: ["b", "a"]).map(\.user) == ["u", "w"])
        #expect(try store.events(items: []).isEmpty)
    }
}
