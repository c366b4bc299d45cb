extension API {
    /// `GET /v1/pipelines`: each pipeline served, its stages and artifacts, when they were
    /// loaded, and why the latest reload failed if it did.
    func listPipelines(_ input: Operations.ListPipelines.Input) async throws
        -> Operations.ListPipelines.Output
    {
        .ok(
            .init(
                body: .json(
                    try .converting(
                        PipelineList(
                            try holder.served(), lastReloadError: holder.lastReloadError)
                    ).value)))
    }
}
