import Course
import Foundation

/// `lessons new NAME`: a new lesson that passes CI as it is.
///
/// It writes the lesson (`Lessons/<n>-<Name>/main.swift`, from `LessonTemplate`), its guide
/// (`docs/lessons/<n>-<name>.md`), its entry in `Sources/Course/Catalog.swift` (a static
/// member and its place in `Catalog.lessons`), its target in `Package.swift` and its row in
/// the README's table; then it builds the lesson and exports its transcript
/// (`docs/transcripts/<name>.md`). Everything is checked before anything is written, and a
/// write that fails puts back what was written before it.
struct NewLesson {
  /// The executable's name, as typed: `my-lesson`.
  let name: String
  let number: Int
  let title: String
  let summary: String

  /// The catalogue entry's static member: `myLesson`.
  var member: String {
    let words = name.split(separator: "-").map(String.init)
    return words[0] + words.dropFirst().map(\.capitalizedFirst).joined()
  }

  /// The lesson's folder under `Lessons`: `7-MyLesson`.
  var folder: String {
    "\(number)-" + name.split(separator: "-").map { String($0).capitalizedFirst }.joined()
  }

  /// The lesson's entry, as the catalogue will have it.
  var entry: CatalogEntry {
    CatalogEntry(number: number, executable: name, title: title, summary: summary)
  }

  var guide: String { "docs/lessons/\(number)-\(name).md" }
  var transcript: String { "docs/transcripts/\(name).md" }
  var transcriptCommand: String {
    "swift run -c release \(name) --quick --seed 0 --no-color --width 100 --export \(transcript)"
  }

  /// A file to create or to replace, with its new text.
  struct Write {
    let path: String
    let text: String
  }

  /// Why nothing was written.
  struct Refusal: Error {
    let message: String
  }

  /// The usage line of `lessons new`.
  static let usage =
    "usage: lessons new NAME [--title TEXT] [--summary TEXT] [--no-build]\n"
    + "  NAME: lower-case words joined by '-' (my-lesson), at most 30 characters"

  /// Names a catalogue entry cannot have: Swift's keywords (a static member would need
  /// backquotes) and `CatalogEntry`'s own members.
  static let keywords: Set<String> = [
    "as", "associatedtype", "break", "case", "catch", "class", "continue", "default", "defer",
    "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for",
    "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "nil",
    "open", "operator", "private", "protocol", "public", "repeat", "rethrows", "return",
    "self", "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
    "typealias", "var", "where", "while", "number", "executable", "title", "summary", "suffix",
    "command", "heading",
  ]

  /// Checks `name`, `title` and `summary` against the catalogue.
  init(name: String, title: String?, summary: String?) throws {
    let pattern = #"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"#
    guard name.range(of: pattern, options: .regularExpression) != nil, name.count <= 30 else {
      throw Refusal(
        message: "'\(name)' is not a lesson name: use lower-case letters and digits, words "
          + "joined by '-', starting with a letter, at most 30 characters (my-lesson)")
    }
    self.name = name
    self.number = (Catalog.lessons.map(\.number).max() ?? 0) + 1
    self.title = title ?? name.replacingOccurrences(of: "-", with: " ").capitalizedFirst
    self.summary = summary ?? "what the lesson teaches, in one line (rewrite it in the catalogue)"
    for (label, text) in [("title", self.title), ("summary", self.summary)] {
      guard !text.isEmpty, text.count <= 80,
        text.rangeOfCharacter(from: CharacterSet(charactersIn: "\"\\\n")) == nil
      else {
        throw Refusal(message: "the \(label) must be 1 to 80 characters, without \" or \\")
      }
    }
    if let entry = Catalog.lessons.first(where: { $0.executable == name }) {
      throw Refusal(message: "'\(name)' is a lesson already (\(entry.heading))")
    }
    if Self.keywords.contains(member) {
      throw Refusal(
        message: "'\(name)' cannot name a catalogue entry (a Swift keyword or a member of "
          + "CatalogEntry); choose another name")
    }
  }

