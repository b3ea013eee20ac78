import Foundation

/// Horizontal bars with labels and values: next-token probabilities, parameter counts,
/// the words with the largest weights.
///
/// ```
/// dog  ████████████▍ 0.52
/// cat  ██████▏       0.26
/// the  ██▉           0.12
/// ```
///
/// Bars are drawn in eighths of a character with Unicode blocks, or whole `#` characters
/// in ASCII. When some values are negative, bars grow left and right of a central axis.
public struct BarChart: Sendable {
  public var labels: [String]
  public var values: [Double]
  public var title: String?
  /// How each value is written after its bar (default: 3 significant digits).
  public var valueText: [String]?

  public init<Value: BinaryFloatingPoint>(
    labels: [String], values: [Value], title: String? = nil, valueText: [String]? = nil
  ) {
    precondition(
      labels.count == values.count, "BarChart: \(labels.count) labels for \(values.count) values")
    self.labels = labels
    self.values = values.map { Double($0) }
    self.title = title
    self.valueText = valueText
  }

  public func render(_ style: PlotStyle) -> [String] {
    var lines: [String] = []
    if let title { lines += TextWrap.fit(title, width: style.width, hanging: 2) }
    if values.isEmpty { return lines + ["(no data to plot)"] }
    let texts = valueText ?? values.map { formatNumber($0) }
    let labelWidth = labels.map { $0.count }.max() ?? 0
    let textWidth = texts.map { $0.count }.max() ?? 0
    let barWidth = Swift.max(style.width - labelWidth - textWidth - 3, 4)
    let largest = values.map { Swift.abs($0) }.filter { $0.isFinite }.max() ?? 0
    let hasNegative = values.contains { $0 < 0 }
    for (i, value) in values.enumerated() {
      let bar: String
      if hasNegative {
        let half = (barWidth - 1) / 2
        let length = largest > 0 ? Int((Swift.abs(value) / largest * Double(half)).rounded()) : 0
        let block = style.ascii ? "#" : "█"
        let left = value < 0 ? String(repeating: block, count: length) : ""
        let right = value > 0 ? String(repeating: block, count: length) : ""
        bar = padLeft(left, half) + style.vertical + padRight(right, half)
      } else {
        bar = padRight(Self.bar(value, largest, barWidth, style), barWidth)
      }
      lines.append(padRight(labels[i], labelWidth) + " " + bar + " " + texts[i])
    }
    return lines.trimmingTrailingSpaces()
  }

  /// A bar of `value / largest · width` characters, with a partial block at the end.
  static func bar(_ value: Double, _ largest: Double, _ width: Int, _ style: PlotStyle) -> String {
    guard largest > 0, value.isFinite, value > 0 else { return "" }
    let eighths = Int((value / largest * Double(width) * 8).rounded())
    if style.ascii { return String(repeating: "#", count: (eighths + 4) / 8) }
    let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
  }
}

/// A histogram: values counted into equal-width bins and drawn as bars.
///
/// Use it to see the spread of activations, weights or gradient norms.
public struct Histogram: Sendable {
  public var values: [Double]
  public var bins: Int
  public var title: String?

  public init<Value: BinaryFloatingPoint>(_ values: [Value], bins: Int = 10, title: String? = nil) {
    precondition(bins > 0, "Histogram: bins must be positive")
    self.values = values.map { Double($0) }
    self.bins = bins
    self.title = title
  }

  /// The bin edges and the count in each bin; the last bin includes its upper edge.
  public func counts() -> (edges: [Double], counts: [Int]) {
    let finite = values.filter { $0.isFinite }
    guard let low = finite.min(), let high = finite.max() else { return ([], []) }
    let span = high > low ? high - low : 1
    let edges = (0...bins).map { low + span * Double($0) / Double(bins) }
    var counts = [Int](repeating: 0, count: bins)
    for v in finite { counts[Swift.min(Int((v - low) / span * Double(bins)), bins - 1)] += 1 }
    return (edges, counts)
  }

  /// The histogram as bars, one per bin, labelled with the bin's interval; `nil` without
  /// finite values.
  var bars: BarChart? {
    let (edges, counts) = counts()
    if counts.isEmpty { return nil }
    let labels = (0..<bins).map { i in
      "[\(formatNumber(edges[i])), \(formatNumber(edges[i + 1]))\(i == bins - 1 ? "]" : ")")"
    }
    return BarChart(
      labels: labels, values: counts.map(Double.init), title: title,
      valueText: counts.map(String.init))
  }

  public func render(_ style: PlotStyle) -> [String] {
    bars?.render(style) ?? (title.map { [$0] } ?? []) + ["(no data to plot)"]
  }
}
