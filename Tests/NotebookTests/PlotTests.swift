import Foundation
import Testing

@testable import Notebook

/// Exact text of every plot kind on small inputs, in Unicode and in ASCII.
struct PlotTests {
  let unicode = PlotStyle(width: 30)
  let ascii = PlotStyle(width: 30, ascii: true)

  /// Unicode draws braille lines (2 × 4 dots per character) that share the dots where they
  /// run together, each ending at its series' mark; ASCII draws markers and marks the cells
  /// two series share. Neither hides a series behind another.
  /// A smoothed training curve starts at the middle of its first window (2.5); its x axis
  /// starts at 0 all the same, in the text plot and the SVG alike, while whole-number
  /// starts (n = 1) stay where the data starts.
  @Test func stepAxesStartAtZero() {
    let smoothed = LinePlot([.init("loss", [3.0, 2.0, 1.0], xs: [2.5, 6.5, 10.5])], height: 4)
    let lines = smoothed.render(PlotStyle(width: 40, ascii: true))
    #expect(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("0 ") })
    #expect(!lines.contains { $0.contains("2.5") })
    #expect(smoothed.svg()!.contains(">0</text>"))
    let byN = LinePlot([.init("wb", [5.0, 3.0], xs: [1, 2])], height: 4)
    let axis = byN.render(PlotStyle(width: 40, ascii: true)).dropLast().last!
    #expect(axis.trimmingCharacters(in: .whitespaces).hasPrefix("1 "), "\(axis)")
  }

