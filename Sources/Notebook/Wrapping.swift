/// Fitting prose and code to the lesson's width.
///
/// Prose is Markdown, so wrapping keeps what Markdown gives meaning to: fenced code
/// blocks, tables (`|` rows) and indented code are left as they are; a list item's
/// continuation lines are indented under its text.
enum TextWrap {
  /// `text` with every long prose line broken at spaces to at most `width` columns.
  static func prose(_ text: String, width: Int) -> String {
    var result: [String] = []
    var inFence = false
    for line in text.components(separatedBy: "\n") {
      if line.hasPrefix("```") { inFence.toggle() }
      if inFence || line.hasPrefix("```") || line.hasPrefix("|") || line.hasPrefix("    ")
        || line.count <= width
      {
        result.append(line)
        continue
      }
      result += wrap(line, width: width, hanging: hangingIndent(of: line))
    }
    return result.joined(separator: "\n")
  }

  /// How far a list item's or quote's continuation lines are indented.
  static func hangingIndent(of line: String) -> Int {
    let leading = line.prefix { $0 == " " }.count
    let rest = line.dropFirst(leading)
    for marker in ["- ", "* ", "> "] where rest.hasPrefix(marker) { return leading + 2 }
    let digits = rest.prefix { $0.isNumber }
    if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(". ") {
      return leading + digits.count + 2
    }
    return leading
  }

  /// Breaks one line at spaces; a word longer than the width stays whole on its own line.
  static func wrap(_ line: String, width: Int, hanging: Int) -> [String] {
    var lines: [String] = []
    var current = ""
    let indent = String(repeating: " ", count: hanging)
    let leading = String(line.prefix { $0 == " " })
    for word in line.split(separator: " ", omittingEmptySubsequences: true) {
      let prefix = lines.isEmpty ? leading : indent
      if current.isEmpty {
        current = prefix + word
      } else if current.count + 1 + word.count <= width {
        current += " " + word
      } else {
        lines.append(current)
        current = indent + word
      }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
  }

  /// A code line soft-wrapped to `width` columns under its gutter: the first piece after
  /// `gutter`, the rest after `continuation` (both of the same width), indented two columns
  /// past the line's own indentation.
  static func code(_ line: String, width: Int, gutter: String, continuation: String) -> [String] {
    let room = Swift.max(width - gutter.count, 10)
    guard line.count > room else { return [gutter + line] }
    let indent = String(
      repeating: " ", count: Swift.min(line.prefix { $0 == " " }.count + 2, room / 2))
    var pieces: [String] = []
    var rest = Substring(line)
    while !rest.isEmpty {
      let space = pieces.isEmpty ? room : room - indent.count
      var piece = rest.prefix(space)
      if piece.count == space, rest.count > space, let blank = piece.lastIndex(of: " "),
        piece.distance(from: piece.startIndex, to: blank) > space / 2
      {
        piece = rest[rest.startIndex...blank]
      }
      pieces.append(pieces.isEmpty ? gutter + piece : continuation + indent + piece)
      rest = rest.dropFirst(piece.count)
    }
    return pieces
  }
}
