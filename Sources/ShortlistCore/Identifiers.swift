/// A user's dense index in a ``Dataset``: `0 ..< dataset.userCount`.
public typealias UserIndex = Int

/// An item's dense index in a ``Dataset``: `0 ..< dataset.itemCount`.
public typealias ItemIndex = Int
