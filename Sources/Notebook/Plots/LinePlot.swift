import Foundation

/// A line plot of one or more series against a shared x axis: loss curves, above all.
///
/// ```
/// loss
///  4.17 ┤●●
///       │  ●●●
///  2.09 ┤     ●●●●●○○○○
///       │              ●●●●●
///     0 ┤
///       └──────────────────────
///        0                  300
///        ● train  ○ validation
/// ```
///
/// In Unicode each line is drawn in braille dots, two columns and four rows of them per
/// character, and ends at its series' mark; lines that cross or run together share their
/// dots, so neither hides the other. In ASCII each series is drawn with its own marker and
/// a cell two series share gets a collision mark (`&`; `◍` where two Unicode lines end in
/// one cell). Where several points fall into one column their mean is drawn; between
/// points the line is interpolated. With
/// `logScale`, the y axis is logarithmic (non-positive values are left out), which shows
/// both the fast early drop and the slow late progress of a loss.
///
/// `references` draws labelled horizontal lines ("best n-gram", "best possible") across the
/// empty cells of their row; `yRange` fixes the y axis (values outside it are left out, and
/// the plot says how many), to zoom in on the series that matter.
public struct LinePlot: Sendable {
  /// One curve: y values, at x positions `xs` (default `0, 1, 2, …`).
  public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    public var xs: [Double]?

    public init<Value: BinaryFloatingPoint>(_ name: String, _ values: [Value], xs: [Double]? = nil)
    {
      precondition(
        xs == nil || xs!.count == values.count, "LinePlot.Series: xs and values differ in length")
      self.name = name
      self.values = values.map { Double($0) }
      self.xs = xs
    }

