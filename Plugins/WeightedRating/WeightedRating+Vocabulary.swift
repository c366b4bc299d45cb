import Foundation
public import ShortlistCore

extension WeightedRating {
    /// Its terms' words, and what its statistics say in plain words: `it is popular lately:
    /// 290 votes, mean rating 3.91 against the 3.53 average, votes halving every 3 days`.
    public static var vocabulary: Vocabulary {
        Vocabulary(
            names: [
                "own-mean-share": .init("own mean share", plain: "its own mean rating's share"),
                "prior-share": .init("prior share", plain: "the average rating's share"),
            ],
            summary: { statistics in
                guard let votes = statistics["votes"] else { return nil }
                let halfLife = statistics["half-life-days"]
                var figures = "\(rounded(votes)) vote\(votes == 1 ? "" : "s")"
                if let mean = statistics["mean-rating"],
                    let average = statistics["global-mean-rating"]
                {
                    figures +=
                        ", mean rating \(rounded(mean)) against the \(rounded(average)) average"
                }
                if let halfLife {
                    figures +=
                        ", votes halving every \(rounded(halfLife)) day\(halfLife == 1 ? "" : "s")"
                }
                return Vocabulary.Summary(
                    reason: "it is popular" + (halfLife == nil ? "" : " lately"), figures: figures)
            })
    }

    /// A number for a sentence: whole, or with two decimals (`290`, `3.91`).
    private static func rounded(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.2f", value)
    }
}
