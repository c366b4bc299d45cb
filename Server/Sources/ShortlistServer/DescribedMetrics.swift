public import CoreMetrics
public import Prometheus

/// swift-metrics over a Prometheus registry, with a `# HELP` line for every metric the server
/// records. The names follow Prometheus' conventions: snake case, `_total` for a counter,
/// `_seconds` for a duration (a histogram).
public struct DescribedMetricsFactory: MetricsFactory {
    /// Where the metrics are kept, rendered at `GET /metrics`.
    public let registry: PrometheusCollectorRegistry

    /// What each metric counts or times, by name.
    static let help: [String: String] = [
        "http_server_requests_total": "Requests answered, by route, method and status.",
        "http_server_request_errors_total":
            "Requests answered with a 4xx or 5xx status, by route, method and status.",
        "http_server_request_duration_seconds":
            "Time from a request's head to its answer, by route, method and status.",
        "http_server_active_requests": "Requests being answered now, by method.",
        "shortlist_recommend_seconds": "Time of a recommendation's request path, by pipeline.",
        "shortlist_stage_seconds": "Time of each candidate stage and the ranker, by pipeline.",
        "shortlist_recommend_errors_total":
            "Recommendations refused, by status: malformed requests, unknown pipelines or "
            + "items, and a feedback store out of reach.",
        "shortlist_recommend_cache_hits_total":
            "Recommendations answered from the cache of repeatable answers, by pipeline.",
        "shortlist_model_age_seconds":
            "Seconds since the served pipelines were prepared (started, reloaded or refreshed).",
        "shortlist_events_since_refresh":
            "Events in the log that the served data does not hold yet (since the last refresh).",
        "shortlist_event_reads_failed_total":
            "Requests answered without the user's stored events, the event log being out of "
            + "reach.",
        "shortlist_exposure_writes_failed_total":
            "Sampled responses answered without being logged, the feedback store being out of "
            + "reach.",
    ]

    /// The buckets of every duration: from 0.1 ms (a recommendation takes about half a
    /// millisecond) to 10 s.
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Metrics kept in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: Self.help[label] ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool)
        -> any RecorderHandler
    {
        guard aggregate else {
            return registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }
        return registry.makeValueHistogram(
            descriptor: descriptor(label), labels: dimensions,
            buckets: Self.buckets.map {
                Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
            })
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(
            descriptor: descriptor(label), labels: dimensions, buckets: Self.buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram {
            registry.unregisterDurationHistogram(histogram)
        }
    }
}
