/// Rows of words read in columns, as interlinear text: a sequence with a value under each
/// of its tokens, wrapped in blocks that fit the width.
///
/// ```
/// input   the  cat    [MASK]  on   the  mat
/// target  the  cat    sat     on   the  mat
/// loss    0.0  0.01   2.31    0.0  0.0  0.02
/// ```
///
/// Every column is as wide as its widest cell; a block ends before the column that would
/// cross the width, and the next block repeats the row labels.
public struct AlignedRows: Sendable {
  public var labels: [String]
  /// One array of cells per label, all of the same length (one cell per column).
  public var rows: [[String]]
  public var title: String?

  public init(labels: [String], rows: [[String]], title: String? = nil) {
    precondition(
      labels.count == rows.count, "AlignedRows: \(labels.count) labels but \(rows.count) rows")
    precondition(
      rows.allSatisfy { $0.count == rows.first?.count },
      "AlignedRows: every row needs the same number of cells")
    self.labels = labels
    self.rows = rows
    self.title = title
  }

  public func render(_ style: PlotStyle) -> [String] {
    var lines = title.map { TextWrap.fit($0, width: style.width, hanging: 2) } ?? []
    let labelWidth = labels.map(\.count).max() ?? 0
    let columns = rows.first?.count ?? 0
    let widths = (0..<columns).map { c in rows.map { $0[c].count }.max() ?? 0 }
    var start = 0
    while start < columns {
      // At least one column per block, however narrow the width.
      var end = start + 1
      var used = labelWidth + 2 + widths[start]
      while end < columns && used + 2 + widths[end] <= style.width {
        used += 2 + widths[end]
        end += 1
      }
      if start > 0 { lines.append("") }
      for (label, row) in zip(labels, rows) {
        let cells = (start..<end).map { padRight(row[$0], widths[$0]) }
        lines.append(padRight(label, labelWidth) + "  " + cells.joined(separator: "  "))
      }
      start = end
    }
    return lines.trimmingTrailingSpaces()
  }
}
