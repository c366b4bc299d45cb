import Foundation
import ShortlistOutput
import ShortlistPipeline

/// `evaluate --plot`: NDCG@K and recall@K against K for each stage and the final list, and each
/// stage's recall at its limit beside the union's, as one SVG.
///
/// Every panel carries its axes' pixel mapping as `data-` attributes (`data-x0`, `data-x1` for
/// the first and last K or bar, `data-y0`, `data-y1` for 0 and `data-ymax`), so the points can
/// be read back as numbers.
struct EvaluationChart {
    let report: EvaluationReport
    let curves: EvaluationReport.Curves

    private static let colours = ["#4a7ab7", "#5a9e4b", "#9b59b6", "#c0392b", "#16a085", "#888888"]
    private let panelWidth = 280.0
    private let panelHeight = 220.0
    private let top = 70.0
    private let gap = 80.0
    private let left = 70.0

    /// The SVG document.
    func render() -> String {
        let series =
            curves.stages.enumerated().map { index, stage in
                (name: stage.stage, curve: stage.curve, colour: Self.colours[index % 6])
            } + [(name: "final list", curve: curves.final, colour: "#d9822b")]
        let width = left + 3 * panelWidth + 2 * gap + 40
        let legendTop = top + panelHeight + 60
        let height = legendTop + Double(series.count + 1) * 18 + 20
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
                + "font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"20\" y=\"28\" font-size=\"15\">Evaluation of pipeline "
                + "\(Format.xmlEscaped(report.pipeline)) on split "
                + "\(Format.xmlEscaped(report.split)): \(report.usersEvaluated) users</text>",
        ]
        parts += linePanel(
            "ndcg", title: "NDCG@K", at: left,
            series: series.map { ($0.name, $0.curve.ndcg, $0.colour) })
        parts += linePanel(
            "recall", title: "recall@K", at: left + panelWidth + gap,
            series: series.map { ($0.name, $0.curve.recall, $0.colour) })
        parts += barPanel(at: left + 2 * (panelWidth + gap))
        for (index, line) in series.enumerated() {
            let y = legendTop + Double(index) * 18
            let dash = line.name == "final list" ? " stroke-dasharray=\"8 5\"" : ""
            parts.append(
                "<line x1=\"\(n(left))\" y1=\"\(n(y - 4))\" x2=\"\(n(left + 24))\" y2=\"\(n(y - 4))\" "
                    + "stroke=\"\(line.colour)\" stroke-width=\"2\"\(dash)/>"
                    + "<text x=\"\(n(left + 30))\" y=\"\(n(y))\">\(Format.xmlEscaped(line.name))</text>"
            )
        }
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    /// One panel of curves over K = 1 … depth.
    private func linePanel(
        _ id: String, title: String, at x0: Double, series: [(String, [Double], String)]
    ) -> [String] {
        let depth = curves.depth
        let ymax = Format.axisMaximum(series.flatMap(\.1).max() ?? 0)
        let x = { (k: Int) in x0 + panelWidth * Double(k - 1) / Double(max(depth - 1, 1)) }
        let y = { (value: Double) in top + panelHeight - panelHeight * value / ymax }
        var parts = [
            "<g data-panel=\"\(id)\" data-x0=\"\(n(x(1)))\" data-x1=\"\(n(x(depth)))\" "
                + "data-k0=\"1\" data-k1=\"\(depth)\" data-y0=\"\(n(y(0)))\" "
                + "data-y1=\"\(n(y(ymax)))\" data-ymax=\"\(ymax)\">"
        ]
        parts += axes(at: x0, title: title, xLabel: "K (list length)", yLabel: title, ymax: ymax)
        for k in [1] + stride(from: 10, through: depth, by: 10) {
            parts.append(
                "<text x=\"\(n(x(k)))\" y=\"\(n(top + panelHeight + 16))\" text-anchor=\"middle\">"
                    + "\(k)</text>")
        }
        for (name, values, colour) in series {
            let points = values.enumerated().map { "\(n(x($0 + 1))),\(n(y($1)))" }
            let dash = name == "final list" ? " stroke-dasharray=\"8 5\"" : ""
            parts.append(
                "<polyline data-series=\"\(Format.xmlEscaped(name))\" fill=\"none\" "
                    + "stroke=\"\(colour)\" stroke-width=\"2\"\(dash) "
                    + "points=\"\(points.joined(separator: " "))\"/>")
        }
        parts.append("</g>")
        return parts
    }

