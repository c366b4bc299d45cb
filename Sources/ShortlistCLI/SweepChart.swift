import Foundation
import ShortlistCore
import ShortlistOutput
import ShortlistPipeline

/// `evaluate --sweep … --plot`: NDCG@K against intra-list diversity by genres, one point per
/// swept λ joined in λ order, each labelled with its λ, so a user can pick a trade-off.
///
/// The panel carries its axes' pixel mapping as `data-` attributes (`data-x0`, `data-x1` at
/// `data-xmin`, `data-xmax`; `data-y0`, `data-y1` at `data-ymin`, `data-ymax`), and each point
/// its values, so the picture can be read back as numbers.
struct SweepChart {
    let pipeline: String
    let split: String
    let k: Int
    /// Each swept λ with its report, in the order swept.
    let points: [(lambda: Double, report: EvaluationReport)]

    private let width = 560.0
    private let height = 380.0
    private let left = 80.0
    private let top = 70.0

    /// The SVG document; nil when the items have no genres (no diversity to plot).
    func render() -> String? {
        let values = points.compactMap { point in
            point.report.beyondAccuracy.intraListDiversity.map {
                (lambda: point.lambda, x: $0, y: point.report.final.ndcg)
            }
        }
        guard !values.isEmpty else { return nil }
        let (xmin, xmax) = Self.range(values.map(\.x))
        let (ymin, ymax) = Self.range(values.map(\.y))
        let x = { (value: Double) in left + width * (value - xmin) / (xmax - xmin) }
        let y = { (value: Double) in top + height - height * (value - ymin) / (ymax - ymin) }
        let bottom = top + height
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(left + width + 60))\" "
                + "height=\"\(n(bottom + 70))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"20\" y=\"24\" font-size=\"15\">Pipeline \(Format.xmlEscaped(pipeline)) on "
                + "split \(Format.xmlEscaped(split))</text>",
            "<text x=\"20\" y=\"44\">NDCG@\(k) against diversity, one point per λ of its mmr "
                + "steps (1 keeps the ranker's order)</text>",
            "<g data-panel=\"sweep\" data-x0=\"\(n(x(xmin)))\" data-x1=\"\(n(x(xmax)))\" "
                + "data-xmin=\"\(xmin)\" data-xmax=\"\(xmax)\" data-y0=\"\(n(y(ymin)))\" "
                + "data-y1=\"\(n(y(ymax)))\" data-ymin=\"\(ymin)\" data-ymax=\"\(ymax)\">",
            "<line x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(left + width))\" "
                + "y2=\"\(n(bottom))\" stroke=\"black\"/>",
            "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(bottom))\" "
                + "stroke=\"black\"/>",
            "<text x=\"\(n(left + width / 2))\" y=\"\(n(bottom + 40))\" text-anchor=\"middle\">"
                + "intra-list diversity by genres (mean pairwise 1 − Jaccard)</text>",
            "<text x=\"\(n(left - 56))\" y=\"\(n(top + height / 2))\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 \(n(left - 56)) \(n(top + height / 2)))\">NDCG@\(k)"
                + "</text>",
        ]
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let xValue = xmin + (xmax - xmin) * fraction
            let yValue = ymin + (ymax - ymin) * fraction
            parts.append(
                "<text x=\"\(n(x(xValue)))\" y=\"\(n(bottom + 16))\" text-anchor=\"middle\">"
                    + "\(String(format: "%.3f", xValue))</text>")
            parts.append(
                "<text x=\"\(n(left - 6))\" y=\"\(n(y(yValue) + 4))\" text-anchor=\"end\">"
                    + "\(String(format: "%.3f", yValue))</text>")
        }
        let line = values.map { "\(n(x($0.x))),\(n(y($0.y)))" }.joined(separator: " ")
        parts.append(
            "<polyline fill=\"none\" stroke=\"#4a7ab7\" stroke-width=\"2\" points=\"\(line)\"/>")
        for value in values {
            parts.append(
                "<circle data-lambda=\"\(value.lambda)\" data-diversity=\"\(value.x)\" "
                    + "data-ndcg=\"\(value.y)\" cx=\"\(n(x(value.x)))\" cy=\"\(n(y(value.y)))\" "
                    + "r=\"4\" fill=\"#d9822b\"><title>λ \(plainNumber(value.lambda)): NDCG "
                    + "\(String(format: "%.4f", value.y)), diversity "
                    + "\(String(format: "%.4f", value.x))</title></circle>")
            parts.append(
                "<text x=\"\(n(x(value.x) + 7))\" y=\"\(n(y(value.y) - 7))\">λ "
                    + "\(plainNumber(value.lambda))</text>")
        }
        parts += ["</g>", "</svg>"]
        return parts.joined(separator: "\n") + "\n"
    }

    /// An axis range around `values` with a margin of a tenth on each side (a small one when
    /// they are all equal).
    private static func range(_ values: [Double]) -> (Double, Double) {
        let low = values.min() ?? 0
        let high = values.max() ?? 1
        let margin = high > low ? (high - low) / 10 : max(abs(high) / 100, 0.001)
        return (low - margin, high + margin)
    }

    /// A coordinate with two decimals.
    private func n(_ value: Double) -> String { String(format: "%.2f", value) }
}
