// Lesson 0: how to use these lessons.
//
//     swift run -c release tour
//
// A lesson is a list of cells, run in order like a notebook. This one shows every
// feature of the runtime on small examples: prose and code cells, knobs, tensors, plots,
// progress, stepping and export.
import Course
import Foundation
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore

let lesson = Lesson(
  catalog: .tour,
  introduction: """
    Every lesson in this course is a program you run in a terminal. It prints a sequence \
    of *cells*, like a notebook: some are prose, others show a few lines of Swift and then \
    what those lines computed — tensors, tables, plots. By the end of this tour you will \
    know how to step through a lesson, change its settings, and save what it showed.
    """)

let points = lesson.knob(
  "points", default: 200, quick: 40, range: 10...10_000, help: "training points for the curve fit")
let learningRate = lesson.knob(
  "lr", default: 0.05, range: 0.000_1...1, help: "learning rate of the curve fit")
let shape = lesson.knob(
  "shape", default: "sine", choices: ["sine", "square"], help: "the curve to fit")
let showValues = lesson.knob("values", default: true, help: "print numbers in the heatmap")

lesson.markdown(
  """
  ## Cells

  This is a prose cell. The next one is a code cell: a title, a sentence on what to look \
  for, the Swift code of the cell, and then its output. Run the lesson with `--list` to \
  see every cell with its number, and with `--step` to step through them: each code cell \
  shows its prose and code and waits, so you can predict its output before Enter runs it.
  """)

lesson.cell(
  "A tensor",
  "Tensors print with aligned columns and their shape. Long axes are elided with `…`."
) { out in
  let small = Tensor([[1, 2.5, -3], [0.25, 10, 7]])
  out.show(small, "small")
  out.show(Tensor.arange(0, 20).reshaped([2, 10]), "long")
}

lesson.cell(
  "A table and a bar chart",
  "Tables align numbers to the right. Bar charts compare a handful of values at a glance."
) { out in
  let words = ["the", "puppies", "are", "playing", "outside"]
  let counts: [Double] = [42, 7, 19, 5, 11]
  out.table(["word", "count"], zip(words, counts).map { [$0, String(Int($1))] })
  out.plot(BarChart(labels: words, values: counts, title: "word counts"))
}

lesson.cell(
  "A heatmap",
  """
  Heatmaps draw a matrix as shades, darkest for the largest value, with a scale below. \
  Lessons use them for attention weights and tables of counts. Set `--set values=no` to \
  hide the numbers.
  """
) { out in
  let labels = ["the", "dog", "runs"]
  let weights: [[Double]] = [[0.7, 0.2, 0.1], [0.3, 0.6, 0.1], [0.1, 0.5, 0.4]]
  out.plot(
    Heatmap(
      weights, rowLabels: labels, columnLabels: labels, title: "who looks at whom",
      showValues: showValues.value))
}

lesson.cell(
  "A histogram and a scatter plot",
  "Histograms show how values spread; scatter plots show points of a few classes in 2-D."
) { out in
  var generator = lesson.random("samples")
  let samples = Tensor.normal([500], using: &generator).scalars
  out.plot(Histogram(samples, bins: 8, title: "500 draws from a normal distribution"))
  let a = Tensor.normal([20, 2], mean: -1, std: 0.4, using: &generator).scalars
  let b = Tensor.normal([20, 2], mean: 1, std: 0.4, using: &generator).scalars
  let xy = a + b
  out.plot(
    ScatterPlot(
      xs: stride(from: 0, to: xy.count, by: 2).map { Double(xy[$0]) },
      ys: stride(from: 1, to: xy.count, by: 2).map { Double(xy[$0]) },
      classes: Array(repeating: 0, count: 20) + Array(repeating: 1, count: 20),
      classNames: ["left cluster", "right cluster"], height: 10))
}

lesson.markdown(
  """
  ## Training, progress and loss curves

  Lessons train models with one shared training loop. While it runs, a progress bar on \
  the terminal shows the step and the loss; afterwards a line plot shows the loss curve. \
  Change the knobs to see what happens: `--set lr=0.5` learns faster (or not at all), \
  `--set shape=square` gives a harder curve.
  """)

var history = TrainingHistory()

lesson.cell(
  "Fit a curve",
  """
  A network with one hidden layer of 16 tanh units learns a curve from \(points.value) points. \
  Look at the loss: it falls fast, then slowly.
  """
) { out in
  var generator = lesson.random("init")
  let x = Tensor.uniform([points.value, 1], low: -3, high: 3, using: &generator)
  let y = withNoGrad {
    Tensor(
      x.scalars.map { shape.value == "sine" ? Float(sin(Double($0))) : ($0 > 0 ? 1 : -1) },
      shape: x.shape
    )
  }
  let model = Sequential([
    Linear(1, 16, using: &generator), Tanh(), Linear(16, 1, using: &generator),
  ])
  let steps = lesson.isQuick ? 150 : 600
  let progress = out.progress("fit", total: steps)
  history = try TrainingLoop(steps: steps).run(
    model: model, optimizer: Adam(model.parameters(), learningRate: Float(learningRate.value)),
    loss: { _ in Tensor.mseLoss(model(x), y) },
    onStep: { progress.update($0.step + 1, loss: $0.loss) })
  out.print("loss after \(steps) steps:", String(format: "%.4f", history.trainLoss.last!))
  out.plot(
    LinePlot(
      [.init("train", history.trainLoss)], title: "mean squared error", height: 8, xLabel: "step"))
  out.plot(
    LinePlot(
      [.init("train", history.trainLoss)], title: "the same, log scale", height: 8, logScale: true))
}

lesson.markdown(
  """
  ## Summary

  - `--list` lists the cells; `--step` shows each cell and waits: Enter runs it, `q` \
  quits (and says how to resume), a number jumps, `knobs` lists the knobs, and \
  `set lr=0.5` changes one and re-runs the cells that read it.
  - `--from N` and `--only N` start later; the cells before run quietly, so state is right.
  - `--set name=value` changes a knob; `--help` lists the knobs with their ranges.
  - `--quick` runs small sizes; `--seed N` changes every random choice, reproducibly.
  - `--export run.md` or `--export run.ipynb` saves what you saw.
  - `--checks` lists the claims a lesson checks (✓) and the control under which each is \
  false; `--control ID` runs one.

  Next: `swift run -c release lessons` lists the course.
  """)

lesson.run()
