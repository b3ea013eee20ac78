import Foundation

/// How text plots are drawn: how wide, and with which characters.
///
/// Every plot is a pure function from its data and a style to lines of text, so each can
/// be tested on its exact output and drawn the same way in a terminal, a Markdown
/// transcript and a Jupyter notebook.
public struct PlotStyle: Sendable, Equatable {
  /// The total width in characters, labels included.
  public var width: Int
  /// Use only ASCII characters (no block, shade or box-drawing characters).
  public var ascii: Bool
  /// Give each series its own terminal colour (ANSI, one of the eight basic colours). Only
  /// for a terminal that shows colour: exports and `NO_COLOR` runs draw without it, and the
  /// markers along each line keep the series apart there.
  public var color: Bool

  public init(width: Int = 80, ascii: Bool = false, color: Bool = false) {
    self.width = width
    self.ascii = ascii
    self.color = color
  }

  /// The ANSI foreground colour of series `index`: blue, red, green, magenta, cyan,
  /// yellow, the eight-colour palette every terminal has (black and white left out, one of
  /// them being the background).
  static let palette = [34, 31, 32, 35, 36, 33]

  /// `text` in the colour of series `index`, when colour is on.
  func colored(_ text: String, series index: Int) -> String {
    guard color, index >= 0 else { return text }
    return "\u{1B}[\(Self.palette[index % Self.palette.count])m\(text)\u{1B}[0m"
  }

  /// Markers for up to six series or classes.
  var markers: [String] {
    ascii ? ["*", "o", "+", "#", "x", "@"] : ["●", "○", "▲", "■", "◆", "✚"]
  }

  /// Drawn where several series fall into one cell.
  var collision: String { ascii ? "&" : "◍" }
  /// The dashes of reference lines, one per line.
  var dashes: [String] { ascii ? [".", ":", "~"] : ["┄", "╌", "┈"] }

  var horizontal: String { ascii ? "-" : "─" }
  var vertical: String { ascii ? "|" : "│" }
  var tick: String { ascii ? "+" : "┤" }
  var corner: String { ascii ? "+" : "└" }
}

/// Formats a number for an axis label or a bar: up to `digits` significant digits,
/// without trailing zeros, in scientific notation when very large or very small.
func formatNumber(_ value: Double, digits: Int = 3) -> String {
  if value == 0 { return "0" }
  if !value.isFinite { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
  let magnitude = Swift.abs(value)
  if magnitude >= 1e6 || magnitude < 1e-3 {
    return String(format: "%.\(Swift.max(digits - 1, 0))e", value)
  }
  let decimals = Swift.max(0, digits - 1 - Int(Foundation.floor(Foundation.log10(magnitude))))
  return trimmingZeros(String(format: "%.\(decimals)f", value))
}

/// A decimal without trailing zeros after its point, nor a bare point: "2.500" → "2.5",
/// "3.000" → "3".
func trimmingZeros(_ decimal: String) -> String {
  var text = decimal
  if text.contains(".") {
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
  }
  return text
}

/// Pads `text` on the left (right-aligns it) to `width` characters.
func padLeft(_ text: String, _ width: Int) -> String {
  String(repeating: " ", count: Swift.max(0, width - text.count)) + text
}

/// Pads `text` on the right (left-aligns it) to `width` characters.
func padRight(_ text: String, _ width: Int) -> String {
  text + String(repeating: " ", count: Swift.max(0, width - text.count))
}

/// A grid of characters that plots draw into, one string per cell so that multi-byte
/// Unicode characters count as one column.
struct Grid {
  var cells: [[String]]
  init(width: Int, height: Int) {
    cells = Array(repeating: Array(repeating: " ", count: width), count: height)
  }
  subscript(row: Int, column: Int) -> String {
    get { cells[row][column] }
    set { cells[row][column] = newValue }
  }
  func line(_ row: Int) -> String { cells[row].joined() }
}

extension Array where Element == String {
  /// The lines with trailing spaces removed, so transcripts carry no invisible padding.
  func trimmingTrailingSpaces() -> [String] {
    map { line in
      var line = line
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
  }
}
