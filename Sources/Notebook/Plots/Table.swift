/// An aligned table with a header: numbers right-aligned, text left-aligned.
///
/// ```
/// model    parameters  perplexity
/// ───────  ──────────  ──────────
/// bigram        1,024       12.31
/// trigram      32,768        9.87
/// ```
public struct Table: Sendable {
  public var header: [String]
  public var rows: [[String]]
  public var title: String?

  public init(header: [String], rows: [[String]], title: String? = nil) {
    precondition(
      rows.allSatisfy { $0.count == header.count },
      "Table: every row needs \(header.count) cells, one per header")
    self.header = header
    self.rows = rows
    self.title = title
  }

  /// Whether a cell reads as a number (and so is right-aligned).
  static func isNumeric(_ text: String) -> Bool {
    let stripped = text.filter { !",%×x ".contains($0) }
    return !stripped.isEmpty && Double(stripped) != nil
  }

  public func render(_ style: PlotStyle) -> [String] {
    var lines: [String] = []
    if let title { lines.append(title) }
    let widths = header.indices.map { c in
      ([header[c]] + rows.map { $0[c] }).map { $0.count }.max() ?? 0
    }
    let numeric = header.indices.map { c in
      !rows.isEmpty && rows.allSatisfy { Self.isNumeric($0[c]) || $0[c].isEmpty }
    }
    func format(_ cells: [String]) -> String {
      let padded = cells.enumerated().map { c, text in
        numeric[c] ? padLeft(text, widths[c]) : padRight(text, widths[c])
      }
      var line = padded.joined(separator: "  ")
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
    lines.append(format(header))
    lines.append(
      widths.map { String(repeating: style.horizontal, count: $0) }.joined(separator: "  "))
    for row in rows { lines.append(format(row)) }
    return lines
  }
}

/// Writes an integer with thousands separators: 7087872 → "7,087,872".
public func groupedDigits(_ value: Int) -> String {
  let digits = String(Swift.abs(value))
  var result = ""
  for (i, character) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { result += "," }
    result.append(character)
  }
  return value < 0 ? "-" + result : result
}
