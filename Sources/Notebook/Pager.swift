/// Shows text taller than the terminal a screenful at a time, as `more` does: while
/// stepping, a long cell's prose would otherwise scroll away before its prompt.
enum Pager {
  /// The prompt under each screenful but the last.
  static let prompt = "-- more: Enter shows the next screen · q goes to the cell's prompt -- "

  /// `lines` cut into pages for a terminal of `rows` rows: each page leaves two rows free
  /// (for the prompt under it, or the cell's own prompt under the last), and ends after a
  /// blank line when there is one in its last third, so a paragraph is not cut where it
  /// need not be. Text that fits is one page.
  static func pages(_ lines: [String], rows: Int) -> [[String]] {
    let room = Swift.max(rows - 2, 3)
    var pages: [[String]] = []
    var rest = lines[...]
    while rest.count > room {
      var end = rest.startIndex + room
      if let blank = rest[(rest.startIndex + room * 2 / 3)..<end].lastIndex(of: "") {
        end = blank + 1
      }
      pages.append(Array(rest[..<end]))
      rest = rest[end...]
    }
    pages.append(Array(rest))
    return pages
  }
}
