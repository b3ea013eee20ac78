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
  var byCell: [Int: Entry] = [:]

  init(title: String, introduction: String) {
    self.title = title
    self.introduction = introduction
  }

  /// Records what cell `index` showed, replacing an earlier run of it.
  mutating func record(_ index: Int, _ entry: Entry) { byCell[index] = entry }

  /// The entries in cell order.
  var entries: [Entry] { byCell.keys.sorted().map { byCell[$0]! } }
}
