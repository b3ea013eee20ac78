/// Labelled examples from a learner's file, for a classifier (lesson 1): each example a
/// text and the name of its label.
///
/// Two layouts are read, the two that spreadsheets and data sets export:
/// - **Tab-separated**: one example per line, `label<TAB>text` (the first tab ends the
///   label; a first line `label<TAB>text` is taken as a header and skipped).
/// - **CSV** with a header row that names the columns, quoted as RFC 4180 quotes them
///   (fields in `"…"` may hold commas, line breaks and doubled `""`). The label column is
///   the first whose name is one of `labelColumns`, the text column one of `textColumns`.
///
/// Any number of labels from two up is accepted; each needs `minimumPerLabel` examples so
/// that the validation and test splits can hold some of every label.
public struct LabelledText: Sendable, Equatable {
  public struct Example: Sendable, Equatable {
    public let text: String
    public let label: String
  }

  public let examples: [Example]
  /// The labels, the most frequent first (ties in alphabetical order).
  public let labels: [String]
  /// How the file was read, for the lesson to say ("tab-separated, 1,204 examples").
  public let summary: String

  /// The fewest examples a label may have.
  public static let minimumPerLabel = 10
  /// The most labels a file may have: the lesson prints a row per label.
  public static let maximumLabels = 50
  /// Header names taken for the label column and the text column (compared lower-cased).
  public static let labelColumns = ["label", "labels", "sentiment", "class", "category", "target"]
  public static let textColumns = [
    "text", "review", "sentence", "content", "body", "comment", "message", "document",
  ]

  /// Reads `path` (checked and decoded as `TextFile.contents` does).
  /// - Throws: `CorpusError` naming what is wrong and how to fix it.
  public static func read(at path: String) throws -> LabelledText {
    try parse(TextFile.contents(at: path), path: path)
  }

  /// Reads labelled examples from `text`; `path` names the file in messages.
  public static func parse(_ text: String, path: String) throws -> LabelledText {
    let firstLine =
      text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }
      .map(String.init) ?? ""
    var pairs: [(label: String, text: String)] = []
    let layout: String
    var skipped = 0
    if firstLine.contains("\t") {
      layout = "tab-separated"
      var lineNumber = 0
      // Split at each line end, "\r\n" being one: line numbers are those an editor shows.
      for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
        lineNumber += 1
        if line.allSatisfy(\.isWhitespace) { continue }
        guard let tab = line.firstIndex(of: "\t") else {
          throw CorpusError(
            "\(path): line \(lineNumber) has no tab; each line must be label<TAB>text "
              + "(the first line has a tab, so the file was read as tab-separated)")
        }
        let label = line[..<tab].trimmingCharacters(in: .whitespaces)
        let body = line[line.index(after: tab)...].trimmingCharacters(in: .whitespaces)
        // A header line names the columns; it is not an example.
        if pairs.isEmpty && skipped == 0 && labelColumns.contains(label.lowercased())
          && textColumns.contains(body.lowercased())
        {
          continue
        }
        if label.isEmpty || body.isEmpty {
          skipped += 1
          continue
        }
        pairs.append((label, body))
      }
    } else if firstLine.contains(",") {
      layout = "CSV"
      let rows = try csvRows(text, path: path)
      let header = rows[0].map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
      guard let labelColumn = header.firstIndex(where: labelColumns.contains),
        let textColumn = header.firstIndex(where: textColumns.contains)
      else {
        throw CorpusError(
          "\(path): the CSV header has the columns \(header.map { "'\($0)'" }.joined(separator: ", ")); "
            + "name the label column 'label' and the text column 'text' (or use tab-separated "
            + "lines, label<TAB>text)")
      }
      for (index, row) in rows.enumerated().dropFirst() {
        if row.count == 1 && row[0].allSatisfy(\.isWhitespace) { continue }
        guard row.count == header.count else {
          throw CorpusError(
            "\(path): row \(index + 1) has \(row.count) fields, the header \(header.count); "
              + "a field with a comma or a line break must be in double quotes")
        }
        let label = row[labelColumn].trimmingCharacters(in: .whitespacesAndNewlines)
        let body = row[textColumn].trimmingCharacters(in: .whitespacesAndNewlines)
        if label.isEmpty || body.isEmpty {
          skipped += 1
          continue
        }
        pairs.append((label, body))
      }
    } else {
      throw CorpusError(
        "\(path) is not labelled: its first line has neither a tab nor a comma; give one "
          + "example per line as label<TAB>text, or a CSV file whose header names a 'label' "
          + "and a 'text' column")
    }
    var counts: [String: Int] = [:]
    for pair in pairs { counts[pair.label, default: 0] += 1 }
    let labels = counts.keys.sorted {
      counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : $0 < $1
    }
    guard labels.count >= 2 else {
      throw CorpusError(
        "\(path) has "
          + (labels.isEmpty ? "no labelled example" : "only one label ('\(labels[0])')")
          + "; a classifier needs examples of at least two labels")
    }
    guard labels.count <= maximumLabels else {
      throw CorpusError(
        "\(path) has \(labels.count) different labels; the lesson takes at most "
          + "\(maximumLabels) (is the label column the right one?)")
    }
    if let rare = labels.last, counts[rare]! < minimumPerLabel {
      throw CorpusError(
        "\(path): the label '\(rare)' has only \(counts[rare]!) example"
          + (counts[rare]! == 1 ? "" : "s") + "; each label needs at least \(minimumPerLabel) "
          + "so that validation and test hold some (add examples, or leave the label out)")
    }
    let examples = pairs.map { Example(text: $0.text, label: $0.label) }
    // Labels that differ only in case are kept apart, and said to be.
    let folded = Dictionary(grouping: labels, by: { $0.lowercased() }).values
      .filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    let caseNote = folded.map { group in
      "labels " + group.map { "'\($0)'" }.joined(separator: " and ")
        + " differ only in case and are kept apart"
    }
    return LabelledText(
      examples: examples, labels: labels,
      summary: "\(layout), \(examples.count) examples of \(labels.count) labels"
        + (skipped > 0 ? " (\(skipped) with an empty label or text left out)" : "")
        + caseNote.map { "; " + $0 }.joined())
  }

  /// The records of a CSV text: fields split at commas outside double quotes, records at
  /// line breaks outside them; `""` inside quotes is one quote.
  static func csvRows(_ text: String, path: String) throws -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var quoted = false
    var iterator = text.makeIterator()
    var pending: Character? = nil
    func next() -> Character? {
      if let p = pending {
        pending = nil
        return p
      }
      return iterator.next()
    }
    while let c = next() {
      if quoted {
        if c == "\"" {
          let after = next()
          if after == "\"" {
            field.append("\"")
          } else {
            quoted = false
            pending = after
          }
        } else {
          field.append(c)
        }
      } else if c == "\"" && field.allSatisfy(\.isWhitespace) {
        field = ""
        quoted = true
      } else if c == "," {
        row.append(field)
        field = ""
      } else if c.isNewline {
        row.append(field)
        rows.append(row)
        row = []
        field = ""
      } else {
        field.append(c)
      }
    }
    if quoted {
      throw CorpusError(
        "\(path): a double quote opened in row \(rows.count + 1) is never closed; a quote "
          + "inside a quoted field is written twice (\"\")")
    }
    if !field.isEmpty || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    // Blank lines between records are not records.
    rows.removeAll { $0.count == 1 && $0[0].allSatisfy(\.isWhitespace) }
    guard !rows.isEmpty else { throw CorpusError("\(path) holds no CSV rows") }
    return rows
  }
}
