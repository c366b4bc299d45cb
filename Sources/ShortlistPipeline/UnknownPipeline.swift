public import ShortlistCore

extension RequestError {
    /// `no pipeline named 'X' in FILE. Did you mean 'Y'?`, or the pipelines listed when none
    /// is near: the one wording of an unknown pipeline, for the CLI and the server. `place`
    /// says where pipelines were looked for, when it helps to say.
    public static func unknownPipeline(_ name: String, among names: [String], in place: String?)
        -> RequestError
    {
        RequestError(
            .notFound,
            suggesting(
                "no pipeline named '\(excerpt(name))'" + (place.map { " in \($0)" } ?? ""),
                for: name, in: names,
                otherwise: "; the pipelines are \(names.joined(separator: ", "))"))
    }
}
