import BuiltInPlugins
import ShortlistConfig
import ShortlistData
import Testing

@Suite struct EventPolicyTests {
    let pipelines = """
        pipelines:
          default:
            candidates: [{name: popular, type: weighted-rating}]
            ranker: {type: weighted-average}

        """

    @Test func theEventsSectionDeclaresKindsInOrderWithFoldInAndPolicy() throws {
        let text =
            dataset + pipelines + """
                events:
                  kinds:
                    rating: {value: rating}
                    view: {weight: 0.3}
                    dislike: {weight: -1}
                  fold-in: 50
                  unknown-items: keep
                """
        let file = try PipelinesFile.parse(
            text, name: "pipelines.yaml", baseDirectory: ".", registry: builtInPlugins)
        let events = try #require(file.events)
        #expect(
            events.kinds == [
                EventPolicy.Kind("rating", .rating), EventPolicy.Kind("view", .weight(0.3)),
                EventPolicy.Kind("dislike", .weight(-1)),
            ])
        #expect(events.foldIn == 50)
        #expect(events.unknownItems == .keep)
        #expect(events.kind("dislike")?.meaning.isNegative == true)
        let plain = try PipelinesFile.parse(
            dataset + pipelines, name: "pipelines.yaml", baseDirectory: ".",
            registry: builtInPlugins)
        #expect(plain.events == nil)
        let defaults = try PipelinesFile.parse(
            dataset + pipelines + "events: {kinds: {click: {weight: 1}}}\n",
            name: "pipelines.yaml", baseDirectory: ".", registry: builtInPlugins)
        #expect(defaults.events?.foldIn == EventPolicy.defaultFoldIn)
        #expect(defaults.events?.unknownItems == .refuse)
        #expect(defaults.events?.refresh == nil)
        for (written, seconds) in [("90s", 90.0), ("30m", 1800), ("1h", 3600), ("1.5d", 129_600)] {
            let refreshed = try PipelinesFile.parse(
                dataset + pipelines
                    + "events: {kinds: {click: {weight: 1}}, refresh: {every: \(written), after-events: 5}}\n",
                name: "pipelines.yaml", baseDirectory: ".", registry: builtInPlugins)
            #expect(
                refreshed.events?.refresh
                    == EventPolicy.Refresh(every: seconds, afterEvents: 5), "\(written)")
        }
        let due = EventPolicy.Refresh(every: 60, afterEvents: 10)
        #expect(!due.isDue(newEvents: 0, elapsed: 1000))
        #expect(!due.isDue(newEvents: 9, elapsed: 59))
        #expect(due.isDue(newEvents: 10, elapsed: 0))
        #expect(due.isDue(newEvents: 1, elapsed: 60))
    }

    /// Each mistake in `events:` is one error at its line and column (the section starts on
    /// line 8, after the dataset and the pipelines).
    @Test func anEventEarnsItsWeightClippedToZeroToOneOrOneForARating() {
        let policy = EventPolicy(
            kinds: [
                .init("view", .weight(0.3)), .init("purchase", .weight(3)),
                .init("dislike", .weight(-1)), .init("rating", .rating),
            ])
        #expect(
            ["view", "purchase", "dislike", "rating", "shrug"].map { policy.reward(kind: $0) }
                == [0.3, 1, 0, 1, nil])
    }

    @Test func eachMistakeInTheEventsSectionIsOneLocatedError() {
        let cases: [(String, String)] = [
            (
                "events: {kinds: {click: {weigth: 1}}}",
                "8:26: error: unknown key 'weigth' in event kind 'click'. Did you mean 'weight'?"
            ),
            (
                "events: {kinds: {click: {weight: 0}}}",
                "8:34: error: 'weight' of event kind 'click' must be a number other than 0"
            ),
            ("events: {kinds: {click: {weight: lots}}}", "8:34: error:"),
            ("events: {kinds: {click: {}}}", "8:25: error: event kind 'click' needs 'weight: W'"),
            (
                "events: {kinds: {stars: {value: stars}}}",
                "8:33: error: 'value' of event kind 'stars' can only be 'rating'"
            ),
            (
                "events: {kinds: {click: {weight: 1, value: rating}}}",
                "8:37: error: event kind 'click' takes 'weight' or 'value', not both"
            ),
            (
                "events: {kinds: {click: {weight: 1}, click: {weight: 2}}}",
                "8:38: error: duplicate event kind 'click' in 'events.kinds' (first at line 8)"
            ),
            (
                "events: {kinds: {}}",
                "8:17: error: 'kinds' in 'events' expects a mapping of kind names"
            ),
            ("events: {fold-in: 3}", "8:9: error: missing required key 'kinds' in 'events'"),
            (
                "events: {kinds: {click: {weight: 1}}, fold-in: 0}",
                "8:48: error: 'fold-in' in 'events' must be from 1 to 10000"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, unknown-items: ignore}",
                "8:54: error: 'unknown-items' in 'events' is 'ignore'; it is one of refuse, keep"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, fold: 3}",
                "8:39: error: unknown key 'fold' in 'events'"
            ),
            (
                "events: {kinds: {\"two words\": {weight: 1}}}",
                "8:18: error: an event kind's name is one word"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, refresh: {}}",
                "8:48: error: 'refresh' in 'events' needs 'every' (such as 1h) or 'after-events'"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, refresh: {every: soon}}",
                "8:56: error: 'every' in 'refresh' is a duration of at least a second"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, refresh: {after-events: 0}}",
                "8:63: error: 'after-events' in 'refresh' must be positive, found 0"
            ),
            (
                "events: {kinds: {click: {weight: 1}}, refresh: {evry: 1h}}",
                "8:49: error: unknown key 'evry' in"
            ),
        ]
        for (section, expected) in cases {
            let error = configurationError(dataset + pipelines + section + "\n") ?? "no error"
            #expect(error.hasPrefix("pipelines.yaml:" + expected), "\(section)\n\(error)")
        }
    }
}
