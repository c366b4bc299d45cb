import ShortlistCore
import ShortlistTestSupport
import Testing

/// Maximal marginal relevance and caps on planted windows: the orders the definitions give.
@Suite struct DiversifyTests {
    /// Six positions in two clusters, {0, 1, 2} and {3, 4, 5}: similarity 0.9 inside a cluster,
    /// 0.1 across; relevance falls with the position.
    let relevance = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5]
    func similarity(_ a: Int, _ b: Int) -> Double { (a < 3) == (b < 3) ? 0.9 : 0.1 }

    @Test func lambdaOneKeepsTheWindowsOrder() {
        let picks = Diversify.mmr(relevance: relevance, lambda: 1, count: 6, similarity: similarity)
        #expect(picks.map(\.position) == [0, 1, 2, 3, 4, 5])
    }

    @Test func lambdaZeroPicksOneItemOfEachPlantedClusterFirst() {
        // Three clusters, {0, 1}, {2, 3}, {4, 5}: after the first pick (a tie at 0, so the
        // earliest), each next pick is the earliest item of a cluster not picked yet.
        let clusters = { (a: Int, b: Int) in a / 2 == b / 2 ? 0.9 : 0.1 }
        let picks = Diversify.mmr(relevance: relevance, lambda: 0, count: 4, similarity: clusters)
        #expect(picks.map(\.position) == [0, 2, 4, 1])
        #expect(picks[0].nearest == nil)
        #expect(picks[1].nearest?.position == 0 && picks[1].nearest?.similarity == 0.1)
        #expect(picks[3].nearest?.position == 0 && picks[3].nearest?.similarity == 0.9)
    }

    @Test func aMiddleLambdaTradesRelevanceForVariety() {
        // After 0: position 1 scores 0.5·0.9 − 0.5·0.9 = 0, position 3 0.5·0.7 − 0.5·0.1 = 0.3.
        let picks = Diversify.mmr(
            relevance: relevance, lambda: 0.5, count: 2, similarity: similarity)
        #expect(picks.map(\.position) == [0, 3])
        #expect(Diversify.mmr(relevance: [], lambda: 0.5, count: 3, similarity: similarity).isEmpty)
    }

    @Test func aCapIsNeverExceededInAnyWindowOfSlots() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let window = Int.random(in: 1...30, using: &random)
            let values = (0..<window).map { _ in
                (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    Int32.random(in: 1...4, using: &random)
                }
            }
            let max = Int.random(in: 1...3, using: &random)
            let per = Int.random(in: max...6, using: &random)
            let perList = Bool.random(using: &random) ? Int.random(in: 1...6, using: &random) : nil
            let (order, held) = Diversify.cap(
                values: values, max: max, per: per, perList: perList, count: window)
            #expect(Set(order).count == order.count)
            // Every position left out, or placed after a later one, had to wait.
            for position in values.indices {
                let place = order.firstIndex(of: position)
                let overtaken = order.prefix(place ?? order.count).contains { $0 > position }
                #expect((place == nil || overtaken) == (held[position] != nil))
            }
            for value in Int32(1)...4 {
                let slots = order.map { values[$0].contains(value) }
                for start in slots.indices {
                    #expect(slots[start..<min(start + per, slots.count)].filter { $0 }.count <= max)
                }
                if let perList { #expect(slots.filter { $0 }.count <= perList) }
            }
        }
    }

    @Test func aCapMovesAnItemToTheFirstSlotWhereItFits() {
        // Genres: 0 comedy, 1 comedy, 2 comedy, 3 drama, 4 comedy. At most 2 comedies in 3 slots.
        let values: [[Int32]] = [[1], [1], [1], [2], [1]]
        let capped = Diversify.cap(values: values, max: 2, per: 3, count: 5)
        #expect(capped.order == [0, 1, 3, 2, 4])
        #expect(capped.held.keys.sorted() == [2])
        #expect(capped.held[2]?.value == 1 && capped.held[2]?.byList == false)
        // At most one comedy in the whole list: the other comedies are left out, held by it.
        let quota = Diversify.cap(values: values, max: 5, per: 5, perList: 1, count: 5)
        #expect(quota.order == [0, 3])
        #expect(quota.held.keys.sorted() == [1, 2, 4])
        #expect(quota.held.values.allSatisfy { $0.value == 1 && $0.byList })
    }
}