  @Test func linePlotWithTwoSeriesAndALegend() {
    let plot = LinePlot(
      [.init("train", [4, 3, 2, 1.5, 1]), .init("valid", [4, 2.5], xs: [0, 4])], height: 4)
    #expect(
      plot.render(unicode) == [
        "4 ┤⠉⠛⠷⢶⣒⡲⠤⠤○⣄⣀⣀⣀",
        "3 ┤     ●⠓⠲⠤⣄⡀ ⠈⠉⠉⠉⠓⠒○⠲⠤⠤⠤⣄⣀⣀⣀",
        "  │          ⠉⠙⠒⠦⠤●⣀⣀        ○",
        "1 ┤                 ⠈⠉⠉⠓⠒⠒⠦⠤⢤●",
        "  └───────────────────────────",
        "  0                          4",
        "   ● train  ○ valid",
      ])
    #expect(
      plot.render(ascii) == [
        "4 +&&&&ooooo",
        "3 +    *****&oooooooooooooooo",
        "  |          **********      o",
        "1 +                    *******",
        "  +---------------------------",
        "  0                          4",
        "   * train  o valid  & several",
      ])
  }

  /// Reference lines fill the empty cells of their rows, each with its own dash, and are
  /// named in the legend.
  @Test func linePlotReferenceLines() {
    let plot = LinePlot(
      [.init("loss", [8, 4, 2, 1])], height: 5,
      references: [.init("goal", 4.5), .init("floor", 1)])
    #expect(
      plot.render(ascii) == [
        "  8 +**",
        "    |  ****",
        "4.5 +......****...............",
        "    |          *******",
        "  1 +:::::::::::::::::********",
        "    +-------------------------",
        "    0                        3",
        "     * loss  . goal 4.5",
        "     : floor 1",
      ])
    let unicode = plot.render(unicode)
    #expect(unicode[2].hasPrefix("4.5 ┤┄┄┄┄┄┄"))
    #expect(unicode[4].hasPrefix("  1 ┤╌╌╌╌╌╌"))
    #expect(unicode[4].hasSuffix("●"))
    // The legend breaks between its entries at the width (30).
    #expect(unicode[7...] == ["     ● loss  ┄ goal 4.5", "     ╌ floor 1"])
  }

  /// A smoothed curve's x values are the middles of its windows (5.5, 15.5, …, 95.5): its
  /// axis runs from 0 to the next round number, so both ends read as steps; other data keep
  /// their own ends.
  @Test(arguments: [
    (5.5, 95.5, 0.0, 100.0), (15.5, 195.5, 0, 200), (2.5, 47.5, 0, 50), (0.5, 4.5, 0, 5),
    (5.5, 100, 0, 100), (1, 200, 1, 200), (0, 95.5, 0, 95.5), (-2.29, 2, -2.29, 2),
    (5.5, 1_234.5, 0, 1_500),
  ])
  func smoothedCurvesRunFromZeroToARoundNumber(
    _ first: Double, _ last: Double, _ start: Double, _ end: Double
  ) {
    #expect(LinePlot.axisStart(first) == start)
    #expect(LinePlot.axisEnd(last, first: first) == end)
  }

  @Test func aSmoothedCurveIsLabelledFromZeroToARoundNumber() {
    let xs = (0..<10).map { 5.5 + 10 * Double($0) }
    let lines = LinePlot([.init("loss", (0..<10).map { 10 - Double($0) }, xs: xs)], height: 4)
      .render(unicode)
    let axis = lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("0 ") }
    #expect(axis?.hasSuffix(" 100") == true, "\(lines)")
  }

  /// A caller's y range zooms in: what falls outside is left out, and the plot says so.
  @Test func linePlotZoomedYRange() {
    let plot = LinePlot(
      [.init("a", [100, 3, 2, 1.2]), .init("b", [90, 2.5, 1.5, 1])], height: 4, yRange: 1...3)
    #expect(
      plot.render(unicode) == [
        "   3 ┤        ⠙⠲⢤⣀",
        "2.33 ┤        ○⠓⠦⣌⡉⠓⠦⣄",
        "     │            ⠉⠓⠦⣌⣉⠓⠲⠤⣄⡀",
        "   1 ┤                ⠈⠉○⠒⠲⠭⢽◍",
        "     └────────────────────────",
        "     0                       3",
        "      ● a  ○ b  ◍ several",
        "      (outside the y range,",
        "       not drawn: 16 columns",
        "       of the curves)",
      ])
    #expect(plot.render(ascii)[2] == "     |            ooo&&&****")
  }

  /// In colour each series has its own ANSI colour, in its cells, marks and legend; cells
  /// two series share keep the default colour. Without the colour codes the text is the
  /// plot drawn without colour, cell for cell.
  @Test func linePlotInColour() {
    let plot = LinePlot(
      [.init("train", [4, 3, 2, 1.5, 1]), .init("valid", [4, 2.5], xs: [0, 4])], height: 4)
    var colored = unicode
    colored.color = true
    let lines = plot.render(colored)
    let text = lines.joined(separator: "\n")
    #expect(text.contains("\u{1B}[34m●\u{1B}[0m train"))
    #expect(text.contains("\u{1B}[31m○\u{1B}[0m valid"))
    #expect(text.contains("\u{1B}[34m⠉\u{1B}[0m"))
    /// The line without its colour codes (ESC, '[', digits, 'm').
    func plain(_ line: String) -> String {
      var result = ""
      var inCode = false
      for c in line {
        if c == "\u{1B}" {
          inCode = true
        } else if inCode {
          if c == "m" { inCode = false }
        } else {
          result.append(c)
        }
      }
      return result
    }
    #expect(lines.map(plain) == plot.render(unicode))
    var asciiColored = ascii
    asciiColored.color = true
    #expect(plot.render(asciiColored).map(plain) == plot.render(ascii))
  }

  @Test func linePlotLogScaleLabelsAreTheOriginalValues() {
    let plot = LinePlot([.init("", [100, 10, 1])], height: 3, logScale: true)
    let lines = plot.render(PlotStyle(width: 20))
    #expect(lines[0] == "100 ┤⠉⠓⠦⢤⣀⡀")
    #expect(lines[1] == " 10 ┤     ⠉⠓⠲⠤⣄⡀")
    #expect(lines[2] == "  1 ┤          ⠉⠙⠒⠦●")
  }

  @Test func linePlotWithoutDataSaysSo() {
    #expect(
      LinePlot([.init("a", [Double]())], title: "t").render(unicode) == ["t", "(no data to plot)"])
  }

  /// The legend gives the interval each shade stands for, blank included.
  @Test func heatmapShadesAndScale() {
    let map = Heatmap([[0, 1], [0.5, 0.25]], rowLabels: ["a", "bb"], columnLabels: ["x", "y"])
    #expect(
      map.render(unicode) == [
        "   x  y",
        "a     ██",
        "bb ▒▒ ··",
        "scale: blank < 0.1  · 0.1–0.3",
        "       ░ 0.3–0.5  ▒ 0.5–0.7",
        "       ▓ 0.7–0.9  █ ≥ 0.9",
      ])
    #expect(
      map.render(ascii) == [
        "   x  y",
        "a     @@",
        "bb ++ ::",
        "scale: blank < 0.0556", "       . 0.0556–0.167", "       : 0.167–0.278",
        "       - 0.278–0.389", "       = 0.389–0.5", "       + 0.5–0.611", "       * 0.611–0.722",
        "       # 0.722–0.833", "       % 0.833–0.944", "       @ ≥ 0.944",
      ])
  }

  /// A value on a shade boundary takes the upper shade, as the legend's intervals say, even
  /// when a range meant to be symmetric is not quite (a sinusoid's 0 in "0–0.4", not below).
  @Test func heatmapBoundaryValuesTakeTheUpperShade() {
    let map = Heatmap(
      [[-0.99999, 0, 1]], rowLabels: ["r"], columnLabels: ["a", "b", "c"])
    let lines = map.render(unicode)
    let symmetric = Heatmap(
      [[-0.99999, 0, 1]], rowLabels: ["r"], columnLabels: ["a", "b", "c"], range: -1...1)
    let rendered = symmetric.render(unicode)
    #expect(rendered[1] == "r    ▒▒ ██")
    #expect(rendered.joined().contains("▒ 0–0.4"))
    // The data's own range, -0.99999 to 1, puts 0 a hair below its midpoint.
    #expect(lines[1] == "r    ▒▒ ██")
    #expect(lines.joined().contains("▒ 0–0.4"))
  }

  /// Numbers are right-aligned under right-aligned labels; short labels widen the cells
  /// instead of being written downwards; only labels that cannot fit go downwards.
  @Test func heatmapLabelsAlignWithTheirCells() {
    let values = Heatmap(
      [[0, 1]], rowLabels: ["a"], columnLabels: ["long", "y"], showValues: true)
    #expect(values.render(unicode)[0...1] == ["   long     y", "a  0.00 █1.00"])
    let widened = Heatmap([[1, 0]], rowLabels: ["r"], columnLabels: ["<s>", "a"])
    #expect(widened.render(unicode)[0...1] == ["  <s> a", "r ███"])
    let vertical = Heatmap(
      [[1, 0, 0.5]], rowLabels: ["r"], columnLabels: ["catalogue", "a", "b"])
    #expect(
      vertical.render(PlotStyle(width: 14))[0...8] == [
        "  c  a  b", "  a", "  t", "  a", "  l", "  o", "  g", "  u", "r ██    ▒▒",
      ])
  }

  @Test func barCharts() {
    #expect(
      BarChart(labels: ["a", "bb"], values: [1, 0.55]).render(unicode) == [
        "a  █████████████████████ 1",
        "bb ███████████▌          0.55",
      ])
    #expect(
      BarChart(labels: ["a", "bb"], values: [1, 0.55]).render(ascii) == [
        "a  ##################### 1",
        "bb ############          0.55",
      ])
    #expect(
      BarChart(labels: ["up", "down"], values: [2, -1]).render(unicode) == [
        "up             │██████████ 2",
        "down      █████│           -1",
      ])
  }

  @Test func histogramCountsIntoBins() {
    let histogram = Histogram([0, 1, 1, 2, 3, 3, 3, 4], bins: 2)
    #expect(histogram.counts().counts == [3, 5])
    #expect(
      histogram.render(unicode) == [
        "[0, 2) ████████████         3",
        "[2, 4] ████████████████████ 5",
      ])
  }

  @Test func scatterPlotMarksClasses() {
    let plot = ScatterPlot(
      xs: [0, 1, 2], ys: [0, 2, 1], classes: [0, 1, 1], classNames: ["p", "q"], height: 3)
    #expect(
      plot.render(unicode) == [
        "2 ┤             ○",
        "  │                          ○",
        "0 ┤●",
        "  └───────────────────────────",
        "  0                          2",
        "   ● p (1)  ○ q (2)",
      ])
    #expect(plot.render(ascii)[0] == "2 +             o")
  }

  @Test func tablesAlignNumbersRight() {
    let table = Table(header: ["name", "n"], rows: [["a", "1,024"], ["bcd", "7"]])
    #expect(table.render(unicode) == ["name      n", "────  ─────", "a     1,024", "bcd       7"])
    #expect(table.render(ascii)[1] == "----  -----")
  }

  /// A table wider than the width is cut into blocks that repeat the first column.
  @Test func wideTablesWrapIntoBlocks() {
    let table = Table(
      header: ["model", "first", "second", "third"],
      rows: [["a", "1.00", "2.00", "3.00"], ["bb", "10.00", "20.00", "30.00"]])
    #expect(table.render(PlotStyle(width: 80)).count == 4)
    #expect(
      table.render(PlotStyle(width: 22)) == [
        "(columns 2–3 of 4, with the first)",
        "model  first  second",
        "─────  ─────  ──────",
        "a       1.00    2.00",
        "bb     10.00   20.00",
        "",
        "(column 4 of 4, with the first)",
        "model  third",
        "─────  ─────",
        "a       3.00",
        "bb     30.00",
      ])
  }

  @Test(arguments: [(0, "0"), (7_087_872, "7,087,872"), (-1234, "-1,234"), (999, "999")])
  func groupedDigitsWritesThousands(_ value: Int, _ text: String) {
    #expect(groupedDigits(value) == text)
  }

  @Test(arguments: [
    (0.0, "0"), (3.14159, "3.14"), (1234.5, "1234"), (0.0123, "0.0123"), (2e-5, "2.00e-05"),
    (5e7, "5.00e+07"), (-0.5, "-0.5"),
  ])
  func axisNumbers(_ value: Double, _ text: String) {
    #expect(formatNumber(value) == text)
  }
}

