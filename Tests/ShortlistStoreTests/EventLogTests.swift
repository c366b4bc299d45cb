import Foundation
import ShortlistCore
import ShortlistData
import ShortlistStore
import ShortlistTestSupport
import Testing

@Suite struct EventLogTests {
    func click(_ item: String, user: String = "u1", at time: Double, id: String? = nil) -> Event {
        Event(id: id, user: user, item: item, kind: "click", time: time)
    }

    @Test func anEventSentAgainUnderItsIdCountsOnceAndAnotherUnderItIsRefusedWithItsBatch()
        throws
    {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/events.sqlite")
        #expect(
            try store.recordEvents([click("i1", at: 10, id: "e1"), click("i2", at: 20)])
                == EventsOutcome(recorded: 2))
        // The same event again, and again without its time: each counts once.
        #expect(
            try store.recordEvents([
                click("i1", at: 10, id: "e1"),
                Event(id: "e1", user: "u1", item: "i1", kind: "click", time: nil),
                click("i3", at: 30, id: "e3"),
            ]) == EventsOutcome(recorded: 1, repeated: 2))
        // Another event under a stored id: refused, and nothing of its batch is stored.
        #expect {
            try store.recordEvents([click("i4", at: 40, id: "e4"), click("i9", at: 10, id: "e1")])
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .conflict
                && error?.message.hasPrefix(
                    "the event id 'e1' was recorded before for another event (user 'u1', item "
                        + "'i1', kind 'click', time 10)") == true
        }
        #expect(try store.events(user: "u1", limit: 10).events.map(\.item) == ["i1", "i2", "i3"])
        // Two ids in one batch that are the same event count once.
        #expect(
            try store.recordEvents([click("i5", at: 50, id: "e5"), click("i5", at: 50, id: "e5")])
                == EventsOutcome(recorded: 1, repeated: 1))
    }

    @Test func anEventsRequestIdIsKeptAndJoinsItToTheItemALoggedResponseShowed() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/events.sqlite")
        try store.record(
            ServedRequest(
                id: "r1", pipeline: "p", user: "u1",
                impressions: ["i1", "i2", "i3"].enumerated().map {
                    Impression(item: $1, position: $0 + 1, arm: "a", propensity: 0.5)
                }))
        func answering(_ item: String, _ kind: String, _ request: String, id: String? = nil)
            -> Event
        {
            Event(id: id, user: "u1", item: item, kind: kind, time: 5, request: request)
        }
        let events = [
            answering("i2", "click", "r1", id: "e1"), answering("i3", "view", "r1"),
            answering("i3", "shrug", "r1"), answering("i1", "click", "r9"),
        ]
        #expect(try store.recordEvents(events).recorded == 4)
        #expect(try store.events(after: 0, through: 4) == events)
        #expect(
            try store.events(user: "u1", limit: 10).events.map(\.request) == events.map(\.request))
        let lists = try store.exposures(
            pipeline: "p", eventReward: { ["click": 1, "view": 0.3][$0] })
        #expect(lists.map(\.request) == ["r1"])
        #expect(lists.first?.shown.map(\.reward) == [0, 1, 0.3])
        // The same id with another request is another event.
        #expect(throws: StoreError.self) {
            try store.recordEvents([answering("i2", "click", "r2", id: "e1")])
        }
    }

    @Test func aUsersLatestEventsByTimeComeOldestFirstWithinTheLimit() throws {
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/events.sqlite")
        // Recorded out of time order, with another user's between.
        _ = try store.recordEvents([
            click("late", at: 300), click("early", at: 100), click("other", user: "u2", at: 200),
            click("middle", at: 200),
        ])
        let latest = try store.events(user: "u1", limit: 2)
        #expect(latest.events.map(\.item) == ["middle", "late"])
        #expect(latest.events.map(\.time) == [200, 300])
        #expect(
            try store.events(user: "u1", limit: 5).events.map(\.item) == [
                "early", "middle", "late",
            ])
        #expect(try store.events(user: "nobody", limit: 5) == UserEvents())
        // An event that does not change the latest two leaves their position as it was; one
        // that does moves it.
        _ = try store.recordEvents([click("old", at: 50)])
        #expect(try store.events(user: "u1", limit: 2).newest == latest.newest)
        _ = try store.recordEvents([click("new", at: 400)])
        #expect(try store.events(user: "u1", limit: 2).newest > latest.newest)
    }

    @Test func anImportThatMeetsABadEventStoresNothingOfIt() throws {
        struct Malformed: Error {}
        let folder = try TemporaryDirectory()
        let store = try FeedbackStore(path: "\(folder.path)/events.sqlite")
        _ = try store.recordEvents([click("before", at: 1, id: "e0")])
        var remaining = (0..<100_000).map { click("i\($0)", at: Double($0)) }[...]
        var reported: [Int] = []
        #expect(throws: Malformed.self) {
            _ = try store.importEvents(
                {
                    guard let next = remaining.popFirst() else { throw Malformed() }
                    return next
                }, progress: { reported.append($0) })
        }
        #expect(reported == [65_536])
        #expect(try store.events(user: "u1", limit: 10).events.map(\.item) == ["before"])
        remaining = [click("i1", at: 2), click("other", at: 3, id: "e0")]
        #expect(throws: StoreError.self) {
            _ = try store.importEvents({ remaining.popFirst() }, progress: { _ in })
        }
        #expect(try store.events(user: "u1", limit: 10).events.map(\.item) == ["before"])
        remaining = [click("i1", at: 2), click("before", at: 1, id: "e0")]
        #expect(
            try store.importEvents({ remaining.popFirst() }, progress: { _ in })
                == EventsOutcome(recorded: 1, repeated: 1))
    }
}

