import Foundation

/// A text read as sentences, kept in their paragraphs, with how it was read.
public struct ReadText: Sendable, Equatable {
  /// How the file was laid out, as the reader judged it.
  public enum Layout: String, Sendable {
    /// Every non-empty line is one item (a sentence, a name, a labelled line).
    case linePerSentence = "one sentence per line"
    /// Lines wrapped inside paragraphs, paragraphs separated by blank lines.
    case wrappedProse = "wrapped prose"
    /// Markdown: wrapped prose with headings, lists and code blocks.
    case markdown = "Markdown"
  }

  public let layout: Layout
  /// The paragraphs, each a list of sentences; a paragraph is a document for lessons that
  /// need several sentences in order (sentence-order prediction).
  public let paragraphs: [[String]]
  /// The non-empty lines of the file.
  public let lineCount: Int
  /// Lines left out: headings, code, rules of symbols.
  public let skippedLines: Int
  /// The whole file's sentences and paragraphs when only the first ones were kept
  /// (`first(_:)`), else `nil`.
  public private(set) var inFile: (sentences: Int, paragraphs: Int)? = nil

  public static func == (a: ReadText, b: ReadText) -> Bool {
    a.layout == b.layout && a.paragraphs == b.paragraphs && a.lineCount == b.lineCount
      && a.skippedLines == b.skippedLines && a.inFile?.sentences == b.inFile?.sentences
      && a.inFile?.paragraphs == b.inFile?.paragraphs
  }

  /// Every sentence, in file order.
  public var sentences: [String] { paragraphs.flatMap { $0 } }

  /// One sentence saying how the file was read, for the lesson to print.
  public var summary: String {
    let sentenceCount = inFile?.sentences ?? sentences.count
    let kept =
      inFile == nil
      ? ""
      : "; the first \(sentences.count) "
        + (sentences.count > sentenceCount ? "pieces of 240 characters or fewer" : "sentences")
        + " (\(paragraphs.count) paragraphs) kept"
    switch layout {
    case .linePerSentence:
      return "one sentence per line: \(lineCount) lines read as \(sentenceCount) sentences "
        + "(few lines end mid-sentence, or there are no blank lines between paragraphs)" + kept
    case .wrappedProse, .markdown:
      let skipped =
        skippedLines > 0 ? "; \(skippedLines) lines of headings, code or rules skipped" : ""
      return "\(layout.rawValue): \(lineCount) lines joined into \(sentenceCount) sentences "
        + "in \(inFile?.paragraphs ?? paragraphs.count) paragraphs\(skipped)" + kept
    }
  }

  /// The same reading with other paragraphs (sentences cut into segments, say): the file's
  /// layout, line counts and whole-file figures are kept.
  func replacingParagraphs(_ newParagraphs: [[String]]) -> ReadText {
    var copy = ReadText(
      layout: layout, paragraphs: newParagraphs, lineCount: lineCount, skippedLines: skippedLines)
    copy.inFile = inFile
    return copy
  }

  /// The text cut after its first `limit` sentences (whole paragraphs, and part of the one
  /// the limit falls in): a quick run on a long file reads only its beginning. A sentence
  /// longer than `LongLines.maximumCharacters` counts as the pieces it will be cut into, so
  /// that a file of one huge line is cut short too.
  public func first(_ limit: Int) -> ReadText {
    let total = sentences.reduce(0) { $0 + LongLines.pieceCount($1) }
    guard total > limit else { return self }
    var kept: [[String]] = []
    var count = 0
    for paragraph in paragraphs where count < limit {
      var part: [String] = []
      for sentence in paragraph where count < limit {
        let pieces = LongLines.pieceCount(sentence)
        if count + pieces <= limit {
          part.append(sentence)
          count += pieces
        } else {
          // A long sentence the limit falls in: its first pieces, as they will be cut.
          let fitting = Array(LongLines.pieces(sentence).prefix(limit - count))
          part += fitting
          count += fitting.count
        }
      }
      kept.append(part)
    }
    var cut = ReadText(
      layout: layout, paragraphs: kept, lineCount: lineCount, skippedLines: skippedLines)
    cut.inFile = (sentences.count, paragraphs.count)
    return cut
  }
}

