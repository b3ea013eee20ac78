/// Writing a run as a Markdown transcript: prose as Markdown, each cell's code in a
/// `swift` block, its output in a `text` block. Readable on GitHub and in any editor.
extension Transcript {
  func markdown() -> String {
    var parts = ["# \(title)", provenance, introduction]
    for entry in entries {
      switch entry {
      case .markdown(let text):
        parts.append(text)
      case .code(let number, let title, let prose, let source, let output):
        parts.append("### \(number). \(title)")
        if !prose.isEmpty { parts.append(prose) }
        if !source.isEmpty { parts.append("```swift\n" + source.joined(separator: "\n") + "\n```") }
        if !output.isEmpty { parts.append("```text\n" + output.joined(separator: "\n") + "\n```") }
      }
    }
    return parts.joined(separator: "\n\n") + "\n"
  }
}
