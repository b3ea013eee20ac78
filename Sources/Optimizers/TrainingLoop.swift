import Foundation
import NeuralNetwork
import TensorCore

/// What happened in one training step, handed to the loop's callback.
public struct StepReport: Sendable {
  /// The step, from 0.
  public let step: Int
  /// The total number of steps.
  public let totalSteps: Int
  /// The training loss of this step's batch.
  public let loss: Float
  /// The gradient norm before clipping.
  public let gradientNorm: Float
  /// The learning-rate factor the schedule set for this step.
  public let learningRateFactor: Float
  /// The validation loss, on steps where it was computed.
  public let validationLoss: Float?
}

/// The record of a training run.
public struct TrainingHistory: Sendable {
  /// The training loss of every step.
  public var trainLoss: [Float] = []
  /// The gradient norm (before clipping) of every step.
  public var gradientNorms: [Float] = []
  /// The validation losses, with the step after which each was computed.
  public var validationLoss: [(step: Int, loss: Float)] = []
  /// The step after which the validation loss was lowest (with `keepBest`, the weights the
  /// model is left with).
  public var bestStep: Int? = nil
  /// Whether the run stopped before its last step because the validation loss had not
  /// improved for `patience` validations.
  public var stoppedEarly = false

  public init() {}

  /// The mean training loss over each run of `window` steps: a smoother curve to plot.
  public func smoothedTrainLoss(window: Int) -> [Float] {
    Self.smoothed(trainLoss, window: window)
  }

  /// The step at the middle of each run of `window` steps that ``smoothed(_:window:)``
  /// averages (steps counted from 1): the x-coordinates of a smoothed curve, so that a plot
  /// is labelled in steps rather than in runs.
  public static func smoothedSteps(count: Int, window: Int) -> [Double] {
    let window = Swift.max(window, 1)
    return stride(from: 0, to: count, by: window).map { start in
      Double(start + Swift.min(start + window, count) + 1) / 2
    }
  }

  /// The mean training loss over each run of `window` steps, with the step at the middle
  /// of each run: a curve to plot against steps.
  public func smoothedTrainCurve(window: Int) -> (steps: [Double], loss: [Float]) {
    (Self.smoothedSteps(count: trainLoss.count, window: window), smoothedTrainLoss(window: window))
  }

  /// The mean of each run of `window` values of any per-step series (an accuracy, a
  /// learning rate), the last run possibly shorter.
  public static func smoothed(_ values: [Float], window: Int) -> [Float] {
    let window = Swift.max(window, 1)
    return stride(from: 0, to: values.count, by: window).map { start in
      let slice = values[start..<Swift.min(start + window, values.count)]
      return slice.reduce(0, +) / Float(slice.count)
    }
  }
}

/// Training stopped because the loss stopped being a number.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
  public let step: Int
  public let loss: Float

  public var description: String {
    "training stopped at step \(step): the loss is \(loss). The updates have grown too large "
      + "for the weights to stay finite. Try a smaller learning rate, or clip the gradients "
      + "(a maximum norm of 1 is a common start)."
  }
}

/// The one training loop every lesson uses.
///
/// Each step: set the learning-rate factor from the schedule, forget the old gradients,
/// compute the loss (the caller's closure picks the batch and runs the model), stop if
/// the loss is NaN or infinite, backpropagate, clip, update, and every `validateEvery`
/// steps (and after the last) compute a validation loss in evaluation mode, without
/// recording a graph.
public struct TrainingLoop {
  public var steps: Int
  public var clipNorm: Float?
  public var schedule: LearningRateSchedule
  public var validateEvery: Int
  /// Keep a copy of the weights at the lowest validation loss and restore it at the end
  /// (*model selection by validation*), so that overfitting late in a run costs nothing.
  public var keepBest: Bool
  /// Stop once this many validations in a row have not improved on the best (early
  /// stopping); `nil` runs every step.
  public var patience: Int?

  /// - Parameters:
  ///   - steps: the number of updates.
  ///   - clipNorm: the maximum global gradient norm, or `nil` for no clipping.
  ///   - schedule: the learning-rate schedule.
  ///   - validateEvery: how often to validate (0: only after the last step).
  ///   - keepBest: restore the weights of the best validation loss at the end.
  ///   - patience: stop after this many validations without improvement.
  public init(
    steps: Int, clipNorm: Float? = nil, schedule: LearningRateSchedule = .constant,
    validateEvery: Int = 0, keepBest: Bool = false, patience: Int? = nil
  ) {
    precondition(steps >= 0, "TrainingLoop: steps must be ≥ 0, got \(steps)")
    precondition(patience.map { $0 >= 1 } ?? true, "TrainingLoop: patience must be ≥ 1")
    self.steps = steps
    self.clipNorm = clipNorm
    self.schedule = schedule
    self.validateEvery = validateEvery
    self.keepBest = keepBest
    self.patience = patience
  }

  /// Runs the loop.
  /// - Parameters:
  ///   - model: switched to training mode for steps and evaluation mode for validation,
  ///     and left in evaluation mode: what follows training is measuring it, and a score,
  ///     sample or attention map taken with dropout on would not be the model's.
  ///   - optimizer: updates the parameters.
  ///   - loss: computes the training loss of step `step` (with the graph recorded).
  ///   - validationLoss: computes a validation loss; run under `withNoGrad`.
  ///   - onStep: called after every step.
  /// - Throws: `TrainingError` when the loss becomes NaN or infinite.
  @discardableResult
  public func run(
    model: Module? = nil, optimizer: Optimizer, loss: (_ step: Int) -> Tensor,
    validationLoss: (() -> Float)? = nil, onStep: ((StepReport) -> Void)? = nil
  ) throws -> TrainingHistory {
    var history = TrainingHistory()
    let parameters = optimizer.parameters
    var best: (loss: Float, weights: [Tensor])? = nil
    var sinceBest = 0
    // Switching modes walks the whole module tree, so do it only when the mode changes.
    model?.train()
    // Evaluation mode at the end, and after a stop on a non-finite loss too.
    defer { model?.eval() }
    for step in 0..<steps {
      let factor = schedule.factor(atStep: step)
      optimizer.learningRateScale = factor
      optimizer.zeroGrad()
      let value = loss(step)
      let scalar = value.item
      guard scalar.isFinite else { throw TrainingError(step: step, loss: scalar) }
      value.backward()
      let norm =
        clipNorm.map { clipGradientNorm(parameters, maxNorm: $0) } ?? gradientNorm(parameters)
      optimizer.step()
      history.trainLoss.append(scalar)
      history.gradientNorms.append(norm)
      var validation: Float? = nil
      let isLast = step == steps - 1
      if let validationLoss, isLast || (validateEvery > 0 && (step + 1) % validateEvery == 0) {
        model?.eval()
        validation = withNoGrad { validationLoss() }
        model?.train()
        history.validationLoss.append((step + 1, validation!))
        if let value = validation, value < (best?.loss ?? .infinity) {
          best = (value, keepBest ? parameters.map { $0.detached() } : [])
          history.bestStep = step + 1
          sinceBest = 0
        } else {
          sinceBest += 1
        }
      }
      onStep?(
        StepReport(
          step: step, totalSteps: steps, loss: scalar, gradientNorm: norm,
          learningRateFactor: factor, validationLoss: validation))
      if let patience, sinceBest >= patience, !isLast {
        history.stoppedEarly = true
        break
      }
    }
    if keepBest, let best {
      for (parameter, saved) in zip(parameters, best.weights) { parameter.assign(saved) }
    }
    return history
  }
}
