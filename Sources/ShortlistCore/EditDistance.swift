/// The Levenshtein distance between two strings, counted in characters.
///
/// - Complexity: O(a.count × b.count).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// `message` ending with the candidate nearest to `word` (". Did you mean 'x'?") when one is
/// close enough to be a likely typo (``closestMatch(to:in:)``), else with `otherwise` (such as
/// "; the keys are a, b"): the one place a suggestion is worded.
public func suggesting(
    _ message: String, for word: String, in candidates: some Sequence<String>,
    otherwise: String = ""
) -> String {
    guard let suggestion = closestMatch(to: word, in: candidates) else {
        return message + otherwise
    }
    return message + ". Did you mean '\(suggestion)'?"
}

/// The candidate closest to `word` when it is close enough to be a likely typo, else nil.
///
/// Close enough means at most a third of the word's length in edits (at least one), and
/// fewer edits than the word has characters.
func closestMatch(to word: String, in candidates: some Sequence<String>) -> String? {
    let limit = max(1, word.count / 3)
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= limit, distance < word.count, distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// At most `limit` characters of user-provided text for an error message: a longer text keeps
/// its start and says how long it was, so a huge bad value is not echoed whole.
public func excerpt(_ text: String, limit: Int = 60) -> String {
    guard text.count > limit else { return text }
    return "\(text.prefix(limit))… (\(text.count) characters)"
}
