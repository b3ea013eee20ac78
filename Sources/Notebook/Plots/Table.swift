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

  /// The table's lines. A table wider than `style.width` is cut into blocks of columns that
  /// fit, one under the other, each repeating the first column so every row stays
  /// readable; a block says which part it is (`columns 4–6 of 6`).
  public func render(_ style: PlotStyle) -> [String] {
    var lines: [String] = []
    if let title { lines += TextWrap.fit(title, width: style.width, hanging: 2) }
    let widths = header.indices.map { c in
      ([header[c]] + rows.map { $0[c] }).map { $0.count }.max() ?? 0
    }
    let numeric = header.indices.map { c in
      !rows.isEmpty && rows.allSatisfy { Self.isNumeric($0[c]) || $0[c].isEmpty }
    }
    func format(_ cells: [String], _ columns: [Int]) -> String {
      let padded = columns.map { c in
        numeric[c] ? padLeft(cells[c], widths[c]) : padRight(cells[c], widths[c])
      }
      var line = padded.joined(separator: "  ")
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
    // Blocks of columns: the first column, then as many more as fit (at least one).
    var blocks: [[Int]] = []
    var current = [0]
    for c in header.indices.dropFirst() {
      let width = current.map { widths[$0] + 2 }.reduce(0, +) + widths[c]
      if width > style.width && current.count > 1 {
        blocks.append(current)
        current = [0]
      }
      current.append(c)
    }
    blocks.append(current)
    for (b, columns) in blocks.enumerated() {
      if blocks.count > 1 {
        if b > 0 { lines.append("") }
        let first = columns[1] + 1
        let last = columns.last! + 1
        let part = first == last ? "column \(first)" : "columns \(first)–\(last)"
        lines.append("(\(part) of \(header.count), with the first)")
      }
      lines.append(format(header, columns))
      lines.append(
        columns.map { String(repeating: style.horizontal, count: widths[$0]) }
          .joined(separator: "  "))
      for row in rows { lines.append(format(row, columns)) }
    }
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
