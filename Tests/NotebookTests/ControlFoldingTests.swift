import Foundation
import Testing

@testable import Notebook

/// The code a cell shows is the code that runs without a control: what plants a control's
/// mistake is folded out of it.
struct ControlFoldingTests {
  @Test(arguments: [
    (
      "a ternary inside a call",
      ["let scaled = scores / Float(out.isControl(\"scale\") ? 4 : 2)"],
      ["let scaled = scores / Float(2)"]
    ),
    (
      "a ternary before a comma",
      ["f(", "  out.isControl(\"x\") ? .scratch : .full, 1", ")"],
      ["f(", "  .full, 1", ")"]
    ),
    (
      "a ternary whose values hold closures and calls",
      ["let place = out.isControl(\"p\") ? { $0 } : { positions($0, \"a, b\") }"],
      ["let place = { positions($0, \"a, b\") }"]
    ),
    (
      "a ternary on the line after the equals sign joins it",
      ["let labels =", "  out.isControl(\"l\")", "  ? shuffled(all) : all", "use(labels)"],
      ["let labels = all", "use(labels)"]
    ),
    (
      "a flag: its declaration goes, its uses fold, grouping parentheses go",
      [
        "let broken = out.isControl(\"b\")",
        "let a = (broken ? x.dropLast() : x).joined()",
        "let c = f(order: broken ? 1 : n)",
      ],
      ["let a = x.joined()", "let c = f(order: n)"]
    ),
    (
      "an if statement with no else, and its comment",
      [
        "var c = published", "// The control of the check below builds it unshared.",
        "if out.isControl(\"shared\") { c.shared = false }", "count(c)",
      ],
      ["var c = published", "count(c)"]
    ),
    (
      "an argument that defaults to false",
      ["let pairs = mirrored(sabotaged: out.isControl(\"m\"))"],
      ["let pairs = mirrored()"]
    ),
    (
      "a declaration only the planted value used",
      [
        "var shuffler = lesson.random(\"control\")",
        "let share = f(out.isControl(\"s\") ? t.shuffled(using: &shuffler) : t)",
      ],
      ["let share = f(t)"]
    ),
    (
      "a comment's control sentence goes to the end of its block",
      [
        "// Counts are exact. The control of the check below uses k = 1 instead, which",
        "// it must catch.", "let k = out.isControl(\"k\") ? 1 : 0",
      ],
      ["// Counts are exact.", "let k = 0"]
    ),
    (
      "what is not recognised stays",
      ["let both = !out.isControl(\"x\") && y", "print(\"out.isControl(\\\"x\\\") ? 1 : 2\")"],
      ["let both = !out.isControl(\"x\") && y", "print(\"out.isControl(\\\"x\\\") ? 1 : 2\")"]
    ),
    (
      "code with no control is left alone", ["let x = a ? b : c  // The control"],
      ["let x = a ? b : c  // The control"]
    ),
  ])
  func folds(_ name: String, _ lines: [String], _ folded: [String]) {
    #expect(ControlFolding.fold(lines) == folded, "\(name)")
  }

  /// Every cell of every lesson shows its code with no control plumbing left in it, while
  /// the lessons do plant their controls (in the file, not in what is shown).
  @Test func lessonsShowNoControlPlumbing() throws {
    let lessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Lessons")
    var planted = 0
    var cells = 0
    for folder in try FileManager.default.contentsOfDirectory(atPath: lessons.path) {
      let path = lessons.appendingPathComponent(folder).appendingPathComponent("main.swift").path
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
      planted += text.components(separatedBy: "out.isControl(").count - 1
      let lines = text.components(separatedBy: "\n")
      for (index, line) in lines.enumerated() where line.contains("lesson.cell(") {
        let shown = CellSource.lines(file: path, line: index + 1)
        cells += 1
        for code in shown {
          #expect(!code.contains("isControl"), "\(folder) line \(index + 1): \(code)")
          #expect(!code.contains("// The control"), "\(folder) line \(index + 1): \(code)")
        }
      }
    }
    // The lessons plant about thirty controls in some eighty cells.
    #expect(planted >= 20)
    #expect(cells >= 50)
  }
}
