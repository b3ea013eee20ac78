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

/// Where `--export` will write, checked before the lesson runs so that a long run is not
/// lost to a folder that does not exist.
enum ExportDestination {
  /// What is wrong with writing `path`, or `nil` when it can be written.
  static func problem(with path: String) -> String? {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    var isFolder: ObjCBool = false
    let manager = FileManager.default
    if manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
      return "--export \(path): that is a folder; give a file name ending in .md or .ipynb"
    }
    guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      return "--export \(path): the folder \(folder) does not exist; create it or choose another"
    }
    guard manager.isWritableFile(atPath: folder) else {
      return "--export \(path): the folder \(folder) is not writable; choose another"
    }
    if manager.fileExists(atPath: path) && !manager.isWritableFile(atPath: path) {
      return "--export \(path): the file exists and is not writable; choose another name"
    }
    return nil
  }
}
