import Foundation

/// Writing a run as a Jupyter notebook (nbformat 4.5): Markdown cells for prose, code
/// cells with the Swift source and their recorded text output. It opens in Jupyter,
/// VS Code and GitHub; the output is what our run printed, not something a kernel ran, so
/// the notebook names no kernel (only the language, for highlighting) and its first cell
/// says it is a transcript and how to run the lesson.
extension Transcript {
  struct Notebook: Encodable {
    let cells: [NotebookCell]
    let metadata: Metadata
    let nbformat = 4
    let nbformat_minor = 5
  }

  struct Metadata: Encodable {
    let language_info = ["name": "swift", "file_extension": ".swift"]
  }

  struct Output: Encodable {
    let output_type = "stream"
    let name = "stdout"
    let text: [String]
  }

  struct NotebookCell: Encodable {
    let id: String
    let cell_type: String
    let metadata: [String: String] = [:]
    let source: [String]
    let execution_count: Int?
    let outputs: [Output]?

    func encode(to encoder: Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode(id, forKey: .id)
      try container.encode(cell_type, forKey: .cell_type)
      try container.encode(metadata, forKey: .metadata)
      try container.encode(source, forKey: .source)
      if cell_type == "code" {
        try container.encode(execution_count, forKey: .execution_count)
        try container.encode(outputs ?? [], forKey: .outputs)
      }
    }

    enum Keys: String, CodingKey {
      case id, cell_type, metadata, source, execution_count, outputs
    }
  }

  /// Splits text into notebook source lines: every line but the last keeps its `\n`.
  static func sourceLines(_ text: String) -> [String] {
    var lines = text.components(separatedBy: "\n")
    if lines.count > 1 && lines.last == "" { lines.removeLast() }
    return lines.enumerated().map {
      $0.offset < lines.count - 1 || text.hasSuffix("\n") ? $0.element + "\n" : $0.element
    }
  }

  func jupyter() -> String {
    var cells: [NotebookCell] = []
    func markdownCell(_ text: String) {
      cells.append(
        NotebookCell(
          id: "cell-\(cells.count + 1)", cell_type: "markdown", source: Self.sourceLines(text),
          execution_count: nil, outputs: nil))
    }
    markdownCell("# \(title)\n\n\(provenance)\n\n\(introduction)")
    for entry in entries {
      switch entry {
      case .markdown(let text):
        markdownCell(text)
      case .code(let number, let title, let prose, let source, let output):
        markdownCell("### \(number). \(title)" + (prose.isEmpty ? "" : "\n\n\(prose)"))
        let outputs =
          output.isEmpty
          ? [] : [Output(text: Self.sourceLines(output.joined(separator: "\n") + "\n"))]
        cells.append(
          NotebookCell(
            id: "cell-\(cells.count + 1)", cell_type: "code",
            source: Self.sourceLines(source.joined(separator: "\n")), execution_count: number,
            outputs: outputs))
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try! encoder.encode(Notebook(cells: cells, metadata: Metadata()))
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
