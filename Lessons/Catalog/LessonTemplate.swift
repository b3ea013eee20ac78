/// The files `lessons new` writes: a small lesson that is a real one (a knob, held-out data, a
/// check with its control, a plot, a quiz), and its guide.
enum LessonTemplate {
  /// The lesson's `main.swift`: it passes every check CI makes of a lesson.
  static func lesson(_ new: NewLesson) -> String {
    let heading = new.entry.heading
    return #"""
      // \#(heading).
      //
      //     swift run -c release \#(new.name)
      //
      // A lesson to start from, made by `lessons new`: a knob, data split with nothing held out
      // also in training, a model trained with `TrainingLoop`, a claim checked against the
      // untrained model with a control, a plot and a quiz. Replace the cells with your own
      // (docs/WRITING-LESSONS.md), rewrite the guide, and regenerate the transcript (the command
      // is in docs/transcripts/README.md).
      import Course
      import Foundation
      import NeuralNetwork
      import Notebook
      import Optimizers
      import TensorCore
      import TextData

      let lesson = Lesson(
        catalog: .\#(new.member),
        introduction: """
          What the student will be able to do at the end of this lesson, and what it builds on. \
          For now: fit a straight line to noisy points and check the fit on points kept aside.
          """)

      let steps = lesson.knob(
        "steps", default: 300, quick: 100, range: 1...10_000, help: "gradient-descent steps")
      let noise = lesson.knob(
        "noise", default: 0.1, range: 0...1, help: "how far the points scatter around the line")

      lesson.markdown(
        """
        ## A line through noisy points

        We draw 200 points near the line y = 2x − 1, keep a fifth of them aside, and fit a \
        linear layer to the rest. The points kept aside tell whether the fit holds beyond the \
        points it was fitted to.
        """)

      struct Point {
        let x: Float
        let y: Float
      }

      var splits: Splits<Point>!

      lesson.cell(
        "Draw the points",
        "Each x occurs once, so no held-out point is a copy of a training point."
      ) { out in
        var generator = lesson.random("points")
        let points = (0..<200).map { i -> Point in
          let x = Float(i) / 100 - 1
          let scatter = generator.uniform(-noise.value, noise.value)
          return Point(x: x, y: 2 * x - 1 + scatter)
        }
        splits = Splits(
          points, keepingCopiesOf: { $0.x }, trainFraction: 0.8, validationFraction: 0,
          using: &generator)
        out.print("points: \(splits.train.count) to train on, \(splits.test.count) kept aside")
        out.print(splits.overlapSummary { $0.x })
      }

      /// The points' x values and y values as two `[n, 1]` tensors.
      func tensors(_ points: [Point]) -> (x: Tensor, y: Tensor) {
        (
          Tensor(points.map(\.x), shape: [points.count, 1]),
          Tensor(points.map(\.y), shape: [points.count, 1])
        )
      }

      lesson.cell(
        "Fit a line",
        """
        \(steps.value) steps of gradient descent on the mean squared error. The honest baseline \
        is the same layer untrained: the fit must beat it on the points kept aside.
        """
      ) { out in
        var generator = lesson.random("init")
        let model = Linear(1, 1, using: &generator)
        let (x, y) = tensors(splits.train)
        let (heldOutX, heldOutY) = tensors(splits.test)
        let heldOutLoss = { withNoGrad { Tensor.mseLoss(model(heldOutX), heldOutY).item } }
        let untrained = heldOutLoss()
        let history = try TrainingLoop(steps: steps.value).run(
          model: model, optimizer: SGD(model.parameters(), learningRate: 0.1),
          loss: { _ in Tensor.mseLoss(model(x), y) })
        let fitted = heldOutLoss()
        out.plot(
          LinePlot(
            [.init("train", history.trainLoss)], title: "mean squared error", height: 8,
            logScale: true, xLabel: "step"))
        let (weight, bias) = (model.weight.item, model.bias!.item)
        out.print(
          String(format: "fitted weight %.3f and bias %.3f (the line's: 2 and −1)", weight, bias))
        let errors = String(format: "%.4f → %.4f", untrained, fitted)
        out.check(
          "fit-beats-untrained", fitted < untrained / 10,
          "the held-out error falls below a tenth of the untrained layer's (\(errors))",
          control: .setting("--set steps=1", "one step of gradient descent cannot fit the line"))
      }

      lesson.markdown(
        """
        ## Try

        - `swift run -c release \#(new.name) --set noise=0.5`: noisier points. How close does the \
        fitted line stay to y = 2x − 1?
        - `swift run -c release \#(new.name) --set steps=5`: too few steps. Which of the weight \
        and the bias is still far off?
        """)

      lesson.quiz([
        Question(
          "Why are some points kept aside rather than fitted?",
          choices: [
            "to measure the fit on points it has not seen", "to make training faster",
            "because the line needs fewer points",
          ],
          answer: 0, explanation: "A fit can be good on its own points and poor elsewhere."),
        Question(
          "The points scatter around y = 2x − 1. What weight should the fitted line have?",
          number: 2, tolerance: 0.1, explanation: "The slope of the line the points were drawn from."),
        Question(
          "Predicting 1 where the answer is 3, what is the squared error?",
          number: 4, explanation: "(3 − 1)² = 4."),
        Question(
          "Why is the claim compared with the untrained layer?",
          choices: [
            "it is the honest baseline: what the same model does before it learns",
            "the untrained layer is always wrong", "the check needs two numbers",
          ],
          answer: 0, explanation: "Beating the model before training shows that training did it."),
      ])

      lesson.run()

      """#
  }

  /// The lesson's guide, with one figure quoted from the lesson's default run between marks
  /// that CI checks (`.ci/guide-figures.py`).
  static func guide(_ new: NewLesson) -> String {
    #"""
    # \#(new.entry.heading)

    ```sh
    swift run -c release \#(new.name)
    swift run -c release \#(new.name) --quick
    ```

    **You will be able to** say here what the student can do after the lesson. **It builds
    on** lesson \#(new.number - 1).

    ## What the lesson does

    <!-- figures: \#(new.name) --seed 0 -->It fits a line to 200 points in 300 steps of
    gradient descent<!-- /figures -->, and checks the fit on points kept aside against the
    same layer untrained. Every number between the `figures` marks must be in the output of
    the run they name; CI checks it (`.ci/guide-figures.py`).

    ## Try

    - `swift run -c release \#(new.name) --set noise=0.5`: noisier points.
    - `swift run -c release \#(new.name) --checks`: the claims the lesson checks, each with
      the setting under which it is false.

    """#
  }
}
