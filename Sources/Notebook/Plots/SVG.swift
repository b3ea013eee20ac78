import Foundation

/// Plots drawn as inline SVG for the web page export, where text plots cannot be read: a
/// browser draws braille in whatever font it finds, often a proportional one, and curves
/// then run past their axes.
///
/// Each figure scales to the width of the page (a `viewBox` and `width: 100%`), is
/// coloured series by series in the terminal's order (blue, red, green, magenta, cyan,
/// yellow) with a legend, and says in text what the terminal plot says (axis ends, the
/// values of reference lines, the points left out). The text plot stays in the Markdown
/// and notebook exports.
enum SVG {
  /// The series colours, in the order of `PlotStyle.palette`, dark enough for a white page.
  static let colors = ["#1f6fb4", "#c8302c", "#2a8a3a", "#8e44ad", "#13929b", "#a88c00"]
  /// The drawing's width in its own units: at most 640 pixels on the page (a third larger),
  /// and on a phone about 360 (three quarters), so its 11–13 unit text stays readable.
  static let width = 480.0

  static func color(_ index: Int) -> String { colors[index % colors.count] }

  /// Round tick values between `low` and `high`: steps of 1, 2 or 5 times a power of ten,
  /// about `count` of them.
  static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard high > low, low.isFinite, high.isFinite else { return [low] }
    let raw = (high - low) / Double(count)
    let power = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
    let first = Int(Foundation.ceil(low / step - 1e-9))
    let last = Int(Foundation.floor(high / step + 1e-9))
    return first <= last ? (first...last).map { Double($0) * step } : [low]
  }

  /// Ticks for a log10 axis running from `low` to `high` (in log10 units): the powers of
  /// ten, when at least two fall inside; else round values of the data's own units.
  static func logTicks(_ low: Double, _ high: Double) -> [Double] {
    let (first, last) = (Foundation.ceil(low - 1e-9), Foundation.floor(high + 1e-9))
    let decades = first <= last ? stride(from: first, through: last, by: 1).map { $0 } : []
    if decades.count >= 2 {
      let stride = Swift.max(1, decades.count / 6)
      return decades.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
    }
    return ticks(Foundation.pow(10, low), Foundation.pow(10, high)).filter { $0 > 0 }
      .map { Foundation.log10($0) }
  }

  /// A number for an SVG attribute: two decimals, no exponent.
  static func n(_ value: Double) -> String { trimmingZeros(String(format: "%.2f", value)) }

  static func text(
    _ string: String, x: Double, y: Double, anchor: String = "start", size: Double = 12,
    fill: String = "#1d1f21", extra: String = ""
  ) -> String {
    "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" "
      + "fill=\"\(fill)\"\(extra)>\(Transcript.escaped(string))</text>"
  }

  /// The `<svg>` element around `body`, with a title for screen readers.
  static func figure(height: Double, title: String?, _ body: [String]) -> String {
    let label = Transcript.escaped(title ?? "plot")
    return "<svg class=\"plot\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" "
      + "aria-label=\"\(label)\" "
      + "font-family=\"-apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\">"
      + (title.map { "<title>\(Transcript.escaped($0))</title>" } ?? "") + body.joined()
      + "</svg>"
  }

  /// A plot's title and the frame of its drawing area.
  static func frame(
    title: String?, left: Double, top: Double, width: Double, height: Double
  ) -> [String] {
    (title.map { [text($0, x: left, y: 16, size: 13, extra: " font-weight=\"600\"")] } ?? [])
      + [
        "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(width))\" height=\"\(n(height))\" "
          + "fill=\"none\" stroke=\"#c4c8cf\"/>"
      ]
  }

  /// What marks a legend entry: a line (dashed for a reference), a box, or nothing.
  enum Swatch {
    case line(String, dashed: Bool)
    case box(String)
    case none

    func draw(x: Double, y: Double) -> String {
      switch self {
      case .line(let color, let dashed):
        return "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 16))\" y2=\"\(n(y))\" "
          + "stroke=\"\(color)\" stroke-width=\"2.5\""
          + (dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>"
      case .box(let color):
        return "<rect x=\"\(n(x))\" y=\"\(n(y - 4))\" width=\"16\" height=\"8\" fill=\"\(color)\"/>"
      case .none:
        return ""
      }
    }
  }

  /// A legend of swatches and names, wrapped to the figure's width; returns the elements
  /// and the height used.
  static func legend(_ entries: [(swatch: Swatch, label: String)], top: Double) -> (
    [String], Double
  ) {
    var elements: [String] = []
    var x = 56.0
    var y = top + 14
    for entry in entries {
      let itemWidth = 22 + Double(entry.label.count) * 6.6 + 14
      if x + itemWidth > width - 8 && x > 56 {
        x = 56
        y += 18
      }
      elements.append(entry.swatch.draw(x: x, y: y - 4))
      elements.append(text(entry.label, x: x + 22, y: y))
      x += itemWidth
    }
    return (elements, entries.isEmpty ? 0 : y - top + 8)
  }
}