    /// Each stage's recall at its limit and the union's, as bars.
    private func barPanel(at x0: Double) -> [String] {
        let bars =
            report.generators.enumerated().map { index, stage in
                (
                    name: "\(stage.stage) (limit \(stage.limit))", value: stage.recallAtLimit,
                    colour: Self.colours[index % 6]
                )
            } + [(name: "union", value: report.unionRecall, colour: "#555555")]
        let ymax = Format.axisMaximum(bars.map(\.value).max() ?? 0)
        let slot = panelWidth / Double(bars.count)
        let y = { (value: Double) in top + panelHeight - panelHeight * value / ymax }
        var parts = [
            "<g data-panel=\"recall-at-limit\" data-x0=\"\(n(x0 + slot / 2))\" "
                + "data-x1=\"\(n(x0 + slot * (Double(bars.count) - 0.5)))\" data-y0=\"\(n(y(0)))\" "
                + "data-y1=\"\(n(y(ymax)))\" data-ymax=\"\(ymax)\">"
        ]
        parts += axes(
            at: x0, title: "recall at each stage's limit", xLabel: "", yLabel: "recall", ymax: ymax)
        for (index, bar) in bars.enumerated() {
            let centre = x0 + slot * (Double(index) + 0.5)
            parts.append(
                "<rect data-series=\"\(Format.xmlEscaped(bar.name))\" x=\"\(n(centre - slot * 0.35))\" "
                    + "y=\"\(n(y(bar.value)))\" width=\"\(n(slot * 0.7))\" "
                    + "height=\"\(n(y(0) - y(bar.value)))\" fill=\"\(bar.colour)\"/>")
            parts.append(
                "<text x=\"\(n(centre))\" y=\"\(n(y(bar.value) - 4))\" text-anchor=\"middle\">"
                    + "\(String(format: "%.3f", bar.value))</text>")
            parts.append(
                "<text x=\"\(n(centre))\" y=\"\(n(top + panelHeight + 16))\" text-anchor=\"end\" "
                    + "transform=\"rotate(-30 \(n(centre)) \(n(top + panelHeight + 16)))\">"
                    + "\(Format.xmlEscaped(bar.name))</text>")
        }
        parts.append("</g>")
        return parts
    }

    /// A panel's title, its two axes with their labels and five value ticks.
    private func axes(at x0: Double, title: String, xLabel: String, yLabel: String, ymax: Double)
        -> [String]
    {
        let bottom = top + panelHeight
        var parts = [
            "<text x=\"\(n(x0 + panelWidth / 2))\" y=\"\(n(top - 14))\" text-anchor=\"middle\" "
                + "font-size=\"13\">\(Format.xmlEscaped(title))</text>",
            "<line x1=\"\(n(x0))\" y1=\"\(n(bottom))\" x2=\"\(n(x0 + panelWidth))\" y2=\"\(n(bottom))\" "
                + "stroke=\"black\"/>",
            "<line x1=\"\(n(x0))\" y1=\"\(n(top))\" x2=\"\(n(x0))\" y2=\"\(n(bottom))\" stroke=\"black\"/>",
            "<text x=\"\(n(x0 + panelWidth / 2))\" y=\"\(n(bottom + 36))\" text-anchor=\"middle\">"
                + "\(Format.xmlEscaped(xLabel))</text>",
            "<text x=\"\(n(x0 - 48))\" y=\"\(n(top + panelHeight / 2))\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 \(n(x0 - 48)) \(n(top + panelHeight / 2)))\">"
                + "\(Format.xmlEscaped(yLabel))</text>",
        ]
        for tick in 0...4 {
            let value = ymax * Double(tick) / 4
            let y = bottom - panelHeight * Double(tick) / 4
            parts.append(
                "<text x=\"\(n(x0 - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">"
                    + "\(Format.tick(value))</text>")
        }
        return parts
    }

    /// A coordinate with two decimals.
    private func n(_ value: Double) -> String { String(format: "%.2f", value) }
}
