import ShortlistCore

/// One side's interactions as compressed rows of (other side, confidence 1 + α·r).
struct ConfidenceRows: Sendable {
    var offsets: [Int]
    var columns: [Int32]
    var confidences: [Float]

    init(_ matrix: InteractionMatrix, params: MatrixFactorization.Params) {
        offsets = [0]
        columns = []
        confidences = []
        let floor = Float(params.minRating)
        let alpha = Float(params.alpha)
        for row in 0..<matrix.rowCount {
            for entry in matrix.range(of: row) where matrix.ratings[entry] >= floor {
                columns.append(matrix.columns[entry])
                confidences.append(
                    1 + alpha * (params.confidence == .rating ? matrix.ratings[entry] : 1))
            }
            offsets.append(columns.count)
        }
    }
}
