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

  init(label: String, total: Int, enabled: Bool) {
    self.label = label
    self.total = Swift.max(total, 1)
    self.enabled = enabled
    self.isTerminal = Terminal.stderrIsTerminal
  }

  /// Reports that `done` of `total` steps are finished, with the latest loss if any.
  public func update(_ done: Int, loss: Float? = nil) {
    guard enabled else { return }
    let lossText = loss.map { String(format: " loss %.4f", $0) } ?? ""
    if isTerminal {
      let now = Date()
      guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
      lastDraw = now
      let fraction = Double(done) / Double(total)
      let width = 24
      let filled = Int(fraction * Double(width))
      let elapsed = now.timeIntervalSince(start)
      let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
      let bar =
        String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      var line = "\r\(label) \(bar) \(done)/\(total)\(lossText)  \(Int(remaining.rounded()))s left "
      if done >= total { line = "\r" + String(repeating: " ", count: line.count) + "\r" }
      FileHandle.standardError.write(Data(line.utf8))
    } else {
      while nextQuarter <= 4 && done * 4 >= total * nextQuarter {
        FileHandle.standardError.write(Data("\(label): \(done)/\(total)\(lossText)\n".utf8))
        nextQuarter += 1
      }
    }
  }
}
