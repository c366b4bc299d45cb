/// A fitted model that can be stored as an artifact and read back.
///
/// Writing then reading must give a model that answers every query the same way
/// (checked by the contract checks in `ShortlistTestSupport`).
public protocol ArtifactCodable {
    /// The layout version of what ``write(to:)`` produces; bump it whenever the layout changes.
    static var formatVersion: Int { get }
    /// Appends the model's state.
    func write(to writer: inout ArtifactWriter)
    /// Reads a model written by ``write(to:)``, throwing ``ArtifactError`` on anything malformed.
    init(reading reader: inout ArtifactReader) throws(ArtifactError)
}