extension LinePlot {
  /// The plot as SVG: the same series, x range, y range (log or not), reference lines and
  /// left-out points as the text plot.
  public func svg() -> String? {
    func transform(_ y: Double) -> Double? {
      guard y.isFinite else { return nil }
      if logScale { return y > 0 ? Foundation.log10(y) : nil }
      return y
    }
    let all = series.flatMap { $0.points }
    guard let first = all.map({ $0.x }).min(), let last = all.map({ $0.x }).max() else {
      return nil
    }
    let xMin = LinePlot.axisStart(first)
    let xMax = LinePlot.axisEnd(last, first: first)
    var ys = all.compactMap { transform($0.y) } + references.compactMap { transform($0.value) }
    if let range = yRange, let a = transform(range.lowerBound), let b = transform(range.upperBound)
    {
      ys = [a, b]
    }
    guard let yMin = ys.min(), let yMax = ys.max() else { return nil }
    let low = yMin == yMax ? yMin - 1 : yMin
    let high = yMin == yMax ? yMax + 1 : yMax
    let plotHeight = Double(Swift.max(height, 6)) * 18
    let (left, right, top) = (56.0, 16.0, title == nil ? 10.0 : 26.0)
    let bottom = top + plotHeight
    let plotWidth = SVG.width - left - right
    func x(_ value: Double) -> Double {
      xMax == xMin ? left + plotWidth / 2 : left + (value - xMin) / (xMax - xMin) * plotWidth
    }
    func y(_ t: Double) -> Double { top + (high - t) / (high - low) * plotHeight }
    // The frame, round y ticks with light grid lines, the x range at the ends.
    var body = SVG.frame(
      title: title, left: left, top: top, width: plotWidth, height: plotHeight)
    for t in logScale ? SVG.logTicks(low, high) : SVG.ticks(low, high) {
      let yy = y(t)
      body.append(
        "<line x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(left + plotWidth))\" y1=\"\(SVG.n(yy))\" "
          + "y2=\"\(SVG.n(yy))\" stroke=\"#eceef1\"/>")
      let label =
        logScale
        ? formatNumber(Foundation.pow(10, t), digits: t == t.rounded() ? 1 : 3)
        : formatNumber(t)
      body.append(SVG.text(label, x: left - 5, y: yy + 4, anchor: "end", size: 11))
    }
    body.append(SVG.text(formatNumber(xMin), x: left, y: bottom + 15, size: 11))
    body.append(
      SVG.text(formatNumber(xMax), x: left + plotWidth, y: bottom + 15, anchor: "end", size: 11))
    if let xLabel {
      body.append(
        SVG.text(xLabel, x: left + plotWidth / 2, y: bottom + 15, anchor: "middle", size: 11))
    }
    var legend: [(swatch: SVG.Swatch, label: String)] = []
    for (i, reference) in references.enumerated() {
      guard let t = transform(reference.value), t >= low, t <= high else { continue }
      let color = ["#555b65", "#8a6d3b", "#6b5b95"][i % 3]
      body.append(
        "<line x1=\"\(SVG.n(left))\" x2=\"\(SVG.n(left + plotWidth))\" y1=\"\(SVG.n(y(t)))\" "
          + "y2=\"\(SVG.n(y(t)))\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
      )
      legend.append(
        (
          .line(color, dashed: true),
          "\(reference.label) \(formatNumber(reference.value, digits: 4))"
        ))
    }
    // Each series as one path, broken where a point is left out (outside the y range, or
    // not finite, or not positive on a log scale).
    var outside = 0
    for (s, curve) in series.enumerated() {
      var path = ""
      var pen = false
      for point in curve.points.sorted(by: { $0.x < $1.x }) {
        guard let t = transform(point.y), t >= low - 1e-12, t <= high + 1e-12 else {
          if point.y.isFinite { outside += 1 }
          pen = false
          continue
        }
        path += (pen ? "L" : "M") + SVG.n(x(point.x)) + " " + SVG.n(y(t))
        pen = true
      }
      if path.isEmpty { continue }
      body.append(
        "<path d=\"\(path)\" fill=\"none\" stroke=\"\(SVG.color(s))\" stroke-width=\"2\" "
          + "stroke-linejoin=\"round\"><title>\(Transcript.escaped(curve.name))</title></path>")
    }
    if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
      legend =
        series.enumerated().map { (.line(SVG.color($0.offset), dashed: false), $0.element.name) }
        + legend
    }
    if outside > 0 {
      legend.append(
        (.none, "(outside the y range, not drawn: \(outside) point\(outside == 1 ? "" : "s"))"))
    }
    let (elements, used) = SVG.legend(legend, top: bottom + 20)
    body += elements
    return SVG.figure(height: bottom + 22 + used, title: title, body)
  }
}