/// Reading ordinary text files as sentences: the documented rules behind `TextFile.read`.
///
/// **Layout.** A file is read as *one sentence per line* when it has no blank line between
/// two lines of text, or when at least 60 % of its lines end a sentence (end in `.`, `?`,
/// `!`, possibly followed by a closing quote or bracket); its paragraphs are then the runs
/// of lines between blank lines. Otherwise it is *wrapped prose*
/// (or *Markdown*, by its name): lines are joined inside a paragraph, and a blank line ends
/// the paragraph.
///
/// **Joining.** Lines are joined with a space. A line that ends in a hyphen after a letter
/// is joined without the space, hyphen kept ("well-" + "known" → "well-known"): editors
/// wrap at spaces, so a hyphen at a line's end is almost always part of the word.
///
/// **Sentences.** A sentence ends at `.`, `?` or `!` (with any closing quotes or brackets
/// after it) followed by white space and then an upper-case letter, a digit or an opening
/// quote or bracket — or by the end of the paragraph. A full stop does not end a sentence
/// after a common abbreviation (`ProseReader.abbreviations`) or a single capital letter
/// (an initial); decimals ("3.5") and ellipses ("...") never end one.
///
/// **Markdown and plain-text structure.** Fenced code blocks (three backticks or tildes)
/// and, in Markdown, indented code blocks are skipped; headings (`#` lines, or a line
/// underlined with `===`/`---`) are skipped; a line of symbols only (a rule) is skipped; a
/// list item (`-`, `*`, `+`, `1.`) starts a paragraph of its own, its marker removed; in
/// Markdown, `**`, `__` and backticks are removed and a link `[text](address)` keeps its
/// text.
public enum ProseReader {
  /// Words that end in a full stop without ending a sentence (compared lower-cased).
  public static let abbreviations: Set<String> = [
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "cf",
    "al", "fig", "no", "vol", "pp", "ch", "sec", "approx", "inc", "ltd", "co", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "a.m",
    "p.m", "ed", "eds", "viz", "resp",
  ]

  /// Reads `text` by the rules above; `markdown` turns on the Markdown-only rules.
  public static func read(_ text: String, markdown: Bool) -> ReadText {
    let rawLines = text.components(separatedBy: .newlines)
    let lines = rawLines.map { $0.trimmingCharacters(in: .whitespaces) }
    let filled = lines.filter { !$0.isEmpty }
    if isLinePerSentence(lines) {
      // Each line a sentence; lines not parted by a blank line are one paragraph, their
      // order the text's (a file of sentences one after another is one long paragraph).
      var runs: [[String]] = [[]]
      for line in lines {
        if line.isEmpty {
          if !runs[runs.count - 1].isEmpty { runs.append([]) }
        } else {
          runs[runs.count - 1].append(line)
        }
      }
      return ReadText(
        layout: .linePerSentence, paragraphs: runs.filter { !$0.isEmpty },
        lineCount: filled.count, skippedLines: 0)
    }
    var paragraphs: [[String]] = []
    var current: [String] = []
    var skipped = 0
    var inFence = false
    func endParagraph() {
      let joined = join(current)
      current = []
      let sentences = split(joined)
      if !sentences.isEmpty { paragraphs.append(sentences) }
    }
    for (index, raw) in rawLines.enumerated() {
      let line = lines[index]
      if line.hasPrefix("```") || line.hasPrefix("~~~") {
        endParagraph()
        inFence.toggle()
        skipped += 1
        continue
      }
      if inFence {
        if !line.isEmpty { skipped += 1 }
        continue
      }
      if line.isEmpty {
        endParagraph()
        continue
      }
      let next = index + 1 < lines.count ? lines[index + 1] : ""
      let indentedCode = markdown && raw.hasPrefix("    ") && current.isEmpty
      if line.hasPrefix("#") || isRule(line) || isUnderline(next) || indentedCode {
        endParagraph()
        skipped += 1
        continue
      }
      if let item = listItem(line) {
        endParagraph()
        current.append(markdown ? plainMarkdown(item) : item)
        continue
      }
      current.append(markdown ? plainMarkdown(line) : line)
    }
    endParagraph()
    return ReadText(
      layout: markdown ? .markdown : .wrappedProse, paragraphs: paragraphs,
      lineCount: filled.count, skippedLines: skipped)
  }

  /// The layout rule: no blank line between two lines of text, or 60 % of lines ending a
  /// sentence.
  static func isLinePerSentence(_ lines: [String]) -> Bool {
    let filled = lines.filter { !$0.isEmpty }
    guard !filled.isEmpty else { return true }
    let first = lines.firstIndex { !$0.isEmpty }!
    let last = lines.lastIndex { !$0.isEmpty }!
    let blankInside = lines[first...last].contains { $0.isEmpty }
    if !blankInside { return true }
    let ending = filled.filter(endsSentence).count
    return ending * 10 >= filled.count * 6
  }