struct AlignedRowsTests {
  @Test func columnsAlignAndBlocksWrapAtTheWidth() {
    let rows = AlignedRows(
      labels: ["input", "loss"],
      rows: [["the", "[MASK]", "sat", "on", "it"], ["0.00", "2.31", "0.10", "0.00", "0.01"]])
    // Label column 5 + 2, then cells of widths 4, 6, 4, 4, 4 each followed by 2 spaces.
    let wide = rows.render(PlotStyle(width: 80))
    #expect(
      wide == ["input  the   [MASK]  sat   on    it", "loss   0.00  2.31    0.10  0.00  0.01"])
    let narrow = rows.render(PlotStyle(width: 22))
    #expect(
      narrow == [
        "input  the   [MASK]", "loss   0.00  2.31", "", "input  sat   on", "loss   0.10  0.00",
        "", "input  it", "loss   0.01",
      ])
    #expect(narrow.allSatisfy { $0.count <= 22 })
  }
}

/// A terminal that shows colour gets the plot in colour; the record kept for exports never
/// has colour codes.
struct ColourOutputTests {
  @Test func theConsoleGetsColourAndTheRecordDoesNot() {
    let console = CollectedText()
    let output = CellOutput(sink: console, style: PlotStyle(width: 40), progressEnabled: false)
    output.consoleColor = true
    output.plot(LinePlot([.init("a", [3, 2, 1]), .init("b", [1, 2, 3])], height: 3))
    #expect(console.text.contains("\u{1B}[34m"))
    #expect(console.text.contains("\u{1B}[31m"))
    #expect(!output.recorded.joined().contains("\u{1B}"))
    #expect(output.recorded.count == console.text.split(separator: "\n").count)
  }
}