  /// What to write, with the existing files' edits, or why nothing can be.
  func plan(root: URL) throws -> [Write] {
    let package = try read("Package.swift", root)
    let catalog = try read("Sources/Course/Catalog.swift", root)
    // A target's module is its name with '-' as '_'; names are compared without case too,
    // since macOS's file system does not tell build folders apart by case.
    let module = name.replacingOccurrences(of: "-", with: "_").lowercased()
    if let taken = Self.targetNames(package).first(where: {
      $0.replacingOccurrences(of: "-", with: "_").lowercased() == module
    }) {
      throw Refusal(message: "Package.swift has a target named '\(taken)' already")
    }
    if catalog.contains("static let \(member) ") {
      throw Refusal(message: "Sources/Course/Catalog.swift has an entry named '\(member)' already")
    }
    for path in ["Lessons/\(folder)", guide, transcript] {
      if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
        throw Refusal(message: "\(path) exists already")
      }
    }
    let target = "  executable(\"\(name)\", \"Lessons/\(folder)\", lessonDependencies),\n"
    let entry = """
        public static let \(member) = CatalogEntry(
          number: \(number), executable: "\(name)",
          title: "\(title)",
          summary: "\(summary)")

      """
    let lastRow = "| `swift run -c release \(Catalog.lessons.last?.executable ?? "tour")` |"
    let row = "| `swift run -c release \(name)` | lesson \(number): \(summary) |\n"
    // The README's row is a courtesy: a README without the table gets none.
    let readme = try? read("README.md", root)
    let readmeRow = readme.flatMap { try? insert(row, into: $0, after: lastRow, before: "") }
      .map { Write(path: "README.md", text: $0) }
    return [
      Write(path: "Lessons/\(folder)/main.swift", text: LessonTemplate.lesson(self)),
      Write(path: guide, text: LessonTemplate.guide(self)),
      Write(
        path: "Package.swift",
        text: try insert(target, into: package, after: "let lessons: [Target] = [\n", before: "]\n")
      ),
      Write(
        path: "Sources/Course/Catalog.swift",
        text: try insert(
          "    .\(member),\n",
          into: try insert(
            entry, into: catalog, after: "extension CatalogEntry {\n", before: "}\n"),
          after: "public static let lessons: [CatalogEntry] = [\n", before: "  ]\n")),
    ] + (readmeRow.map { [$0] } ?? [])
  }

  /// The names of the targets `Package.swift` declares: the first string of each
  /// `library(`, `executable(`, `tests(` and `name:`.
  static func targetNames(_ package: String) -> [String] {
    let pattern = #"(?:library|executable|tests)\(\s*"([^"]+)"|name: "([^"]+)""#
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
    let text = package as NSString
    return expression.matches(in: package, range: NSRange(location: 0, length: text.length))
      .compactMap { match in
        (1...2).lazy.map { match.range(at: $0) }.first { $0.location != NSNotFound }
          .map { text.substring(with: $0) }
      }
  }

  /// Writes every file of `writes`; if one fails, removes the new files and folders and
  /// restores the old texts, and rethrows.
  func write(_ writes: [Write], root: URL) throws {
    let files = FileManager.default
    var done: [(path: String, old: String?)] = []
    var madeFolders: [URL] = []
    var current = ""
    do {
      for write in writes {
        current = write.path
        let url = root.appendingPathComponent(write.path)
        let folder = url.deletingLastPathComponent()
        if !files.fileExists(atPath: folder.path) {
          try files.createDirectory(at: folder, withIntermediateDirectories: false)
          madeFolders.append(folder)
        }
        let old = try? String(contentsOf: url, encoding: .utf8)
        try write.text.write(to: url, atomically: true, encoding: .utf8)
        done.append((write.path, old))
      }
    } catch {
      for (path, old) in done.reversed() {
        let url = root.appendingPathComponent(path)
        if let old {
          try? old.write(to: url, atomically: true, encoding: .utf8)
        } else {
          try? files.removeItem(at: url)
        }
      }
      for folder in madeFolders.reversed() { try? files.removeItem(at: folder) }
      throw Refusal(
        message: "could not write \(current) (\(error.localizedDescription)); what was written "
          + "before it is undone")
    }
  }

  private func read(_ path: String, _ root: URL) throws -> String {
    do {
      return try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    } catch {
      throw Refusal(
        message: "cannot read \(path); run lessons new from the course's folder (the one "
          + "with Package.swift)")
    }
  }

  /// `text` with `line` inserted at the start of the first line beginning with `before` after
  /// the first occurrence of `anchor` (or right after the line of `anchor` when `before` is
  /// empty).
  private func insert(_ line: String, into text: String, after anchor: String, before: String)
    throws -> String
  {
    guard let start = text.range(of: anchor) else {
      throw Refusal(message: "cannot find '\(anchor.trimmed)' to add the lesson after")
    }
    var index = start.upperBound
    if before.isEmpty {
      guard let end = text[index...].firstIndex(of: "\n") else {
        throw Refusal(message: "'\(anchor.trimmed)' ends the file")
      }
      index = text.index(after: end)
    } else {
      guard let end = text[index...].range(of: "\n" + before) else {
        throw Refusal(
          message: "cannot find the '\(before.trimmed)' that closes '\(anchor.trimmed)'")
      }
      index = text.index(after: end.lowerBound)
    }
    var result = text
    result.insert(contentsOf: line, at: index)
    return result
  }
}

extension String {
  /// The string with its first character in upper case: `my` → `My`.
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
  var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
