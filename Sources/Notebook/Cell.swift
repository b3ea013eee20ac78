import Foundation

/// One step of a lesson: prose only, or prose followed by code and what the code shows.
public struct Cell {
  public enum Kind {
    /// Markdown prose.
    case markdown
    /// Code, run when the cell runs, with the lines that show it.
    case code
  }

  public let kind: Kind
  /// The heading of a code cell (empty for prose). Made when the cell is shown, so that a
  /// knob value it names is the value of now, and noted as read by this cell.
  let title: () -> String
  /// Markdown shown before the code: what we are about to do and what to look for. Made
  /// when the cell is shown, as the title is.
  let prose: () -> String
  /// The cell's Swift source, read from the lesson's file (empty if it is not available).
  public let source: [String]
  let body: ((CellOutput) throws -> Void)?
}

/// Reads the body of a cell's trailing closure from the lesson's source file.
///
/// Code cells are written `lesson.cell("Title", """prose""") { out in … }`. The call
/// records `#filePath` and `#line`; from that line we scan forward, skipping string
/// literals and comments, to the `{` that opens the trailing closure, and take the lines
/// up to its matching `}`. If the file cannot be read (a binary copied elsewhere), the
/// cell is shown without its source.
public enum CellSource {
  public static func lines(file: String, line: Int) -> [String] {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
    // The code as it runs without a control: a planted mistake is folded out of what is shown.
    return ControlFolding.fold(body(of: text.components(separatedBy: "\n"), from: line - 1))
  }

  /// The lines strictly inside the first top-level `{ … }` that starts at or after
  /// line `start` (0-based), with their common indentation removed.
  static func body(of lines: [String], from start: Int) -> [String] {
    guard start >= 0 && start < lines.count else { return [] }
    var parens = 0
    var braces = 0
    var openLine: Int? = nil
    var inString = false
    var inMultiline = false
    for index in start..<lines.count {
      let characters = Array(lines[index])
      var i = 0
      while i < characters.count {
        let c = characters[i]
        let isTripleQuote =
          c == "\"" && i + 2 < characters.count && characters[i + 1] == "\""
          && characters[i + 2] == "\""
        if inMultiline {
          if isTripleQuote {
            inMultiline = false
            i += 3
            continue
          }
          i += 1
          continue
        }
        if inString {
          if c == "\\" {
            i += 2
            continue
          }
          if c == "\"" { inString = false }
          i += 1
          continue
        }
        if isTripleQuote {
          inMultiline = true
          i += 3
          continue
        }
        if c == "\"" {
          inString = true
          i += 1
          continue
        }
        if c == "/" && i + 1 < characters.count && characters[i + 1] == "/" { break }
        switch c {
        case "(": parens += 1
        case ")": parens -= 1
        case "{":
          if openLine == nil && parens == 0 { openLine = index }
          if openLine != nil { braces += 1 }
        case "}":
          if openLine != nil {
            braces -= 1
            if braces == 0 {
              if index == openLine! { return oneLine(lines[index]) }
              return dedent(Array(lines[(openLine! + 1)..<index]))
            }
          }
        default: break
        }
        i += 1
      }
      inString = false
    }
    return []
  }

  /// The code of a closure written on one line: `{ out in out.print(1) }`.
  static func oneLine(_ line: String) -> [String] {
    guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}"), open < close
    else { return [] }
    var inner = line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
    if let arrow = inner.range(of: " in ") { inner = String(inner[arrow.upperBound...]) }
    return inner.isEmpty ? [] : [inner]
  }

  static func dedent(_ lines: [String]) -> [String] {
    let indents = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
      .map { $0.prefix(while: { $0 == " " }).count }
    let common = indents.min() ?? 0
    return lines.map { $0.count >= common ? String($0.dropFirst(common)) : "" }
  }
}
