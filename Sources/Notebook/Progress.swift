import Foundation

/// A progress bar for long work, drawn on standard error.
///
/// On a terminal it redraws one line (`train ████████░░░░ 120/300 loss 0.532  3s left`)
/// at most ten times a second. When standard error is not a terminal (a log, CI) it
/// prints a plain line at each quarter instead. Standard output never sees it, so
/// transcripts stay the same from run to run.
public final class Progress {
  let label: String
  let total: Int
  let enabled: Bool
  let isTerminal: Bool
  let start = Date()
  var lastDraw = Date.distantPast
  var nextQuarter = 1
  /// Whether an unfinished bar is on the screen.
  var drawn = false
  /// Steps counted by `advance`, from jobs that share this bar.
  var advanced = 0
  let lock = NSLock()

  init(label: String, total: Int, enabled: Bool) {
    self.label = label
    self.total = Swift.max(total, 1)
    self.enabled = enabled
    self.isTerminal = Terminal.stderrIsTerminal && !Terminal.isDumb
  }

  /// Counts one more finished step. Jobs running at the same time (`Parallelism.map`)
  /// may share one bar this way: its total is the sum of theirs. The bar shows no loss:
  /// the last loss reported would be whichever job stepped last, a different model from
  /// run to run, and the log would differ between two runs of the same seed.
  public func advance(loss: Float? = nil) {
    guard enabled else { return }
    lock.withLock {
      advanced += 1
      draw(advanced, loss: nil)
    }
  }

  /// Reports that `done` of `total` steps are finished, with the latest loss if any.
  public func update(_ done: Int, loss: Float? = nil) {
    guard enabled else { return }
    lock.withLock { draw(done, loss: loss) }
  }

  private func draw(_ done: Int, loss: Float?) {
    let lossText = loss.map { String(format: " loss %.4f", $0) } ?? ""
    if isTerminal {
      let now = Date()
      guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
      lastDraw = now
      let elapsed = now.timeIntervalSince(start)
      let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
      let text = Progress.line(
        label: label, done: done, total: total,
        detail: "\(lossText)  \(Int(remaining.rounded()))s left",
        width: Terminal.errorWidth ?? 80)
      // Carriage return, the line, erase to the end: one row, redrawn in place.
      Console.writeError("\r" + (done >= total ? "" : text) + "\u{1B}[K")
      drawn = done < total
    } else {
      guard nextQuarter <= 4 && done * 4 >= total * nextQuarter else { return }
      Console.writeError("\(label): \(done)/\(total)\(lossText)\n")
      while nextQuarter <= 4 && done * 4 >= total * nextQuarter { nextQuarter += 1 }
    }
  }

  /// Wipes the bar's line if it is drawn and unfinished (training stopped early, or text
  /// is about to be written); the next update draws it again.
  public func clear() {
    guard enabled && isTerminal else { return }
    lock.withLock {
      guard drawn else { return }
      Console.writeError("\r\u{1B}[K")
      drawn = false
      lastDraw = .distantPast
    }
  }

  /// One progress line, never wider than `width - 1` columns (the last column is left
  /// free so that no terminal wraps it): the bar shrinks first, then the details go.
  static func line(label: String, done: Int, total: Int, detail: String, width: Int) -> String {
    let counts = " \(done)/\(total)"
    let room = width - 1 - label.count - counts.count - detail.count - 1
    let barWidth = Swift.min(24, room)
    let fraction = Double(Swift.min(done, total)) / Double(Swift.max(total, 1))
    var text = label
    if barWidth >= 4 {
      let filled = Int(fraction * Double(barWidth))
      text +=
        " " + String(repeating: "█", count: filled)
        + String(repeating: "░", count: barWidth - filled)
    }
    text += counts + (barWidth >= 4 ? detail : "")
    return String(text.prefix(Swift.max(width - 1, 1)))
  }
}
