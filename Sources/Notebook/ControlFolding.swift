/// Folds a check's control out of the code a cell shows, so that the student reads the
/// lesson's code as it runs when no control is asked for.
///
/// A control that no knob can set is planted by the cell itself, under
/// `out.isControl("id")`: `let scaled = scores / Float(out.isControl("id") ? 4 : 2)`. The
/// program must keep that line (the control runs it), but the student should read
/// `let scaled = scores / Float(2)`. Each fold here replaces control plumbing by what runs
/// without a control, and leaves anything it does not recognise as it is:
///
/// - `out.isControl("id") ? planted : honest` becomes `honest`, with parentheses left
///   around a lone value dropped and `x =` joined to a value moved to the next line;
/// - `if out.isControl("id") { … }` (with no `else`) goes;
/// - an argument `label: out.isControl("id")` goes (the parameter defaults to `false`);
/// - `let flag = out.isControl("id")` goes, and `flag` is then folded as the call is;
/// - a declaration only the planted code used goes (`var shuffler = lesson.random(…)`);
/// - in a comment, a sentence that starts "The control", "Its control" or "Each control"
///   goes with the rest of its comment block, and a comment block left empty goes.
///
/// The exports, the stepping display and `--list` all show a cell's `source`, which is
/// folded once, when the cell is declared.
enum ControlFolding {
  /// `lines` (a cell's body) with its control plumbing folded out.
  static func fold(_ lines: [String]) -> [String] {
    guard lines.contains(where: { $0.contains("isControl(") }) else { return lines }
    var text = lines.joined(separator: "\n")
    var flags: [String] = []
    var removed = ""
    // Flags first: `let sabotaged = out.isControl("id")` on a line of its own.
    text =
      text.components(separatedBy: "\n").filter { line in
        let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard words.count == 4, words[0] == "let", words[2] == "=",
          words[3].hasPrefix("out.isControl(\""), words[3].hasSuffix("\")")
        else { return true }
        flags.append(String(words[1]))
        return false
      }.joined(separator: "\n")
    var searchFrom = 0
    while let (start, end) = nextCondition(in: Array(text), from: searchFrom, flags: flags) {
      let chars = Array(text)
      if let fold = ternary(chars, start, end) ?? statement(chars, start, end)
        ?? argument(chars, start, end)
      {
        removed += String(chars[fold.range]) + " "
        text =
          String(chars[..<fold.range.lowerBound]) + fold.replacement
          + String(chars[fold.range.upperBound...])
        searchFrom = fold.range.lowerBound
      } else {
        searchFrom = end
      }
    }
    var result = text.components(separatedBy: "\n")
    result = dropUnusedDeclarations(result, namedIn: removed)
    return dropControlComments(result)
  }

  /// A rewrite: the characters in `range` become `replacement`.
  struct Fold {
    let range: Range<Int>
    let replacement: String
  }