extension Heatmap {
  /// The matrix as coloured cells from white (the low end) to dark blue (the high end),
  /// with its labels and a scale; the numbers in the cells with `showValues`.
  public func svg() -> String? {
    let finite = values.flatMap { $0 }.filter { $0.isFinite }
    guard !values.isEmpty, !columnLabels.isEmpty else { return nil }
    let low = range?.lowerBound ?? finite.min() ?? 0
    let high = range?.upperBound ?? finite.max() ?? 1
    func share(_ v: Double) -> Double {
      guard v.isFinite, high > low else { return 0 }
      return Swift.min(Swift.max((v - low) / (high - low), 0), 1)
    }
    func fill(_ t: Double) -> String {
      // From #ffffff to #123f73.
      let (r, g, b) = (255 - t * (255 - 18), 255 - t * (255 - 63), 255 - t * (255 - 115))
      return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }
    let labelWidth = Double(rowLabels.map(\.count).max() ?? 0) * 6.8 + 10
    let columnHeight = Double(Swift.min(columnLabels.map(\.count).max() ?? 0, 14)) * 6.2 + 10
    let top = (title == nil ? 8.0 : 26.0) + columnHeight
    let available = SVG.width - labelWidth - 12
    let cell = Swift.min(Swift.max(available / Double(columnLabels.count), 4), 48)
    let rowHeight = Swift.min(Swift.max(cell * 0.8, 12), 28)
    var body: [String] = []
    if let title {
      body.append(SVG.text(title, x: 8, y: 16, size: 13, extra: " font-weight=\"600\""))
    }
    for (c, label) in columnLabels.enumerated() {
      let cx = labelWidth + (Double(c) + 0.5) * cell
      body.append(
        SVG.text(
          String(label.prefix(14)), x: cx + 4, y: top - 6, size: 11,
          extra: " transform=\"rotate(-60 \(SVG.n(cx + 4)) \(SVG.n(top - 6)))\""))
    }
    for (r, label) in rowLabels.enumerated() {
      let ry = top + Double(r) * rowHeight
      body.append(
        SVG.text(label, x: labelWidth - 6, y: ry + rowHeight / 2 + 4, anchor: "end", size: 11))
      for (c, value) in values[r].enumerated() {
        let t = share(value)
        body.append(
          "<rect x=\"\(SVG.n(labelWidth + Double(c) * cell))\" y=\"\(SVG.n(ry))\" "
            + "width=\"\(SVG.n(cell - 1))\" height=\"\(SVG.n(rowHeight - 1))\" fill=\"\(fill(t))\">"
            + "<title>\(Transcript.escaped("\(label), \(columnLabels[c]): \(formatNumber(value))"))"
            + "</title></rect>")
        if showValues && cell >= 30 {
          body.append(
            SVG.text(
              String(format: "%.\(precision)f", value), x: labelWidth + (Double(c) + 0.5) * cell,
              y: ry + rowHeight / 2 + 4, anchor: "middle", size: 10,
              fill: t > 0.55 ? "#ffffff" : "#1d1f21"))
        }
      }
    }
    // The scale: a bar of ten steps from low to high.
    let scaleTop = top + Double(rowLabels.count) * rowHeight + 14
    body.append(SVG.text("scale", x: 8, y: scaleTop + 10, size: 11))
    for i in 0..<10 {
      body.append(
        "<rect x=\"\(SVG.n(56 + Double(i) * 20))\" y=\"\(SVG.n(scaleTop))\" width=\"20\" "
          + "height=\"12\" fill=\"\(fill((Double(i) + 0.5) / 10))\"/>")
    }
    body.append(SVG.text(formatNumber(low), x: 56, y: scaleTop + 26, size: 11))
    body.append(SVG.text(formatNumber(high), x: 256, y: scaleTop + 26, anchor: "end", size: 11))
    return SVG.figure(height: scaleTop + 34, title: title, body)
  }
}

