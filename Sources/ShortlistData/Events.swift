import Foundation
public import ShortlistCore

/// Something a user did to an item after the data was fitted, as the event log keeps it: a
/// view, a click, a rating, a dislike.
public struct Event: Sendable, Equatable {
    /// The id that makes sending it again harmless, if the sender gave one.
    public var id: String?
    /// The user's external id (known to the data or not).
    public var user: String
    /// The item's external id.
    public var item: String
    /// Its kind, one of the pipelines file's `events.kinds`.
    public var kind: String
    /// The rating, for a kind whose value is the rating; nil for a weighted kind.
    public var value: Double?
    /// When it happened, in seconds since 1970; nil when the sender gave no time, and the
    /// store records it as received then (as the log returns it).
    public var time: Double?
    /// The request id of the logged response it answers (a click on a shown item), if any:
    /// it joins the event to the exposure log.
    public var request: String?

    /// An event.
    public init(
        id: String? = nil, user: String, item: String, kind: String, value: Double? = nil,
        time: Double?, request: String? = nil
    ) {
        self.id = id
        self.user = user
        self.item = item
        self.kind = kind
        self.value = value
        self.time = time
        self.request = request
    }

    /// Whether `stored`, the event the log holds under this one's id, is this event sent
    /// again: the same user, item, kind, value and request, and the same time unless this one
    /// gives none.
    public func isResent(as stored: Event) -> Bool {
        user == stored.user && item == stored.item && kind == stored.kind
            && value == stored.value && request == stored.request
            && (time == nil || time == stored.time)
    }
}

/// What recording a batch of events did.
public struct EventsOutcome: Sendable, Equatable {
    /// Events stored now.
    public var recorded: Int
    /// Events whose id was stored before with the same content: they count once.
    public var repeated: Int

    /// An outcome.
    public init(recorded: Int = 0, repeated: Int = 0) {
        self.recorded = recorded
        self.repeated = repeated
    }
}

/// A user's latest events as a request reads them.
public struct UserEvents: Sendable, Equatable {
    /// The events, oldest first, every one with its time.
    public var events: [Event]
    /// The log position of the newest of them (0 for none): it changes whenever the events a
    /// request would read change, so an answer kept for a user is kept with it.
    public var newest: Int64

    /// A user's events.
    public init(events: [Event] = [], newest: Int64 = 0) {
        self.events = events
        self.newest = newest
    }
}

/// What the event log keeps and how a request reads it back (`events:` in a pipelines file):
/// the kinds of event and what each counts as, how many of a user's latest events a request
/// folds in, and what becomes of an event for an item the catalogue does not have.
public struct EventPolicy: Sendable, Equatable {
    /// What one kind of event counts as.
    public enum Meaning: Sendable, Equatable {
        /// The event carries a value, and the value is the rating.
        case rating
        /// The event counts as this share of the data's strongest interaction (its highest
        /// rating, or 1 in data without ratings); a negative weight is negative feedback: the
        /// item is never recommended to the user again, and the user's earlier events for it
        /// no longer count.
        case weight(Double)

        /// Whether this is negative feedback.
        public var isNegative: Bool {
            if case .weight(let weight) = self { return weight < 0 }
            return false
        }

        /// The rating an event with `value` counts as: a rating kind's value (nil without
        /// one), a weighted kind's weight times `strongest`, the data's strongest interaction.
        public func rating(value: Double?, strongest: Float) -> Float? {
            switch self {
            case .rating: value.map(Float.init)
            case .weight(let weight): Float(weight) * strongest
            }
        }
    }

    /// One declared kind.
    public struct Kind: Sendable, Equatable {
        /// The kind's name, as events give it.
        public var name: String
        /// What it counts as.
        public var meaning: Meaning

        /// A kind.
        public init(_ name: String, _ meaning: Meaning) {
            self.name = name
            self.meaning = meaning
        }
    }

    /// What becomes of an event for an item the catalogue does not have.
    public enum UnknownItems: String, Sendable, Equatable, CaseIterable {
        /// It is refused, naming the item.
        case refuse
        /// It is kept, and counts once the item is in the catalogue.
        case keep
    }

    /// When a server refreshes by itself (`refresh:` of `events`): after a time, after a
    /// number of new events, whichever comes first, and only when there are new events.
    public struct Refresh: Sendable, Equatable {
        /// Seconds after the last refresh (or the start) when new events are due, if set.
        public var every: Double?
        /// New events since the last refresh that make one due, if set.
        public var afterEvents: Int?

        /// A refresh policy.
        public init(every: Double? = nil, afterEvents: Int? = nil) {
            self.every = every
            self.afterEvents = afterEvents
        }

        /// Whether a refresh is due with `newEvents` since the last one, `elapsed` seconds ago.
        public func isDue(newEvents: Int64, elapsed: Double) -> Bool {
            guard newEvents > 0 else { return false }
            if let afterEvents, newEvents >= Int64(afterEvents) { return true }
            if let every, elapsed >= every { return true }
            return false
        }
    }

    /// The kinds in the order declared.
    public var kinds: [Kind]
    /// When a server refreshes by itself; nil for never (`shortlist refresh` does it).
    public var refresh: Refresh?
    /// How many of a user's latest events a request folds in.
    public var foldIn: Int
    /// What becomes of an event for an unknown item.
    public var unknownItems: UnknownItems
    /// How many interactions by users of the fitted data an item added since the fit needs
    /// before a factor model folds it in (solves its factors).
    public var itemFoldIn: Int

