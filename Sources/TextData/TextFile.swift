import Foundation

/// Reading a student's own text file as a corpus, refusing what cannot be one.
public enum TextFile {
  /// The largest file we read: more text than a lesson can use in seconds anyway.
  public static let maximumBytes = 50 << 20

  /// The non-empty lines of a UTF-8 text file, trimmed of surrounding white space.
  /// - Throws: `CorpusError` when the file is missing, empty, binary, not UTF-8, or huge.
  public static func lines(at path: String) throws -> [String] {
    let lines = try contents(at: path).components(separatedBy: .newlines)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
    guard !lines.isEmpty else {
      throw CorpusError("\(path) holds only white space; the corpus needs some text")
    }
    return lines
  }

  /// A text file read as sentences and paragraphs, whichever way it is laid out (see
  /// `ProseReader`): one sentence per line, wrapped prose, or Markdown.
  /// - Throws: `CorpusError` as `lines(at:)` does, or when no sentence is left.
  public static func read(at path: String) throws -> ReadText {
    let text = try contents(at: path)
    let markdown = path.lowercased().hasSuffix(".md") || path.lowercased().hasSuffix(".markdown")
    let read = ProseReader.read(text, markdown: markdown)
    guard !read.sentences.isEmpty else {
      throw CorpusError("\(path) holds no sentences (only white space, headings or code)")
    }
    return read
  }

  /// The whole text of a UTF-8 text file, after the checks above.
  /// - Throws: `CorpusError` when the file is missing, empty, binary, not UTF-8, or huge.
  public static func contents(at path: String) throws -> String {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CorpusError("\(path): no such file; give the path of a UTF-8 text file")
    }
    guard !isDirectory.boolValue else {
      throw CorpusError("\(path) is a folder; give the path of a UTF-8 text file")
    }
    // Sizes before contents: a device, a pipe or a huge file is refused without reading it.
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    guard (attributes?[.type] as? FileAttributeType) == .typeRegular else {
      throw CorpusError(
        "\(path) is not a regular file (a device, a pipe or a socket); save the text to a "
          + "file and give its path")
    }
    let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
    guard size <= maximumBytes else {
      throw CorpusError(
        "\(path) has \(size) bytes; the limit is \(maximumBytes) (use a part of it, for "
          + "example: head -c 5000000 \(path) > part.txt)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CorpusError("\(path) cannot be read; check its permissions")
    }
    guard !data.isEmpty else {
      throw CorpusError("\(path) is empty; the corpus needs some text, one sentence per line")
    }
    // UTF-16: a byte-order mark, or (without one) a zero byte beside nearly every
    // character of text that is mostly ASCII.
    let head = data.prefix(64)
    if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
      || (head.count >= 4 && head.filter({ $0 == 0 }).count * 3 >= head.count)
    {
      throw CorpusError(
        "\(path) looks like UTF-16 text; convert it to UTF-8 first, for example: "
          + "iconv -f UTF-16 -t UTF-8 \(path) > text-utf8.txt")
    }
    if data.contains(0) {
      throw CorpusError(
        "\(path) looks binary (it contains zero bytes); give a plain UTF-8 text file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw CorpusError("\(path) is not valid UTF-8; save it as UTF-8 text and try again")
    }
    let controls = text.unicodeScalars.filter {
      $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0)
    }.count
    if controls * 100 > text.unicodeScalars.count {
      throw CorpusError("\(path) looks binary (many control characters); give a plain text file")
    }
    guard text.contains(where: { !$0.isWhitespace }) else {
      throw CorpusError("\(path) holds only white space; the corpus needs some text")
    }
    return text
  }
}

/// A corpus file that cannot be used, and why; lessons print it and exit with status 2.
public struct CorpusError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
