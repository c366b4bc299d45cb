/// Decodes any ``PluginParameters`` through `Decodable`, e.g. from JSON.
public struct DecodedParameters<Params: PluginParameters>: Decodable, Sendable {
    /// The decoded parameters.
    public let value: Params

    public init(from decoder: any Decoder) throws { value = try Params(decoding: decoder) }
}