    var points: [(x: Double, y: Double)] {
      values.indices.map { (xs?[$0] ?? Double($0), values[$0]) }
    }
  }

  /// A labelled horizontal line at `value`.
  public struct Reference: Sendable {
    public var label: String
    public var value: Double

    public init(_ label: String, _ value: Double) {
      self.label = label
      self.value = value
    }
  }

  public var series: [Series]
  public var title: String?
  public var height: Int
  public var logScale: Bool
  public var xLabel: String?
  public var references: [Reference]
  /// The y axis's range, in the data's units; `nil` fits every series and reference.
  public var yRange: ClosedRange<Double>?

  public init(
    _ series: [Series], title: String? = nil, height: Int = 10, logScale: Bool = false,
    xLabel: String? = nil, references: [Reference] = [], yRange: ClosedRange<Double>? = nil
  ) {
    self.series = series
    self.title = title
    self.height = Swift.max(height, 2)
    self.logScale = logScale
    self.xLabel = xLabel
    self.references = references
    self.yRange = yRange
  }

  public func render(_ style: PlotStyle) -> [String] {
    func transform(_ y: Double) -> Double? {
      guard y.isFinite else { return nil }
      if logScale { return y > 0 ? Foundation.log10(y) : nil }
      return y
    }
    let all = series.flatMap { $0.points }
    var lines: [String] = []
    if let title { lines += TextWrap.fit(title, width: style.width, hanging: 2) }
    guard let first = all.map({ $0.x }).min(), let last = all.map({ $0.x }).max() else {
      return lines + ["(no data to plot)"]
    }
    let xMin = LinePlot.axisStart(first)
    let xMax = LinePlot.axisEnd(last, first: first)
    // The y range is that of what is drawn (column means), found with a provisional
    // width; labels rarely change the width enough to matter.
    let provisional = Swift.max(style.width - 8, 8)
    var ys = series.flatMap { columnValues($0, xMin, xMax, provisional, transform).map { $0.1 } }
    ys += references.compactMap { transform($0.value) }
    let fixed = yRange.flatMap { range in
      transform(range.lowerBound).flatMap { a in transform(range.upperBound).map { (a, $0) } }
    }
    if let fixed { ys = [fixed.0, fixed.1] }
    guard let yMin = ys.min(), let yMax = ys.max() else { return lines + ["(no data to plot)"] }
    let low = yMin == yMax ? yMin - 1 : yMin
    let high = yMin == yMax ? yMax + 1 : yMax
    func label(_ t: Double) -> String { formatNumber(logScale ? Foundation.pow(10, t) : t) }
    let labelRows = [0, (height - 1) / 2, height - 1]
    let labels = labelRows.map { label(high - (high - low) * Double($0) / Double(height - 1)) }
    let labelWidth = labels.map { $0.count }.max() ?? 1
    let width = Swift.max(style.width - labelWidth - 2, 8)
    func row(_ t: Double) -> Int {
      Int(((high - t) / (high - low) * Double(height - 1)).rounded())
    }
    var grid = Grid(width: width, height: height)
    var empty = [Bool](repeating: true, count: width * height)
    var collided = false
    var outside = 0
    if style.ascii {
      // Which series reach each cell: one is drawn with its marker, several with the
      // collision mark.
      var owners = [[Int]](repeating: [], count: width * height)
      for (s, curve) in series.enumerated() {
        for (column, value) in columnValues(curve, xMin, xMax, width, transform) {
          let r = row(value)
          guard (0..<height).contains(r) else {
            outside += 1
            continue
          }
          if !owners[r * width + column].contains(s) { owners[r * width + column].append(s) }
        }
      }
      for r in 0..<height {
        for c in 0..<width {
          let here = owners[r * width + c]
          empty[r * width + c] = here.isEmpty
          if here.count == 1 {
            grid[r, c] = style.colored(
              style.markers[here[0] % style.markers.count], series: here[0])
          }
          if here.count > 1 {
            grid[r, c] = style.collision
            collided = true
          }
        }
      }
    } else {
      // Braille: each cell holds 2 × 4 dots, so lines are drawn at twice the columns and
      // four times the rows. Overlapping lines share their cells' dots, so both shapes
      // stay visible; each line ends at its series' mark, which the legend names.
      var dots = [UInt8](repeating: 0, count: width * height)
      // The series whose dots a cell holds: -1 none, -2 several (drawn without colour).
      var owner = [Int](repeating: -1, count: width * height)
      // Each series' cells, column by column, for the marks along its line.
      var cellsOf = [[Int: Int]](repeating: [:], count: series.count)
      var ends: [Int: [Int]] = [:]
      let dotRows = height * 4
      func dotRow(_ t: Double) -> Int {
        Int(((high - t) / (high - low) * Double(dotRows - 1)).rounded())
      }
      func set(_ x: Int, _ y: Int, _ s: Int) {
        let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        let cell = (y / 4) * width + x / 2
        dots[cell] |= bits[x % 2][y % 4]
        owner[cell] = owner[cell] == -1 || owner[cell] == s ? s : -2
      }
      for (s, curve) in series.enumerated() {
        var previous: Int? = nil
        var last: Int? = nil
        var outsideColumns = Set<Int>()
        for (x, value) in columnValues(curve, xMin, xMax, width * 2, transform) {
          let y = dotRow(value)
          guard (0..<dotRows).contains(y) else {
            outsideColumns.insert(x / 2)
            previous = nil
            continue
          }
          // Fill the rows between this dot and the last one, so steep lines stay joined.
          let from = previous.map { Swift.min($0, y) } ?? y
          let to = previous.map { Swift.max($0, y) } ?? y
          for yy in from...to { set(x, yy, s) }
          previous = y
          last = (y / 4) * width + x / 2
          cellsOf[s][x / 2] = last
        }
        outside += outsideColumns.count
        if let last { ends[last, default: []].append(s) }
      }
      for r in 0..<height {
        for c in 0..<width where dots[r * width + c] != 0 {
          empty[r * width + c] = false
          grid[r, c] = style.colored(
            String(UnicodeScalar(0x2800 + UInt32(dots[r * width + c]))!),
            series: owner[r * width + c])
        }
      }
      // With several series, each line also carries its mark along the way (every quarter
      // of the width, staggered by series), where it has a cell to itself: the lines can be
      // told apart without colour too.
      if series.count > 1 {
        let spacing = Swift.max(10, width / 4)
        for s in series.indices {
          for c in stride(from: spacing / 2 + 3 * s, to: width - 2, by: spacing) {
            guard let cell = cellsOf[s][c], owner[cell] == s, ends[cell] == nil else { continue }
            grid[cell / width, cell % width] = style.colored(
              style.markers[s % style.markers.count], series: s)
          }
        }
      }
      for (cell, owners) in ends {
        collided = collided || owners.count > 1
        grid[cell / width, cell % width] =
          owners.count > 1
          ? style.collision
          : style.colored(style.markers[owners[0] % style.markers.count], series: owners[0])
      }
    }
    var drawnReferences: [(reference: Reference, dash: String)] = []
    for (i, reference) in references.enumerated() {
      let dash = style.dashes[i % style.dashes.count]
      guard let t = transform(reference.value) else { continue }
      let r = row(t)
      guard (0..<height).contains(r) else { continue }
      drawnReferences.append((reference, dash))
      for c in 0..<width where empty[r * width + c] { grid[r, c] = dash }
    }
    for r in 0..<height {
      if let i = labelRows.firstIndex(of: r) {
        lines.append(padLeft(labels[i], labelWidth) + " " + style.tick + grid.line(r))
      } else {
        lines.append(String(repeating: " ", count: labelWidth + 1) + style.vertical + grid.line(r))
      }
    }
    let indent = String(repeating: " ", count: labelWidth + 1)
    lines.append(indent + style.corner + String(repeating: style.horizontal, count: width))
    let left = formatNumber(xMin)
    let right = formatNumber(xMax)
    let middle = xLabel.map { " \($0) " } ?? ""
    let gap = Swift.max(1, width + 1 - left.count - right.count - middle.count)
    let leftGap = gap / 2
    lines.append(
      indent + left + String(repeating: " ", count: leftGap) + middle
        + String(repeating: " ", count: gap - leftGap) + right)
    var legend: [String] = []
    if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
      legend += series.enumerated().map {
        style.colored(style.markers[$0.offset % style.markers.count], series: $0.offset)
          + " \($0.element.name)"
      }
    }
    if collided { legend.append("\(style.collision) several") }
    legend += drawnReferences.map {
      "\($0.dash) \($0.reference.label) \(formatNumber($0.reference.value, digits: 4))"
    }
    if !legend.isEmpty { lines += TextWrap.join(legend, prefix: indent + " ", width: style.width) }
    if outside > 0 {
      lines += TextWrap.fit(
        indent + " (outside the y range, not drawn: \(outside) column\(outside == 1 ? "" : "s") "
          + "of the curves)", width: style.width, hanging: indent.count + 2)
    }
    return lines.trimmingTrailingSpaces()
  }

  /// Where the x axis starts for data starting at `x`: at 0 when `x` is a positive
  /// fraction — the middle of the first window of a smoothed training curve ("2.5") — so
  /// that a curve over steps is drawn from step 0, not from an odd number; at `x` otherwise.
  static func axisStart(_ x: Double) -> Double {
    x > 0 && x != x.rounded(.down) ? 0 : x
  }

  /// Where the x axis ends for data from `first` to `x`: when the axis starts at 0 for a
  /// smoothed curve (see `axisStart`) and `x` is a fraction too, the middle of the last
  /// window ("95.5"), at the next round number (100), so that both ends read as steps; at `x`
  /// otherwise.
  static func axisEnd(_ x: Double, first: Double) -> Double {
    guard axisStart(first) != first, x > 0, x != x.rounded(.down) else { return x }
    let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(x)))
    let steps: [Double] = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]
    return magnitude * (steps.first { magnitude * $0 >= x } ?? 10)
  }

  /// The (transformed) value to draw in each column the series covers: the mean of the
  /// points in that column, or a linear interpolation between the nearest points.
  func columnValues(
    _ curve: Series, _ xMin: Double, _ xMax: Double, _ width: Int,
    _ transform: (Double) -> Double?
  ) -> [(Int, Double)] {
    let points = curve.points.compactMap { p in transform(p.y).map { (x: p.x, y: $0) } }
      .sorted { $0.x < $1.x }
    guard !points.isEmpty else { return [] }
    let span = xMax - xMin
    func column(_ x: Double) -> Int {
      span == 0 ? 0 : Int(((x - xMin) / span * Double(width - 1)).rounded())
    }
    var sums = [Double](repeating: 0, count: width)
    var counts = [Int](repeating: 0, count: width)
    for p in points {
      sums[column(p.x)] += p.y
      counts[column(p.x)] += 1
    }
    let first = column(points[0].x)
    let last = column(points[points.count - 1].x)
    var result: [(Int, Double)] = []
    var j = 0
    for c in first...last {
      if counts[c] > 0 {
        result.append((c, sums[c] / Double(counts[c])))
        continue
      }
      let x = xMin + span * Double(c) / Double(width - 1)
      while j + 1 < points.count && points[j + 1].x < x { j += 1 }
      guard j + 1 < points.count else { continue }
      let a = points[j]
      let b = points[j + 1]
      let t = b.x == a.x ? 0 : (x - a.x) / (b.x - a.x)
      result.append((c, a.y + (b.y - a.y) * t))
    }
    return result
  }
}
