import Foundation
public import ShortlistCore
public import ShortlistPipeline

extension FittedPipeline {
    /// The external id and display title of an item; an item without a title is named by its id.
    public func describe(_ item: ItemIndex) -> (id: String, title: String) {
        let id = dataset.itemIDs[item]
        var features = dataset.items[item]
        if features.title.trimmingCharacters(in: .whitespaces).isEmpty {
            features.title = "item \(id)"
        }
        return (id, features.displayTitle)
    }
}