    /// The most events a request folds in.
    public static let foldInLimit = 10_000
    /// The largest magnitude of a kind's weight.
    public static let weightMagnitude = 1000.0
    /// The default of ``foldIn``.
    public static let defaultFoldIn = 200
    /// The default of ``itemFoldIn``.
    public static let defaultItemFoldIn = 3

    /// The reward in [0, 1] an event of `kind` earns the shown item it answers, for the
    /// exposure log: a weighted kind's weight, clipped to [0, 1] (a negative kind 0), a rating
    /// kind 1; nil for a kind this policy does not declare.
    public func reward(kind: String) -> Double? {
        switch self.kind(kind)?.meaning {
        case .none: nil
        case .rating: 1
        case .weight(let weight): min(1, max(0, weight))
        }
    }

    /// Seconds in a duration written as a number and a unit (`90s`, `30m`, `1h`, `1d`; a bare
    /// number is seconds), or nil.
    public static func seconds(inDuration text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let (number, unit) =
            units[last].map { (trimmed.dropLast(), $0) } ?? (trimmed[...], 1)
        guard let value = decimalNumber(number), value.isFinite, value >= 0 else { return nil }
        return value * unit
    }

    /// A policy.
    public init(
        kinds: [Kind], foldIn: Int = defaultFoldIn, unknownItems: UnknownItems = .refuse,
        itemFoldIn: Int = defaultItemFoldIn, refresh: Refresh? = nil
    ) {
        self.itemFoldIn = itemFoldIn
        self.kinds = kinds
        self.refresh = refresh
        self.foldIn = foldIn
        self.unknownItems = unknownItems
    }

    /// The kind named `name`, if declared.
    public func kind(_ name: String) -> Kind? {
        kinds.first { $0.name == name }
    }

    /// Why `event` cannot be stored, or nil when it can: an empty id or one with a control
    /// character, or a time out of range (``ErrorKind/invalid``); a kind the policy does not
    /// declare, with the nearest declared one (``ErrorKind/notFound``, as an unknown pipeline
    /// is); a value missing for a rating kind or given to a weighted one
    /// (``ErrorKind/conflict``: the event contradicts its kind's declaration). `field` names
    /// the event in the message ("events[3]" gives "events[3].kind …"); nil names its keys
    /// alone, for a file line whose location says which event it is. Whether the item exists
    /// is the caller's to check.
    public func problem(with event: Event, field: String? = nil) -> RequestError? {
        func key(_ name: String) -> String { field.map { "\($0).\(name)" } ?? name }
        let subject = field ?? "the event"
        for (name, text) in [("user", event.user), ("item", event.item)] {
            if text.isEmpty { return RequestError("\(key(name)) is empty") }
            if let control = firstControlCharacter(in: text) {
                return RequestError(Self.controlMessage(key(name), control))
            }
        }
        if let id = event.id {
            if id.isEmpty {
                return RequestError(
                    "\(key("id")) is empty; leave it out for an event without one")
            }
            if let control = firstControlCharacter(in: id) {
                return RequestError(Self.controlMessage(key("id"), control))
            }
        }
        if let time = event.time, !InteractionLimits.seconds.contains(time) {
            return RequestError(
                "\(key("time")) must be seconds since 1970 from "
                    + "\(plainNumber(InteractionLimits.seconds.lowerBound)) to "
                    + "\(plainNumber(InteractionLimits.seconds.upperBound)), found "
                    + plainNumber(time))
        }
        if let value = event.value, !InteractionLimits.isRating(value) {
            return RequestError(
                "\(key("value")) is not a rating: \(plainNumber(value)) (a rating is a number "
                    + "within \(InteractionLimits.ratingDescription))")
        }
        guard let kind = kind(event.kind) else {
            return RequestError(
                .notFound,
                suggesting(
                    "\(key("kind")) '\(excerpt(event.kind))' is not a declared kind of event",
                    for: event.kind, in: kinds.map(\.name),
                    otherwise: "; the kinds are \(kinds.map(\.name).joined(separator: ", "))"))
        }
        switch (kind.meaning, event.value) {
        case (.rating, nil):
            return RequestError(
                .conflict,
                "\(subject) is a '\(kind.name)', whose value is the rating: it needs a value")
        case (.weight, _?):
            return RequestError(
                .conflict,
                "\(subject) is a '\(kind.name)', which has a declared weight and takes no value")
        default: return nil
        }
    }

    /// Why an event for `item`, which the catalogue does not have, is refused; nil when the
    /// policy keeps it. `field` as in ``problem(with:field:)``.
    public func unknownItemProblem(_ item: String, field: String? = nil) -> RequestError? {
        guard unknownItems == .refuse else { return nil }
        return RequestError(
            .notFound,
            "\(field.map { "\($0).item" } ?? "item") '\(excerpt(item))' is not in the "
                + "catalogue; events for unknown items are refused ('unknown-items: refuse' in "
                + "'events')")
    }

    private static func controlMessage(_ field: String, _ control: Unicode.Scalar) -> String {
        "\(field) holds a control character (\(control.codePoint)); an id is text without tabs "
            + "or line ends"
    }
}
