/// Points in two dimensions, one marker per class: sentence codes projected to 2-D,
/// coloured — or rather, marked — by topic.
///
/// Where points of several classes fall into one character, the marker of the class
/// drawn last is shown; the legend gives each class's marker and count.
public struct ScatterPlot: Sendable {
  public var xs: [Double]
  public var ys: [Double]
  public var classes: [Int]
  public var classNames: [String]
  public var title: String?
  public var height: Int

  /// - Parameters:
  ///   - classes: the class of each point, an index into `classNames`.
  public init(
    xs: [Double], ys: [Double], classes: [Int], classNames: [String], title: String? = nil,
    height: Int = 16
  ) {
    precondition(
      xs.count == ys.count && xs.count == classes.count,
      "ScatterPlot: xs, ys and classes differ in length")
    precondition(
      classes.allSatisfy { $0 >= 0 && $0 < classNames.count },
      "ScatterPlot: a class index is outside classNames")
    self.xs = xs
    self.ys = ys
    self.classes = classes
    self.classNames = classNames
    self.title = title
    self.height = Swift.max(height, 2)
  }

  public func render(_ style: PlotStyle) -> [String] {
    var lines: [String] = []
    if let title { lines += TextWrap.fit(title, width: style.width, hanging: 2) }
    guard let xMin = xs.min(), let xMax = xs.max(), let yMin = ys.min(), let yMax = ys.max() else {
      return lines + ["(no data to plot)"]
    }
    let top = formatNumber(yMax)
    let bottom = formatNumber(yMin)
    let labelWidth = Swift.max(top.count, bottom.count)
    let width = Swift.max(style.width - labelWidth - 2, 8)
    var grid = Grid(width: width, height: height)
    let xSpan = xMax > xMin ? xMax - xMin : 1
    let ySpan = yMax > yMin ? yMax - yMin : 1
    for i in xs.indices {
      let column = Int(((xs[i] - xMin) / xSpan * Double(width - 1)).rounded())
      let row = Int(((yMax - ys[i]) / ySpan * Double(height - 1)).rounded())
      grid[row, column] = style.markers[classes[i] % style.markers.count]
    }
    for r in 0..<height {
      let label = r == 0 ? top : (r == height - 1 ? bottom : "")
      let axis = label.isEmpty ? style.vertical : style.tick
      lines.append(padLeft(label, labelWidth) + " " + axis + grid.line(r))
    }
    let indent = String(repeating: " ", count: labelWidth + 1)
    lines.append(indent + style.corner + String(repeating: style.horizontal, count: width))
    let left = formatNumber(xMin)
    let right = formatNumber(xMax)
    lines.append(indent + left + padLeft(right, width + 1 - left.count))
    let legend = classNames.enumerated().map { i, name in
      "\(style.markers[i % style.markers.count]) \(name) (\(classes.filter { $0 == i }.count))"
    }
    lines += TextWrap.join(legend, prefix: indent + " ", width: style.width)
    return lines.trimmingTrailingSpaces()
  }
}