  /// Whether a line ends in sentence-final punctuation (closing quotes or brackets allowed).
  static func endsSentence(_ line: String) -> Bool {
    let trimmed = line.reversed().drop { "\"')]”’»".contains($0) }
    guard let last = trimmed.first else { return false }
    return ".?!".contains(last)
  }

  /// Joins a paragraph's lines: a space between lines, none after a hyphen that follows a
  /// letter.
  static func join(_ lines: [String]) -> String {
    var result = ""
    for line in lines {
      if result.isEmpty {
        result = line
      } else if result.hasSuffix("-"), result.dropLast().last?.isLetter == true {
        result += line
      } else {
        result += " " + line
      }
    }
    return result
  }

  /// Splits a paragraph into sentences by the rules above.
  public static func split(_ paragraph: String) -> [String] {
    let characters = Array(paragraph)
    var sentences: [String] = []
    var start = 0
    var i = 0
    while i < characters.count {
      let c = characters[i]
      guard ".?!".contains(c) else {
        i += 1
        continue
      }
      // Take the whole run of punctuation and closing marks ("?!", ".\"", "...").
      var end = i + 1
      while end < characters.count, ".?!\"')]”’»".contains(characters[end]) { end += 1 }
      let atEnd = end == characters.count
      var next = end
      while next < characters.count, characters[next].isWhitespace { next += 1 }
      let spaced = next > end
      let opensNext =
        next < characters.count
        && (characters[next].isUppercase || characters[next].isNumber
          || "\"'(“‘[".contains(characters[next]))
      if (atEnd || (spaced && opensNext)) && !isAbbreviation(characters, dotAt: i)
        && !isEllipsis(characters, from: i, to: end)
      {
        appendSentence(String(characters[start..<end]), to: &sentences)
        start = next
      }
      i = end
    }
    if start < characters.count { appendSentence(String(characters[start...]), to: &sentences) }
    return sentences
  }

  static func appendSentence(_ text: String, to sentences: inout [String]) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    // A "sentence" without a letter or digit (a stray "--", "*") is not one.
    if trimmed.contains(where: { $0.isLetter || $0.isNumber }) { sentences.append(trimmed) }
  }

  /// Whether the mark at `dotAt` is a full stop after an abbreviation or an initial.
  static func isAbbreviation(_ characters: [Character], dotAt index: Int) -> Bool {
    guard characters[index] == "." else { return false }
    var start = index
    while start > 0, characters[start - 1].isLetter || characters[start - 1] == "." {
      start -= 1
    }
    let word = String(characters[start..<index])
    if word.count == 1, word.first!.isUppercase { return true }
    return abbreviations.contains(word.lowercased())
  }

  /// Whether the run of marks is an ellipsis ("..." or "…") and not at a paragraph's end.
  static func isEllipsis(_ characters: [Character], from start: Int, to end: Int) -> Bool {
    guard end < characters.count else { return false }
    let run = characters[start..<end].filter { $0 == "." }.count
    return run >= 3 || characters[start] == "…"
  }

  /// A line of symbols only: `---`, `***`, `===`, `___`, `+--+--+`.
  static func isRule(_ line: String) -> Bool {
    line.count >= 3 && !line.contains { $0.isLetter || $0.isNumber || $0 == " " }
  }

  /// A Setext heading's underline (`===` or `---` under the line).
  static func isUnderline(_ line: String) -> Bool {
    line.count >= 3 && (Set(line) == ["="] || Set(line) == ["-"])
  }

  /// The text of a list item without its marker, or `nil` if the line is not one.
  static func listItem(_ line: String) -> String? {
    for marker in ["- ", "* ", "+ ", "• "] where line.hasPrefix(marker) {
      return String(line.dropFirst(marker.count))
    }
    let digits = line.prefix { $0.isNumber }
    if !digits.isEmpty, digits.count <= 3 {
      let rest = line.dropFirst(digits.count)
      if rest.hasPrefix(". ") || rest.hasPrefix(") ") { return String(rest.dropFirst(2)) }
    }
    return nil
  }

  /// Markdown emphasis and code marks removed; links keep their text.
  static func plainMarkdown(_ line: String) -> String {
    var text = line.replacingOccurrences(of: "**", with: "")
      .replacingOccurrences(of: "__", with: "")
      .replacingOccurrences(of: "`", with: "")
    // [text](address) → text
    while let open = text.range(of: "]("), let close = text[open.upperBound...].firstIndex(of: ")"),
      let bracket = text[..<open.lowerBound].lastIndex(of: "[")
    {
      let label = text[text.index(after: bracket)..<open.lowerBound]
      text.replaceSubrange(bracket...close, with: label)
    }
    return text
  }
}
