import Foundation
import TensorCore

/// What a code cell writes to: text, tensors, plots and tables.
///
/// Everything written here is shown on the console (unless the cell runs quietly, to
/// rebuild state before a jump) and recorded for `--export`. Timings and progress bars
/// go to the console only, so that exports are the same for the same seed.
public final class CellOutput {
  let sink: TextSink?
  /// The plot style of this run (`--width`, `--ascii`).
  public let style: PlotStyle
  let progressEnabled: Bool
  /// Whether the console shows colour (a terminal, no `NO_COLOR`, no `--no-color`).
  var consoleColor = false
  public private(set) var recorded: [String] = []
  /// The plots among the recorded lines, which the web page export draws as SVG instead
  /// where they have an SVG form.
  private(set) var figures: [Figure] = []
  let log: CheckLog
  /// The number of the cell writing here, for the checks it makes.
  let cell: Int

  init(
    sink: TextSink?, style: PlotStyle, progressEnabled: Bool,
    log: CheckLog = CheckLog(controlID: nil), cell: Int = 0
  ) {
    self.sink = sink
    self.style = style
    self.progressEnabled = progressEnabled
    self.log = log
    self.cell = cell
  }

  /// Whether this cell's output is being shown (false while rebuilding state quietly).
  public var isVisible: Bool { sink != nil }

  /// Prints the items, separated by spaces, like Swift's `print`.
  ///
  /// A line longer than the width breaks at spaces, its continuation indented two columns
  /// past the line's own indentation, as the terminal would otherwise break it mid-word.
  public func print(_ items: Any..., separator: String = " ") {
    let text = items.map { "\($0)" }.joined(separator: separator)
    emit(
      text.components(separatedBy: "\n").flatMap { line in
        TextWrap.fit(line, width: style.width, hanging: line.prefix { $0 == " " }.count + 2)
      }.joined(separator: "\n"))
  }

  /// Writes a claim's line, `mark claim`, broken at spaces under the claim's first word.
  func emitClaim(_ mark: String, _ claim: String) {
    emit(
      TextWrap.fit("\(mark) \(claim)", width: style.width, hanging: mark.count + 1)
        .joined(separator: "\n"))
  }

  /// Shows a tensor with its name: `name = tensor([...]), shape [...]`.
  public func show(_ tensor: Tensor, _ name: String, precision: Int = 4, edgeItems: Int = 3) {
    let text = tensor.formatted(
      TensorFormat(precision: precision, edgeItems: edgeItems, ascii: style.ascii))
    let prefix = "\(name) = "
    let indent = String(repeating: " ", count: prefix.count)
    let lines = text.components(separatedBy: "\n")
    emit(
      ([prefix + lines[0]] + lines.dropFirst().map { $0.isEmpty ? "" : indent + $0 }).joined(
        separator: "\n"))
  }

  /// Draws a plot or a table in this run's style. On a terminal that shows colour, the
  /// console gets the plot in colour; the record for exports is always without it.
  public func plot(_ plot: some TextPlot) {
    let plain = plot.render(style).joined(separator: "\n")
    // Kept as the plot itself: its SVG is drawn only if a web page is written.
    figures.append(
      Figure(line: recorded.count, count: plain.components(separatedBy: "\n").count, plot: plot))
    guard consoleColor, let sink else {
      emit(plain)
      return
    }
    clearProgress()
    var colored = style
    colored.color = true
    recorded.append(contentsOf: plain.components(separatedBy: "\n"))
    sink.write(plot.render(colored).joined(separator: "\n") + "\n")
  }

  /// Shows an aligned table.
  public func table(_ header: [String], _ rows: [[String]], title: String? = nil) {
    plot(Table(header: header, rows: rows, title: title))
  }