@Suite struct EventFileTests {
    func events(_ text: String, _ format: EventFile.Format) throws -> [Event] {
        let folder = try TemporaryDirectory()
        try folder.write("events.\(format.rawValue)", text)
        let file = try EventFile(path: "\(folder.path)/events.\(format.rawValue)", format: format)
        var events: [Event] = []
        while let event = try file.next() { events.append(event) }
        return events
    }

    func error(_ text: String, _ format: EventFile.Format) -> String {
        do {
            _ = try events(text, format)
            return "no error"
        } catch {
            let text = "\(error)"
            return String(text[(text.range(of: "events.")?.lowerBound ?? text.startIndex)...])
        }
    }

    @Test func csvTSVAndJSONLinesGiveTheSameEvents() throws {
        let expected = [
            Event(id: "e1", user: "u1", item: "i, 1", kind: "rating", value: 4.5, time: 100),
            Event(user: "u2", item: "say \"hi\"", kind: "click", time: 1_796_637_600),
            Event(user: "u3", item: "i3", kind: "view", time: nil),
        ]
        let csv = """
            kind,time,user,item,value,id
            rating,100,u1,"i, 1",4.5,e1

            click,2026-12-07 10:00:00,u2,"say ""hi""\",,
            view,,u3,i3,,
            """
        #expect(try events(csv, .csv) == expected)
        let tsv = [
            "user\titem\tkind\tvalue\ttime\tid",
            "u1\ti, 1\trating\t4.5\t100\te1",
            "u2\t\"say \"\"hi\"\"\"\tclick\t\t2026-12-07T10:00:00Z\t",
            "u3\ti3\tview\t\t\t",
        ].joined(separator: "\n")
        #expect(try events(tsv, .tsv) == expected)
        let jsonl = """
            {"user": "u1", "item": "i, 1", "kind": "rating", "value": 4.5, "time": 100, "id": "e1"}
            {"user": "u2", "item": "say \\"hi\\"", "kind": "click", "time": "2026-12-07T10:00:00Z"}
            {"user": "u3", "item": "i3", "kind": "view", "time": null}
            """
        #expect(try events(jsonl, .jsonl) == expected)
    }

    @Test func aRequestColumnOrKeyGivesTheEventsRequestId() throws {
        let expected = [
            Event(user: "u1", item: "i1", kind: "click", time: 1, request: "r1"),
            Event(user: "u1", item: "i2", kind: "click", time: 2),
        ]
        #expect(
            try events("user,item,kind,time,request\nu1,i1,click,1,r1\nu1,i2,click,2,\n", .csv)
                == expected)
        let jsonl = """
            {"user": "u1", "item": "i1", "kind": "click", "time": 1, "request": "r1"}
            {"user": "u1", "item": "i2", "kind": "click", "time": 2}
            """
        #expect(try events(jsonl, .jsonl) == expected)
    }

    @Test func aMalformedLineIsNamedByItsFileAndLine() {
        let header = "user,item,kind,time\n"
        let cases: [(String, EventFile.Format, String)] = [
            ("", .csv, "events.csv: the file is empty; an events file starts with a header"),
            (
                "user,item,kinds\n", .csv,
                "events.csv:1: the header names a column 'kinds' that events do not have. Did you mean 'kind'?"
            ),
            (
                "user\titem\tkind\n", .csv,
                "events.csv:1: the header names a column 'user\titem\tkind' that events do not have; the columns are user, item, kind, value, time, id, request (the header has tabs: is it a TSV file?)"
            ),
            ("user,item\n", .csv, "events.csv:1: the header has no 'kind' column"),
            (
                "user,item,kind,user\n", .csv,
                "events.csv:1: the header names the column 'user' twice"
            ),
            (
                header + "u1,i1,click,1\nu1,i2,click\n", .csv,
                "events.csv:3: expected 4 fields as the header has, found 3"
            ),
            (
                header + "u1,i1,click,yesterday\n", .csv,
                "events.csv:2: the time 'yesterday' is neither seconds since 1970 nor an ISO 8601 date"
            ),
            (
                header + "u1,\"i1,click,1\n", .csv,
                "events.csv:2: a quoted field has no closing quote"
            ),
            (
                header + "u1,\"i1\"x,click,1\n", .csv,
                "events.csv:2: a quoted field goes on after its closing quote"
            ),
            ("{\"user\": \"u1\"}\n", .jsonl, "events.jsonl:1: the event has no 'item'"),
            (
                "{\"user\": \"u1\", \"item\": 7, \"kind\": \"click\"}\n", .jsonl,
                "events.jsonl:1: 'item' must be a string"
            ),
            (
                "{\"user\": \"u1\", \"item\": \"i\", \"kind\": \"click\", \"kinds\": 1}\n", .jsonl,
                "events.jsonl:1: unknown key 'kinds'. Did you mean 'kind'?"
            ),
            ("\n[1, 2]\n", .jsonl, "events.jsonl:2: the line is not a JSON object"),
            (
                "{\"user\": \"u1\", \"item\": \"i\", \"kind\": \"r\", \"value\": \"5\"}\n", .jsonl,
                "events.jsonl:1: 'value' must be a number"
            ),
        ]
        for (text, format, expected) in cases {
            let found = error(text, format)
            #expect(found.hasPrefix(expected), "\(text.debugDescription)\n\(found)")
        }
    }
}