  /// What each character of a Swift text is: code, or inside a string literal or comment.
  static func codeMask(_ chars: [Character]) -> [Bool] {
    var mask = Array(repeating: true, count: chars.count)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
        while i < chars.count && chars[i] != "\n" {
          mask[i] = false
          i += 1
        }
        continue
      }
      guard c == "\"" else {
        i += 1
        continue
      }
      let triple = i + 2 < chars.count && chars[i + 1] == "\"" && chars[i + 2] == "\""
      let quote = triple ? 3 : 1
      var j = i + quote
      while j < chars.count {
        if chars[j] == "\\" {
          j += 2
          continue
        }
        if chars[j] == "\""
          && (!triple
            || (j + 2 < chars.count && chars[j + 1] == "\""
              && chars[j + 2] == "\""))
        {
          j += quote
          break
        }
        if !triple && chars[j] == "\n" { break }
        j += 1
      }
      for k in i..<Swift.min(j, chars.count) { mask[k] = false }
      i = j
    }
    return mask
  }

  static func isIdentifier(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

  /// The next `out.isControl("…")` call, or flag name, in code at or after `from`.
  static func nextCondition(in chars: [Character], from: Int, flags: [String]) -> (Int, Int)? {
    let mask = codeMask(chars)
    let call = Array("out.isControl(\"")
    var i = from
    while i < chars.count {
      defer { i += 1 }
      guard mask[i], i == 0 || !(isIdentifier(chars[i - 1]) || chars[i - 1] == ".") else {
        continue
      }
      if chars[i...].starts(with: call) {
        var j = i + call.count
        while j < chars.count && chars[j] != "\"" && chars[j] != "\n" { j += 1 }
        if j + 1 < chars.count && chars[j + 1] == ")" { return (i, j + 2) }
        continue
      }
      for flag in flags where chars[i...].starts(with: flag) {
        let end = i + flag.count
        if end == chars.count || !isIdentifier(chars[end]) { return (i, end) }
      }
    }
    return nil
  }

  /// The index of the first character at or after `i` that is not a space (nor, with
  /// `lines`, a line break).
  static func skip(_ chars: [Character], _ i: Int, lines: Bool = true) -> Int {
    var i = i
    while i < chars.count && (chars[i] == " " || (lines && chars[i] == "\n")) { i += 1 }
    return i
  }

  /// The index of the last character before `i` that is not white space, or -1.
  static func skipBack(_ chars: [Character], _ i: Int) -> Int {
    var i = i - 1
    while i >= 0 && (chars[i] == " " || chars[i] == "\n") { i -= 1 }
    return i
  }

  /// `condition ? planted : honest` becomes `honest`.
  static func ternary(_ chars: [Character], _ start: Int, _ end: Int) -> Fold? {
    let mask = codeMask(chars)
    let question = skip(chars, end)
    guard question + 1 < chars.count, chars[question] == "?",
      chars[question + 1] == " " || chars[question + 1] == "\n"
    else { return nil }
    // The condition must be the whole condition: what comes before it starts an expression.
    let before = skipBack(chars, start)
    let word = String(chars[Swift.max(0, before - 5)...Swift.max(0, before)])
    guard before < 0 || "=(,[:{".contains(chars[before]) || word == "return" else { return nil }
    // The colon that matches the question mark, skipping nested `? … :` pairs and brackets.
    var depth = 0
    var nested = 0
    var colon: Int? = nil
    var i = question + 1
    scan: while i < chars.count {
      defer { i += 1 }
      guard mask[i] else { continue }
      switch chars[i] {
      case "(", "[", "{": depth += 1
      case ")", "]", "}":
        depth -= 1
        if depth < 0 { return nil }
      case "?" where depth == 0 && i + 1 < chars.count && chars[i + 1] == " ": nested += 1
      case ":" where depth == 0:
        if nested == 0 {
          colon = i
          break scan
        }
        nested -= 1
      default: break
      }
    }
    guard let colon else { return nil }
    // The honest value runs to the end of the expression: a closing bracket, a comma, a
    // comment or the end of the line, outside any brackets it opens.
    let first = skip(chars, colon + 1, lines: false)
    var last = first
    depth = 0
    while last < chars.count {
      let c = chars[last]
      if !mask[last] && c == "/" && last + 1 < chars.count && chars[last + 1] == "/" { break }
      if mask[last] {
        if "([{".contains(c) { depth += 1 }
        if ")]}".contains(c) {
          if depth == 0 { break }
          depth -= 1
        }
        if depth == 0 && (c == "," || c == "\n") { break }
      }
      last += 1
    }
    var honest = String(chars[first..<last])
    while honest.last == " " { honest.removeLast() }
    var range = start..<(first + honest.count)
    // Parentheses that only grouped the condition go with it: `(flag ? a : b).f()`.
    if before >= 0, chars[before] == "(", range.upperBound < chars.count,
      chars[range.upperBound] == ")", before + 1 == start
    {
      let outside = before > 0 ? chars[before - 1] : " "
      if !(isIdentifier(outside) || ")]?!>".contains(outside)) {
        range = before..<(range.upperBound + 1)
      }
    }
    // A value moved to the line after `x =` comes back to it when it fits.
    var lineStart = range.lowerBound
    while lineStart > 0 && chars[lineStart - 1] == " " { lineStart -= 1 }
    if lineStart > 0, chars[lineStart - 1] == "\n", lineStart >= 2, chars[lineStart - 2] == "=" {
      let previousStart = (chars[..<(lineStart - 1)].lastIndex(of: "\n") ?? -1) + 1
      let joined = String(chars[previousStart..<(lineStart - 1)]) + " " + honest
      let rest = chars[range.upperBound...].prefix { $0 != "\n" }.count
      if joined.count + rest <= 100 {
        return Fold(range: (lineStart - 1)..<range.upperBound, replacement: " " + honest)
      }
    }
    return Fold(range: range, replacement: honest)
  }

  /// `if condition { … }`, with no `else`, goes, with its line if nothing else is on it.
  static func statement(_ chars: [Character], _ start: Int, _ end: Int) -> Fold? {
    let mask = codeMask(chars)
    guard start >= 3, String(chars[(start - 3)..<start]) == "if " else { return nil }
    let open = skip(chars, end, lines: false)
    guard open < chars.count, chars[open] == "{" else { return nil }
    var depth = 0
    var close = open
    while close < chars.count {
      if mask[close] {
        if chars[close] == "{" { depth += 1 }
        if chars[close] == "}" {
          depth -= 1
          if depth == 0 { break }
        }
      }
      close += 1
    }
    guard close < chars.count else { return nil }
    let after = skip(chars, close + 1)
    if chars[after...].starts(with: "else") { return nil }
    var lower = start - 3
    var upper = close + 1
    let lineStart = (chars[..<lower].lastIndex(of: "\n") ?? -1) + 1
    let lineEnd = chars[upper...].firstIndex(of: "\n") ?? chars.count
    if chars[lineStart..<lower].allSatisfy({ $0 == " " })
      && chars[upper..<lineEnd].allSatisfy({ $0 == " " })
    {
      lower = lineStart
      upper = Swift.min(lineEnd + 1, chars.count)
    }
    return Fold(range: lower..<upper, replacement: "")
  }

  /// An argument `label: condition` goes, with its comma.
  static func argument(_ chars: [Character], _ start: Int, _ end: Int) -> Fold? {
    var colon = start - 1
    while colon >= 0 && chars[colon] == " " { colon -= 1 }
    guard colon > 0, chars[colon] == ":" else { return nil }
    var labelStart = colon
    while labelStart > 0 && isIdentifier(chars[labelStart - 1]) { labelStart -= 1 }
    guard labelStart < colon else { return nil }
    let before = skipBack(chars, labelStart)
    let after = skip(chars, end)
    guard before >= 0, after < chars.count, "(,".contains(chars[before]),
      "),".contains(chars[after])
    else { return nil }
    if chars[after] == "," {
      return Fold(range: labelStart..<skip(chars, after + 1), replacement: "")
    }
    if chars[before] == "," { return Fold(range: before..<end, replacement: "") }
    return Fold(range: labelStart..<end, replacement: "")
  }

  /// `lines` without the one-line declarations (`var shuffler = …`) of names that only the
  /// folded text (`removed`) used.
  static func dropUnusedDeclarations(_ lines: [String], namedIn removed: String) -> [String] {
    let names = Set(
      removed.split { !isIdentifier($0) }.map(String.init).filter { $0.first?.isLetter == true })
    var lines = lines
    for name in names {
      let declaration = lines.indices.filter { index in
        let words = lines[index].trimmingCharacters(in: .whitespaces).split(separator: " ")
        return words.count >= 4 && (words[0] == "let" || words[0] == "var") && words[1] == name
          && words[2] == "="
      }
      guard declaration.count == 1, let index = declaration.first else { continue }
      let line = lines[index]
      let opened = line.filter { "([{".contains($0) }.count
      let closed = line.filter { ")]}".contains($0) }.count
      let uses = lines.filter { other in
        other.split { !isIdentifier($0) }.contains { $0 == name }
      }.count
      if opened == closed && uses == 1 { lines.remove(at: index) }
    }
    return lines
  }

  /// `lines` without the sentences of comments that speak of a control.
  static func dropControlComments(_ lines: [String]) -> [String] {
    let openings = ["The control", "Its control", "Each control", "(The control"]
    var result: [String] = []
    var inControlSentence = false
    for line in lines {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("//") && !trimmed.hasPrefix("///") else {
        inControlSentence = false
        result.append(line)
        continue
      }
      if inControlSentence { continue }
      let body = String(trimmed.dropFirst(2).drop { $0 == " " })
      let starts = openings.compactMap { opening -> String.Index? in
        if body.hasPrefix(opening) { return body.startIndex }
        return body.range(of: ". " + opening).map { body.index($0.lowerBound, offsetBy: 1) }
      }
      guard let cut = starts.min() else {
        result.append(line)
        continue
      }
      inControlSentence = true
      let kept = body[..<cut].trimmingCharacters(in: .whitespaces)
      if !kept.isEmpty {
        let indent = line.prefix { $0 == " " }
        result.append(indent + "// " + kept)
      }
    }
    return result
  }
}
