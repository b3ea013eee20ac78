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

  /// `line` broken at spaces to at most `width` columns, the pieces after the first
  /// indented by `hanging`; unlike `wrap`, the spaces inside a piece are kept as they are
  /// (aligned figures stay aligned). A piece ends between aligned columns (two spaces or
  /// more), else at a space outside brackets and double quotes, when there is one in its
  /// second half, so that `[1, 4, 8]` stays on one line; a word longer than the width stays
  /// whole.
  static func fit(_ line: String, width: Int, hanging: Int) -> [String] {
    guard line.count > width else { return [line] }
    let characters = Array(line)
    // Whether each character is outside brackets and quotes.
    var outside: [Bool] = []
    var depth = 0
    var quoted = false
    for c in characters {
      if c == "\"" { quoted.toggle() }
      if "([{".contains(c) { depth += 1 }
      if ")]}".contains(c) { depth = Swift.max(0, depth - 1) }
      outside.append(depth == 0 && !quoted)
    }
    let indent = String(repeating: " ", count: Swift.min(hanging, width / 2))
    var pieces: [String] = []
    var start = 0
    func piece(_ end: Int) -> String {
      var end = end
      while end > start && characters[end - 1] == " " { end -= 1 }
      return (pieces.isEmpty ? "" : indent) + String(characters[start..<end])
    }
    while characters.count - start > (pieces.isEmpty ? width : width - indent.count) {
      let room = pieces.isEmpty ? width : width - indent.count
      let lead = pieces.isEmpty ? characters.prefix { $0 == " " }.count : 0
      // The spaces that could end this piece: the one right after it included.
      let spaces = (Swift.min(start + lead + 1, start + room)...start + room).filter {
        characters[$0] == " "
      }
      // Between aligned columns (a gap of two spaces or more) first, where there are some.
      let gaps = spaces.filter {
        (characters[$0 - 1] == " " || ($0 + 1 < characters.count && characters[$0 + 1] == " "))
          && $0 - start > room / 2
      }
      guard
        let end = gaps.last(where: { outside[$0] })
          ?? preferred(spaces, start: start, room: room, outside: outside)
          ?? characters[(start + room)...].firstIndex(of: " ")
      else { break }
      pieces.append(piece(end))
      start = end
      while start < characters.count && characters[start] == " " { start += 1 }
      if start == characters.count { return pieces }
    }
    pieces.append(piece(characters.count))
    return pieces
  }

  /// Where a piece of at most `room` columns from `start` should end, among `spaces`: the
  /// last space `outside` (brackets or strings) in the piece's second half; else the last
  /// one outside in its last two thirds; else the last space in its second half; else none.
  static func preferred(_ spaces: [Int], start: Int, room: Int, outside: [Bool]) -> Int? {
    spaces.last { outside[$0] && $0 - start > room / 2 }
      ?? spaces.last { outside[$0] && $0 - start > room / 3 }
      ?? spaces.last { $0 - start > room / 2 }
  }

  /// The columns `text` takes on a terminal: its characters but for colour escapes.
  static func visibleCount(_ text: String) -> Int {
    var count = 0
    var inEscape = false
    for c in text {
      if c == "\u{1B}" {
        inEscape = true
      } else if inEscape {
        if c.isLetter { inEscape = false }
      } else {
        count += 1
      }
    }
    return count
  }

  /// `pieces` (a legend's entries) joined by `separator` into lines of at most `width`
  /// columns, breaking only between pieces: the first line starts with `prefix`, the others
  /// with as many spaces.
  static func join(
    _ pieces: [String], separator: String = "  ", prefix: String, width: Int
  ) -> [String] {
    let indent = String(repeating: " ", count: prefix.count)
    var lines: [String] = []
    var current = prefix
    var empty = true
    for piece in pieces {
      if !empty && visibleCount(current) + separator.count + visibleCount(piece) > width {
        lines.append(current)
        current = indent
        empty = true
      }
      current += (empty ? "" : separator) + piece
      empty = false
    }
    lines.append(current)
    return lines
  }

  /// A code line soft-wrapped to `width` columns under its gutter: the first piece after
  /// `gutter`, the rest after `continuation` (both of the same width), indented two columns
  /// past the line's own indentation. A piece ends at a space outside any string literal
  /// when there is one in its second half (else at a space in a string, else after a `(` or
  /// `,` or before a `.`, else where the width ends), so that a string or a name is not cut
  /// where the code around it could be.
  static func code(_ line: String, width: Int, gutter: String, continuation: String) -> [String] {
    let room = Swift.max(width - gutter.count, 10)
    guard line.count > room else { return [gutter + line] }
    let indent = String(
      repeating: " ", count: Swift.min(line.prefix { $0 == " " }.count + 2, room / 2))
    let isCode = ControlFolding.codeMask(Array(line))
    var pieces: [String] = []
    var start = 0
    let characters = Array(line)
    while start < characters.count {
      let space = pieces.isEmpty ? room : room - indent.count
      var end = Swift.min(start + space, characters.count)
      if end < characters.count {
        // A space at `i` ends the piece at `i + 1`, so the space stays on this line.
        let spaces = (start + 1..<end).filter { characters[$0] == " " }
        if let i = preferred(spaces, start: start, room: space, outside: isCode) {
          end = i + 1
        } else if let i = (start + space / 2..<end).last(where: {
          isCode[$0] && "(,.".contains(characters[$0])
        }) {
          // No space to break at: after an opening parenthesis or a comma, or before a dot,
          // rather than inside a name.
          end = characters[i] == "." ? i : i + 1
        }
      }
      let piece = String(characters[start..<end])
      pieces.append(pieces.isEmpty ? gutter + piece : continuation + indent + piece)
      start = end
    }
    return pieces
  }
}
