import Foundation

/// Writing a run as one self-contained web page: the page a teacher posts on a course site.
///
/// Everything is in the one file (styles inline, no scripts, no fonts or images fetched),
/// so it opens offline and from any host. Prose is rendered from the lessons' small
/// Markdown (headings, paragraphs, lists, `code`, *emphasis*, **strong**); code is
/// highlighted as Swift; plots are drawn as inline SVG that scales to the page (the text
/// plots of the terminal need a font with braille, which a browser may not have); text
/// output keeps its monospace lines, with passed checks green and failed ones red as in the
/// terminal, and a wide table scrolls sideways inside its box on a phone.
extension Transcript {
  func html() -> String {
    var body: [String] = []
    body.append("<h1>\(Self.escaped(title))</h1>")
    body.append(Self.prose(provenance))
    body.append(Self.prose(introduction))
    for index in byCell.keys.sorted() {
      switch byCell[index]! {
      case .markdown(let text):
        body.append(Self.prose(text))
      case .code(let number, let title, let prose, let source, let output):
        var section = ["<section class=\"cell\">"]
        section.append("<h3>\(number). \(Self.escaped(title))</h3>")
        if !prose.isEmpty { section.append(Self.prose(prose)) }
        if !source.isEmpty {
          section.append(
            "<pre class=\"code\"><code>" + source.map(Self.highlighted).joined(separator: "\n")
              + "</code></pre>")
        }
        section += Self.outputHTML(output, figures: figures[index] ?? [])
        section.append("</section>")
        body.append(section.joined(separator: "\n"))
      }
    }
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(Self.escaped(title))</title>
      <style>
      \(Self.style)
      </style>
      </head>
      <body>
      <main>
      \(body.joined(separator: "\n"))
      </main>
      </body>
      </html>

      """
  }

  /// Colours and layout: readable at 360 pixels, plots never wrapped.
  static let style = """
    body { margin: 0; background: #fdfdfc; color: #1d1f21;
      font: 16px/1.55 -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 1rem 1rem 4rem; }
    h1 { font-size: 1.6rem; line-height: 1.25; }
    h2 { font-size: 1.3rem; margin-top: 2rem; }
    h3 { font-size: 1.1rem; margin: 2rem 0 0.5rem; }
    code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; }
    p code, li code { background: #eef0f2; padding: 0 0.2em; border-radius: 3px; font-size: 0.92em; }
    pre { overflow-x: auto; padding: 0.75rem 1rem; border-radius: 6px; font-size: 13px;
      line-height: 1.35; white-space: pre; }
    pre.code { background: #f3f4f6; border-left: 3px solid #8a94a6; }
    pre.output { background: #1e2127; color: #d8dee9; }
    .kw { color: #a626a4; font-weight: 600; } .str { color: #50a14f; } .num { color: #986801; }
    .com { color: #8a8f98; font-style: italic; }
    .pass { color: #98c379; } .fail { color: #e06c75; } .dim { color: #8a93a3; }
    figure.plot { margin: 0.75rem 0; padding: 0.5rem; background: #ffffff;
      border: 1px solid #e3e6ea; border-radius: 6px; }
    svg.plot { display: block; width: 100%; max-width: 640px; height: auto; }
    """

  /// A cell's output: its text in dark boxes, its plots as SVG figures between them.
  static func outputHTML(_ output: [String], figures: [Figure]) -> [String] {
    var html: [String] = []
    var text: [String] = []
    func flush() {
      // A cell's text ends with the blank line after it; no box for blank lines alone.
      if text.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
        html.append(
          "<pre class=\"output\">" + text.map(outputLine).joined(separator: "\n") + "</pre>")
      }
      text = []
    }
    let starts = Dictionary(figures.map { ($0.line, $0) }, uniquingKeysWith: { a, _ in a })
    var line = 0
    while line < output.count {
      if let figure = starts[line], let svg = figure.plot.svg() {
        flush()
        html.append("<figure class=\"plot\">\(svg)</figure>")
        line += Swift.max(figure.count, 1)
        continue
      }
      text.append(output[line])
      line += 1
    }
    flush()
    return html
  }

  /// Escapes the five characters HTML gives meaning to.
  static func escaped(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.append(character)
      }
    }
    return result
  }

  /// One line of output, escaped; a check's verdict line coloured as in the terminal.
  static func outputLine(_ line: String) -> String {
    let text = escaped(line)
    if line.hasPrefix("✓") { return "<span class=\"pass\">\(text)</span>" }
    if line.hasPrefix("✗") { return "<span class=\"fail\">\(text)</span>" }
    if line.hasPrefix("  (") { return "<span class=\"dim\">\(text)</span>" }
    return text
  }

  /// The lessons' Markdown as HTML: `#` headings, paragraphs, `- ` lists, and inline
  /// `code`, **strong** and *emphasis*.
  static func prose(_ text: String) -> String {
    var html: [String] = []
    var paragraph: [String] = []
    var list: [String] = []
    var fence: [String]? = nil
    func flush() {
      if !paragraph.isEmpty {
        html.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>")
      }
      if !list.isEmpty {
        html.append("<ul>" + list.map { "<li>" + inline($0) + "</li>" }.joined() + "</ul>")
      }
      paragraph = []
      list = []
    }
    for line in text.components(separatedBy: "\n") {
      if line.hasPrefix("```") {
        if let lines = fence {
          html.append(
            "<pre class=\"code\"><code>" + lines.map(escaped).joined(separator: "\n")
              + "</code></pre>")
          fence = nil
        } else {
          flush()
          fence = []
        }
        continue
      }
      if fence != nil {
        fence!.append(line)
        continue
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty {
        flush()
      } else if let level = ["### ", "## ", "# "].firstIndex(where: { trimmed.hasPrefix($0) }) {
        flush()
        let depth = 3 - level
        let heading = trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        html.append("<h\(depth)>\(inline(heading))</h\(depth)>")
      } else if trimmed.hasPrefix("- ") {
        if !paragraph.isEmpty { flush() }
        list.append(String(trimmed.dropFirst(2)))
      } else if !list.isEmpty && line.hasPrefix(" ") {
        list[list.count - 1] += " " + trimmed
      } else {
        if !list.isEmpty { flush() }
        paragraph.append(trimmed)
      }
    }
    flush()
    return html.joined(separator: "\n")
  }

  /// Inline Markdown: `code` first (its inside is literal), then **strong** and *emphasis*.
  static func inline(_ text: String) -> String {
    let pieces = text.components(separatedBy: "`")
    return pieces.enumerated().map { index, piece in
      if index % 2 == 1 && index < pieces.count - 1 { return "<code>\(escaped(piece))</code>" }
      var html = escaped(index % 2 == 1 ? "`" + piece : piece)
      html = replacingPairs(html, marker: "**", tag: "strong")
      html = replacingPairs(html, marker: "*", tag: "em")
      return html
    }.joined()
  }

  /// Replaces `marker…marker` by `<tag>…</tag>`, pair by pair; an unpaired marker stays.
  static func replacingPairs(_ text: String, marker: String, tag: String) -> String {
    let parts = text.components(separatedBy: marker)
    guard parts.count >= 3 else { return text }
    var result = parts[0]
    var index = 1
    while index < parts.count {
      if index + 1 < parts.count && !parts[index].isEmpty {
        result += "<\(tag)>\(parts[index])</\(tag)>" + parts[index + 1]
        index += 2
      } else {
        result += marker + parts[index]
        index += 1
      }
    }
    return result
  }

  static let keywords: Set<String> = [
    "let", "var", "func", "for", "in", "if", "else", "guard", "return", "try", "throw",
    "throws", "switch", "case", "default", "while", "repeat", "break", "continue", "true",
    "false", "nil", "import", "struct", "class", "enum", "extension", "protocol", "static",
    "public", "private", "some", "any", "do", "catch", "where", "as", "is", "inout", "self",
    "defer",
  ]

  /// One line of Swift with keywords, strings, numbers and comments marked for colour.
  static func highlighted(_ line: String) -> String {
    var result = ""
    var characters = Array(line)[...]
    while let first = characters.first {
      if first == "/" && characters.dropFirst().first == "/" {
        result += "<span class=\"com\">\(escaped(String(characters)))</span>"
        break
      }
      if first == "\"" {
        var literal = "\""
        characters = characters.dropFirst()
        var escapedNext = false
        while let c = characters.first {
          literal.append(c)
          characters = characters.dropFirst()
          if escapedNext {
            escapedNext = false
          } else if c == "\\" {
            escapedNext = true
          } else if c == "\"" {
            break
          }
        }
        result += "<span class=\"str\">\(escaped(literal))</span>"
        continue
      }
      if first.isLetter || first == "_" {
        let word = String(characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        characters = characters.dropFirst(word.count)
        result += keywords.contains(word) ? "<span class=\"kw\">\(word)</span>" : escaped(word)
        continue
      }
      if first.isNumber {
        let number = String(
          characters.prefix { $0.isNumber || $0 == "." || $0 == "_" || $0 == "e" })
        characters = characters.dropFirst(number.count)
        result += "<span class=\"num\">\(escaped(number))</span>"
        continue
      }
      result += escaped(String(first))
      characters = characters.dropFirst()
    }
    return result
  }
}