  /// States a claim the lesson makes with numbers, and checks it: `✓ claim` when it
  /// holds; `✗ claim` when it does not, and the run then ends with status 1.
  ///
  /// A lesson's point ("the classifier beats the majority baseline") is thus tested every
  /// time the lesson runs, with whatever knobs and seed the student chose. The `control`
  /// is a setting under which the claim is false; CI runs it to prove the check can fail.
  ///
  /// - Parameters:
  ///   - id: a short name for the check, unique in the lesson (`beats-majority`).
  ///   - condition: whether the claim holds.
  ///   - claim: the sentence, with the numbers that back it.
  ///   - control: where the claim is false (see `Control`).
  ///   - learnedNothing: for a claim that training did something, a second control where
  ///     training is cut to nothing (one step): an ablation alone can be vacuous. It is
  ///     listed by `--checks` as check `id:learned-nothing`, and `--control` runs it so.
  ///   - onOtherData: for a claim that depends on the data, why it can go either way on a
  ///     learner's own text. On such text (`--corpus`) a false claim is then reported as
  ///     what was observed, with this sentence, and does not fail the run. Identities (a
  ///     formula equals a layer) pass `nil` and fail on any data.
  ///   - notVerifiedHere: for a claim verified only at some settings (the default run, the
  ///     word level), why it is not claimed at this one. The claim is then printed with
  ///     whether it holds here, as shown and not claimed; it neither fails the run nor is
  ///     listed among the checks, so its controls run where it is verified.
  public func check(
    _ id: String, _ condition: Bool, _ claim: String, control: Control,
    learnedNothing: Control? = nil, onOtherData why: String? = nil,
    notVerifiedHere: String? = nil
  ) {
    if let reason = notVerifiedHere, !(log.onOwnData && why != nil) {
      emitClaim(
        style.ascii ? "-" : "–",
        "\(claim): \(condition ? "holds" : "does not hold") here; shown, not claimed (\(reason))")
      return
    }
    let isObservation = log.onOwnData && why != nil
    let mark = condition ? (style.ascii ? "[ok]" : "✓") : (style.ascii ? "[no]" : "✗")
    if !condition && isObservation {
      emitClaim(mark, claim)
      emitClaim(" ", "(not so on this text: \(why!))")
    } else {
      emitClaim(condition ? mark : (style.ascii ? "[FAILED]" : "✗"), claim)
    }
    log.record(
      CheckResult(
        id: id, claim: claim, passed: condition, control: control, cell: cell,
        isObservation: isObservation))
    if let learnedNothing {
      log.record(
        CheckResult(
          id: id + CheckResult.learnedNothingSuffix, claim: claim, passed: condition,
          control: learnedNothing, cell: cell, isObservation: isObservation, repeats: id))
    }
  }

  /// Whether this run is the control run of check `id` (`--control id`), for a control
  /// declared with `Control.sabotage`: the cell then plants the mistake the check must
  /// catch.
  public func isControl(_ id: String) -> Bool { log.controlID == id }

  /// Prints on the console only: for timings, which differ from run to run and would
  /// make exported transcripts differ too.
  public func printLive(_ text: String) {
    clearProgress()
    sink?.write(text + "\n")
  }

  /// Prints a timing (seconds, tokens per second) on standard error, beside the progress
  /// bars: timings differ from run to run, so they stay out of standard output and the
  /// exports, which are the same for the same seed.
  public func printTiming(_ text: String) {
    guard isVisible else { return }
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  /// A progress display for `total` steps of work; see `Progress`.
  public func progress(_ label: String, total: Int) -> Progress {
    let bar = Progress(label: label, total: total, enabled: progressEnabled && isVisible)
    bars.append(bar)
    return bar
  }

  /// The cell's progress bars: a bar left unfinished (training that stopped early) is
  /// wiped before the next output, so that output starts on a clean line.
  private var bars: [Progress] = []

  /// Wipes any progress bar still drawn; the runner calls it when the cell ends.
  func clearProgress() { for bar in bars { bar.clear() } }

  func emit(_ text: String) {
    clearProgress()
    recorded.append(contentsOf: text.components(separatedBy: "\n"))
    sink?.write(text + "\n")
  }
}

/// Anything that draws itself as lines of text in a `PlotStyle`, and, for the web page,
/// as SVG where a drawing reads better than text (not tables).
public protocol TextPlot {
  func render(_ style: PlotStyle) -> [String]
  func svg() -> String?
}

extension TextPlot {
  public func svg() -> String? { nil }
}

/// A plot among a cell's recorded lines: lines `line ..< line + count` are its text form.
struct Figure {
  let line: Int
  let count: Int
  let plot: any TextPlot
}

extension LinePlot: TextPlot {}
extension Heatmap: TextPlot {}
extension BarChart: TextPlot {}
extension Histogram: TextPlot {}
extension ScatterPlot: TextPlot {}
extension AlignedRows: TextPlot {}
extension Table: TextPlot {}
