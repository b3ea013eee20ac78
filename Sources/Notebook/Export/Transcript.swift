import Foundation

/// What a run showed, in order, ready to be written as Markdown or as a notebook.
///
/// Entries are kept by cell: a cell that runs again (after a live `set` while stepping)
/// replaces what it showed before, so the export is the run as it now stands.
struct Transcript {
  enum Entry {
    case markdown(String)
    case code(number: Int, title: String, prose: String, source: [String], output: [String])
  }

  let title: String
  let introduction: String
  /// The command that reproduces the run, filled in when the export is written.
  var command = ""
  /// Which cells the export holds when it is not the whole lesson ("cells 1–3 of 14"): a
  /// run stopped while stepping, or `--from` / `--only`.
  var part: String? = nil
  var byCell: [Int: Entry] = [:]
  /// The plots of each cell's output, drawn as SVG in the web page.
  var figures: [Int: [Figure]] = [:]

  init(title: String, introduction: String) {
    self.title = title
    self.introduction = introduction
  }

  /// The first lines of every export: what made it, and how to make it again.
  var provenance: String {
    if let part {
      return "A transcript of part of one run of this lesson (\(part)), made by stepping or "
        + "choosing cells; the whole run with the same settings is:\n\n```sh\n\(command)\n```\n\n"
        + "Run it (from a clone of the course, with a Swift toolchain) to see every cell; the "
        + "same seed and settings give the same output."
    }
    return "A transcript of one run of this lesson, made by:\n\n```sh\n\(command)\n```\n\n"
      + "Run the same command (from a clone of the course, with a Swift toolchain) to see "
      + "it happen; the same seed and settings give the same output."
  }

  /// Records what cell `index` showed, replacing an earlier run of it.
  mutating func record(_ index: Int, _ entry: Entry, figures: [Figure] = []) {
    byCell[index] = entry
    self.figures[index] = figures
  }

  /// The entries in cell order.
  var entries: [Entry] { byCell.keys.sorted().map { byCell[$0]! } }
}