extension BarChart {
  /// Horizontal bars, growing both ways from an axis when some values are negative, each
  /// with its value written after it.
  public func svg() -> String? {
    guard !values.isEmpty else { return nil }
    let texts = valueText ?? values.map { formatNumber($0) }
    let labelWidth = Double(labels.map(\.count).max() ?? 0) * 6.8 + 10
    let textWidth = Double(texts.map(\.count).max() ?? 0) * 6.8 + 8
    let top = title == nil ? 6.0 : 26.0
    let largest = values.map { Swift.abs($0) }.filter { $0.isFinite }.max() ?? 0
    let hasNegative = values.contains { $0 < 0 }
    let span = SVG.width - labelWidth - textWidth - 8
    let axis = hasNegative ? labelWidth + span / 2 : labelWidth
    let reach = hasNegative ? span / 2 : span
    var body: [String] = []
    if let title {
      body.append(SVG.text(title, x: 8, y: 16, size: 13, extra: " font-weight=\"600\""))
    }
    for (i, value) in values.enumerated() {
      let y = top + Double(i) * 20
      body.append(SVG.text(labels[i], x: labelWidth - 6, y: y + 13, anchor: "end", size: 12))
      let length = largest > 0 && value.isFinite ? Swift.abs(value) / largest * reach : 0
      let x = value < 0 ? axis - length : axis
      body.append(
        "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y + 3))\" width=\"\(SVG.n(length))\" height=\"14\" "
          + "fill=\"\(value < 0 ? SVG.color(1) : SVG.color(0))\"/>")
      body.append(SVG.text(texts[i], x: labelWidth + span + 6, y: y + 13, size: 12))
    }
    if hasNegative {
      body.append(
        "<line x1=\"\(SVG.n(axis))\" x2=\"\(SVG.n(axis))\" y1=\"\(SVG.n(top))\" "
          + "y2=\"\(SVG.n(top + Double(values.count) * 20))\" stroke=\"#555b65\"/>")
    }
    return SVG.figure(height: top + Double(values.count) * 20 + 8, title: title, body)
  }
}

extension Histogram {
  public func svg() -> String? { bars?.svg() }
}

extension ScatterPlot {
  /// One dot per point, coloured by class, with a legend of the classes and their counts.
  public func svg() -> String? {
    guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
      return nil
    }
    let plotHeight = Double(Swift.max(height, 8)) * 18
    let (left, right, top) = (56.0, 16.0, title == nil ? 10.0 : 26.0)
    let plotWidth = SVG.width - left - right
    let xSpan = xMax > xMin ? xMax - xMin : 1
    let ySpan = yMax > yMin ? yMax - yMin : 1
    var body = SVG.frame(
      title: title, left: left, top: top, width: plotWidth, height: plotHeight)
    body.append(SVG.text(formatNumber(yMax), x: left - 5, y: top + 10, anchor: "end", size: 11))
    body.append(
      SVG.text(formatNumber(yMin), x: left - 5, y: top + plotHeight, anchor: "end", size: 11))
    body.append(SVG.text(formatNumber(xMin), x: left, y: top + plotHeight + 15, size: 11))
    body.append(
      SVG.text(
        formatNumber(xMax), x: left + plotWidth, y: top + plotHeight + 15, anchor: "end", size: 11))
    for i in xs.indices {
      let cx = left + (xs[i] - xMin) / xSpan * plotWidth
      let cy = top + (yMax - ys[i]) / ySpan * plotHeight
      body.append(
        "<circle cx=\"\(SVG.n(cx))\" cy=\"\(SVG.n(cy))\" r=\"3\" fill=\"\(SVG.color(classes[i]))\" "
          + "fill-opacity=\"0.75\"/>")
    }
    let counts = classNames.indices.map { c in classes.filter { $0 == c }.count }
    let (elements, used) = SVG.legend(
      classNames.enumerated().map {
        (swatch: .box(SVG.color($0.offset)), label: "\($0.element) (\(counts[$0.offset]))")
      }, top: top + plotHeight + 20)
    body += elements
    return SVG.figure(height: top + plotHeight + 22 + used, title: title, body)
  }
}
