/// A matrix drawn as shades, with row and column labels and a scale: attention weights,
/// bigram tables, confusion matrices.
///
/// ```
///         t  c  s
///         h  a  a
///         e  t  t
/// the       ░░ ▓▓
/// cat    ░░    ██
/// sat    ▒▒ ░░
/// scale: ·0.17 ░0.33 ▒0.50 ▓0.67 █0.83  (0 to 1)
/// ```
///
/// Each cell is a shade from blank (the low end of the range) to full (the high end).
/// With `showValues`, the number is printed after the shade, for small matrices where
/// both the pattern and the exact values matter. Column labels that do not fit across
/// are written downwards.
public struct Heatmap: Sendable {
  public var values: [[Double]]
  public var rowLabels: [String]
  public var columnLabels: [String]
  public var title: String?
  public var showValues: Bool
  /// The values mapped to the lightest and darkest shades (default: the data's range).
  public var range: ClosedRange<Double>?
  /// Decimals shown with `showValues`.
  public var precision: Int

  public init<Value: BinaryFloatingPoint>(
    _ values: [[Value]], rowLabels: [String], columnLabels: [String], title: String? = nil,
    showValues: Bool = false, range: ClosedRange<Double>? = nil, precision: Int = 2
  ) {
    precondition(
      values.count == rowLabels.count,
      "Heatmap: \(values.count) rows but \(rowLabels.count) row labels")
    precondition(
      values.allSatisfy { $0.count == columnLabels.count },
      "Heatmap: every row needs \(columnLabels.count) values, one per column label")
    self.values = values.map { $0.map { Double($0) } }
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
    self.title = title
    self.showValues = showValues
    self.range = range
    self.precision = precision
  }

  func shades(_ style: PlotStyle) -> [String] {
    style.ascii
      ? [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"] : [" ", "·", "░", "▒", "▓", "█"]
  }

  public func render(_ style: PlotStyle) -> [String] {
    var lines: [String] = []
    if let title { lines += TextWrap.fit(title, width: style.width, hanging: 2) }
    let finite = values.flatMap { $0 }.filter { $0.isFinite }
    let low = range?.lowerBound ?? finite.min() ?? 0
    let high = range?.upperBound ?? finite.max() ?? 1
    let ramp = shades(style)
    func level(_ v: Double) -> Int {
      guard v.isFinite else { return 0 }
      if high <= low { return v > 0 ? ramp.count - 1 : 0 }
      let t = Swift.min(Swift.max((v - low) / (high - low), 0), 1)
      // A value on a boundary between two shades belongs to the upper one, as the legend
      // says ("0–0.4" holds 0). Within 1e-4 of the range of a boundary counts as on it, the
      // tolerance the legend uses to print a bound as 0: a range meant to be symmetric,
      // such as a sinusoid's, is rarely exactly so, and sin(0) fell a shade low.
      let position = (t + 1e-4) * Double(ramp.count - 1) + 0.5
      return Swift.min(Int(position.rounded(.down)), ramp.count - 1)
    }
    func number(_ v: Double) -> String { String(format: "%.\(precision)f", v) }
    let labelWidth = rowLabels.map { $0.count }.max() ?? 0
    // Cells are as wide as their numbers, or as their column labels when those are longer
    // (up to 8 characters) and every column still fits; otherwise labels are written
    // downwards.
    let valueWidth = showValues ? (finite.map { number($0).count }.max() ?? 1) + 1 : 2
    let longest = Swift.min(columnLabels.map { $0.count }.max() ?? 0, 8)
    let widened = Swift.max(valueWidth, longest)
    let fitsWidened = labelWidth + 1 + columnLabels.count * (widened + 1) <= style.width + 1
    let cellWidth = fitsWidened ? widened : valueWidth
    let available = Swift.max(1, (style.width - labelWidth - 1) / (cellWidth + 1))
    let shown = Swift.min(columnLabels.count, available)
    let indent = String(repeating: " ", count: labelWidth + 1)
    let columns = Array(columnLabels.prefix(shown))
    // Numbers are right-aligned in their cells, so their labels are too.
    let place = showValues ? padLeft : padRight
    if columns.allSatisfy({ $0.count <= cellWidth }) {
      lines.append(indent + columns.map { place($0, cellWidth) }.joined(separator: " "))
    } else {
      let depth = Swift.min(columns.map { $0.count }.max() ?? 0, 8)
      for d in 0..<depth {
        let row = columns.map { label -> String in
          let characters = Array(label)
          return place(d < characters.count ? String(characters[d]) : "", cellWidth)
        }
        lines.append(indent + row.joined(separator: " "))
      }
    }
    for (r, label) in rowLabels.enumerated() {
      let cells = values[r].prefix(shown).map { v -> String in
        let shade = ramp[level(v)]
        return showValues
          ? padLeft(shade + number(v), cellWidth)
          : String(repeating: shade, count: cellWidth)
      }
      lines.append(padRight(label, labelWidth) + " " + cells.joined(separator: " "))
    }
    if shown < columnLabels.count {
      lines.append("(\(columnLabels.count - shown) more columns not shown at this width)")
    }
    // Each shade stands for an interval of values, blank for the lowest: the legend gives
    // every interval's bounds (a bound within 1e-4 of the range from 0 is rounding noise
    // of a range meant to be symmetric, and is shown as 0).
    func bound(_ i: Int) -> String {
      var value = low + (high - low) * (Double(i) - 0.5) / Double(ramp.count - 1)
      if Swift.abs(value) < 1e-4 * Swift.max(high - low, 1e-300) { value = 0 }
      return formatNumber(value)
    }
    let last = ramp.count - 1
    var legend = ["blank < \(bound(1))"]
    legend += (1..<last).map { "\(ramp[$0]) \(bound($0))–\(bound($0 + 1))" }
    legend.append("\(ramp[last]) ≥ \(bound(last))")
    lines += TextWrap.join(legend, prefix: "scale: ", width: style.width)
    return lines.trimmingTrailingSpaces()
  }
}
