import Testing

@testable import Notebook

/// A cell taller than the terminal is shown a screenful at a time while stepping.
struct PagerTests {
  /// `n` numbered lines, with blank lines at `blanks` (0-based).
  func text(_ n: Int, blanks: Set<Int> = []) -> [String] {
    (0..<n).map { blanks.contains($0) ? "" : "line \($0)" }
  }

  @Test(
    arguments: [
      // (lines, blank lines, rows, the pages' sizes)
      (0, [], 24, [0]),
      (1, [], 24, [1]),
      (22, [], 24, [22]),  // fits: 22 lines and the prompt's two rows
      (23, [], 24, [22, 1]),
      (50, [], 24, [22, 22, 6]),
      (30, [18], 24, [19, 11]),  // a blank line in the last third ends the page
      (30, [5], 24, [22, 8]),  // one too early does not
      (10, [], 3, [3, 3, 3, 1]),  // a tiny terminal still shows three lines a page
    ] as [(Int, Set<Int>, Int, [Int])])
  func pageSizes(_ n: Int, _ blanks: Set<Int>, _ rows: Int, _ sizes: [Int]) {
    let lines = text(n, blanks: blanks)
    let pages = Pager.pages(lines, rows: rows)
    #expect(pages.map(\.count) == sizes)
    // Nothing is lost, repeated or reordered.
    #expect(Array(pages.joined()) == lines)
  }
}
