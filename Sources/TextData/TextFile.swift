import Foundation
import TensorCore

/// Reading a student's own text file as a corpus, refusing what cannot be one.
public enum TextFile {
  /// The largest file we read: more text than a lesson can use in seconds anyway.
  public static let maximumBytes = 50 << 20

  /// The sentences a quick run keeps from a learner's file (`ReadText.first`): about 40,000
  /// words of prose, enough for every cell to show something in a few seconds.
  public static let quickSentences = 2_000

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
    // Sizes before contents: a device, a pipe or a huge file is refused without reading it.
    let size: Int
    do {
      size = try ReadableFile.size(of: path)
    } catch {
      throw CorpusError(
        error.isFolder
          ? "\(path) is a folder; give the path of a UTF-8 text file inside it"
          : "\(error); give the path of a UTF-8 text file")
    }
    guard size <= maximumBytes else {
      throw CorpusError(
        "\(path) has \(size) bytes; the limit is \(maximumBytes) (use a part of it, for "
          + "example: head -c 5000000 \(path) > part.txt)")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw CorpusError("\(path) cannot be read; check its permissions")
    }
    guard !data.isEmpty else {
      throw CorpusError("\(path) is empty; give a file with some text in it")
    }
    if let encoding = wideEncoding(of: data) {
      throw CorpusError(
        "\(path) looks like \(encoding) text; convert it to UTF-8 first, for example: "
          + "iconv -f \(encoding) -t UTF-8 \(path) > text-utf8.txt")
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

extension TextFile {
  /// `UTF-16` or `UTF-32` when `data` looks like text in one of them (with `LE` or `BE`
  /// when there is no byte-order mark: `iconv -f UTF-16` would read a file without one as
  /// little-endian), else `nil`.
  ///
  /// A byte-order mark says so outright. Without one, text that is mostly ASCII puts its zero
  /// bytes in a rhythm: every second byte in UTF-16, three of every four in UTF-32. A program
  /// or an image has zero bytes too, but scattered; those are left to the binary check.
  static func wideEncoding(of data: Data) -> String? {
    if data.starts(with: [0xFF, 0xFE, 0, 0]) || data.starts(with: [0, 0, 0xFE, 0xFF]) {
      return "UTF-32"
    }
    if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
    let head = Array(data.prefix(256))
    let usable = head.count / 4 * 4
    guard usable >= 8 else { return nil }
    // zeros[r]: how many of the bytes at positions ≡ r (mod 4) are zero.
    var zeros = [0, 0, 0, 0]
    for i in 0..<usable where head[i] == 0 { zeros[i % 4] += 1 }
    let perPosition = usable / 4
    func mostly(_ count: Int) -> Bool { count * 10 >= perPosition * 9 }
    func rarely(_ count: Int) -> Bool { count * 10 <= perPosition }
    let littleEndian32 =
      rarely(zeros[0]) && mostly(zeros[1]) && mostly(zeros[2]) && mostly(zeros[3])
    let bigEndian32 = mostly(zeros[0]) && mostly(zeros[1]) && mostly(zeros[2]) && rarely(zeros[3])
    if littleEndian32 { return "UTF-32LE" }
    if bigEndian32 { return "UTF-32BE" }
    let littleEndian16 = rarely(zeros[0] + zeros[2]) && mostly(zeros[1] + zeros[3] - perPosition)
    let bigEndian16 = mostly(zeros[0] + zeros[2] - perPosition) && rarely(zeros[1] + zeros[3])
    return littleEndian16 ? "UTF-16LE" : bigEndian16 ? "UTF-16BE" : nil
  }
}

/// A corpus file that cannot be used, and why; lessons print it and exit with status 2.
public struct CorpusError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
