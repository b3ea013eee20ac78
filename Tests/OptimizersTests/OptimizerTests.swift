import Foundation
import Testing

@testable import NeuralNetwork
@testable import Optimizers
@testable import TensorCore

/// Sets a parameter's gradient directly, so each test controls exactly what the
/// optimizer sees.
func parameter(_ values: [Float], grad: [Float]) -> Tensor {
  let p = Tensor(values, shape: [values.count], requiresGrad: true)
  p.grad = Tensor(grad, shape: [grad.count])
  return p
}

func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-6) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tolerance }
}

struct SmoothingTests {
  @Test func smoothedCurvesAreLabelledWithTheirMiddleStep() {
    var history = TrainingHistory()
    history.trainLoss = [4, 2, 6, 8, 1, 3, 5]
    let curve = history.smoothedTrainCurve(window: 3)
    // Runs of steps 1–3, 4–6 and 7: means 4, 4 and 5, middles 2, 5 and 7.
    #expect(curve.loss == [4, 4, 5])
    #expect(curve.steps == [2, 5, 7])
  }
}

struct SGDTests {
  @Test func plainStep() {
    let p = parameter([1, -2], grad: [0.5, 1])
    SGD([p], learningRate: 0.1).step()
    #expect(close(p.scalars, [0.95, -2.1]))
  }

  @Test func momentumStartsFromTheGradientThenAccumulates() {
    let p = parameter([1], grad: [1])
    let sgd = SGD([p], learningRate: 0.1, momentum: 0.9)
    sgd.step()  // b = 1, p = 1 − 0.1 = 0.9
    #expect(close(p.scalars, [0.9]))
    sgd.step()  // b = 0.9 · 1 + 1 = 1.9, p = 0.9 − 0.19 = 0.71
    #expect(close(p.scalars, [0.71]))
  }

  @Test func weightDecayAddsToTheGradient() {
    let p = parameter([2], grad: [0])
    SGD([p], learningRate: 0.5, weightDecay: 0.1).step()  // g = 0.2, p = 2 − 0.1
    #expect(close(p.scalars, [1.9]))
  }

  @Test func parametersWithoutGradientsAreLeftAlone() {
    let p = Tensor([3], shape: [1], requiresGrad: true)
    SGD([p], learningRate: 1).step()
    #expect(p.scalars == [3])
  }
}

struct AdamTests {
  @Test func firstStepMovesEachParameterByAboutTheLearningRate() {
    // Step 1: m = 0.1·g, v = 0.001·g²; the corrections make m̂ = g, v̂ = g², so
    // p −= lr · g / (|g| + ε), about lr · sign(g) whatever the gradient's size.
    let p = parameter([1, 1, 1], grad: [100, -0.01, 2])
    Adam([p], learningRate: 0.1).step()
    let expected: [Float] = [100, -0.01, 2].map { g in 1 - 0.1 * g / (Swift.abs(g) + 1e-8) }
    #expect(close(p.scalars, expected, 1e-5))
  }

  @Test func secondStepFollowsTheFormula() {
    let p = parameter([0], grad: [1])
    let adam = Adam([p], learningRate: 0.01)
    adam.step()
    p.grad = Tensor([3], shape: [1])
    adam.step()
    // m = 0.9·0.1 + 0.1·3 = 0.39; v = 0.999·0.001 + 0.001·9 = 0.009999;
    // m̂ = 0.39/0.19, v̂ = 0.009999/0.001999.
    let m = 0.39 / (1 - 0.81)
    let v = 0.009_999 / (1 - 0.998_001)
    let expected = -0.01 - 0.01 * m / (v.squareRoot() + 1e-8)
    #expect(close(p.scalars, [Float(expected)], 1e-6))
    #expect(adam.stepCount == 2)
  }

  @Test func adamWDecaysWeightsOutsideTheAdaptiveStep() {
    let p = parameter([2], grad: [0.5])
    AdamW([p], learningRate: 0.1, weightDecay: 0.5).step()
    // p = 2 · (1 − 0.05) = 1.9, then − 0.1 · 0.5/0.5.
    #expect(close(p.scalars, [1.8], 1e-6))
    let q = parameter([2], grad: [0.5])
    Adam([q], learningRate: 0.1, weightDecay: 0.5).step()
    // L2 in the gradient: g = 0.5 + 1 = 1.5, and the step is still about lr.
    #expect(close(q.scalars, [1.9], 1e-6))
  }

  @Test func groupsHaveTheirOwnRatesAndTheScheduleScalesAll() {
    let a = parameter([0], grad: [1])
    let b = parameter([0], grad: [1])
    let sgd = SGD(
      groups: [ParameterGroup([a], learningRate: 1), ParameterGroup([b], learningRate: 0.1)])
    sgd.learningRateScale = 0.5
    sgd.step()
    #expect(close(a.scalars, [-0.5]))
    #expect(close(b.scalars, [-0.05]))
  }

  @Test func layerwiseDecayShrinksTowardsTheInput() {
    let groups = ParameterGroup.layerwise(
      [[Tensor([0])], [Tensor([0])], [Tensor([0])]], learningRate: 1e-3, decay: 0.5)
    #expect(close(groups.map { $0.learningRate }, [2.5e-4, 5e-4, 1e-3], 1e-9))
  }
}

struct ClippingAndScheduleTests {
  @Test func clippingScalesToTheMaximumNormAndReturnsTheOldNorm() {
    let a = parameter([0, 0], grad: [3, 0])
    let b = parameter([0], grad: [4])
    let norm = clipGradientNorm([a, b], maxNorm: 1)
    #expect(Swift.abs(norm - 5) < 1e-6)
    #expect(close(a.grad!.scalars + b.grad!.scalars, [0.6, 0, 0.8], 1e-6))
    let small = parameter([0], grad: [0.5])
    clipGradientNorm([small], maxNorm: 1)
    #expect(small.grad!.scalars == [0.5])
  }

  @Test func schedulesAtChosenSteps() {
    #expect(LearningRateSchedule.constant.factor(atStep: 99) == 1)
    let warmup = LearningRateSchedule.warmup(steps: 4)
    #expect([0, 1, 3, 4, 10].map { warmup.factor(atStep: $0) } == [0.25, 0.5, 1, 1, 1])
    let cosine = LearningRateSchedule.cosine(totalSteps: 12, warmupSteps: 2, minimumFactor: 0.1)
    #expect(cosine.factor(atStep: 0) == 0.5)
    #expect(cosine.factor(atStep: 2) == 1)
    #expect(Swift.abs(cosine.factor(atStep: 7) - 0.55) < 1e-6)  // half-way: 0.1 + 0.9 · ½
    #expect(Swift.abs(cosine.factor(atStep: 12) - 0.1) < 1e-6)
    let linear = LearningRateSchedule.linear(totalSteps: 10)
    #expect(Swift.abs(linear.factor(atStep: 5) - 0.5) < 1e-6)
    #expect(linear.factor(atStep: 20) == 0)
  }
}

struct TrainingLoopTests {
  @Test func fitsALineAndRecordsHistory() throws {
    // y = 3x − 1 from five points; SGD on MSE must recover the line.
    var g = SplitMix64(seed: 0)
    let model = Linear(1, 1, using: &g)
    let x = Tensor([-2, -1, 0, 1, 2], shape: [5, 1])
    let y = x * 3 - 1
    var validations = 0
    var stepsInTraining = 0
    let history = try TrainingLoop(steps: 300, validateEvery: 100).run(
      model: model, optimizer: SGD(model.parameters(), learningRate: 0.1),
      loss: { _ in
        stepsInTraining += model.isTraining ? 1 : 0
        return Tensor.mseLoss(model(x), y)
      },
      validationLoss: {
        validations += 1
        #expect(!model.isTraining)
        #expect(!GradMode.isEnabled)
        return Tensor.mseLoss(model(x), y).item
      })
    #expect(history.trainLoss.count == 300)
    #expect(history.validationLoss.map { $0.step } == [100, 200, 300])
    #expect(validations == 3)
    #expect(history.trainLoss.last! < 1e-8)
    #expect(Swift.abs(model.weight.item - 3) < 1e-4)
    #expect(Swift.abs(model.bias!.item + 1) < 1e-4)
    // Every step in training mode (validation switched back), and the model left in
    // evaluation mode: what follows training is measuring it.
    #expect(stepsInTraining == 300)
    #expect(!model.isTraining)
    // A second run trains again.
    stepsInTraining = 0
    try TrainingLoop(steps: 2).run(
      model: model, optimizer: SGD(model.parameters(), learningRate: 0.1),
      loss: { _ in
        stepsInTraining += model.isTraining ? 1 : 0
        return Tensor.mseLoss(model(x), y)
      })
    #expect(stepsInTraining == 2)
    #expect(!model.isTraining)
  }

  @Test func stopsOnANonFiniteLossWithAdvice() {
    let w = Tensor([1], shape: [1], requiresGrad: true)
    var reports = 0
    do {
      try TrainingLoop(steps: 50).run(
        optimizer: SGD([w], learningRate: 10),
        loss: { _ in (w * w).exp().sum() },
        onStep: { _ in reports += 1 })
      Issue.record("the loop should have stopped")
    } catch let error as TrainingError {
      #expect(error.step == reports)
      #expect(error.description.hasPrefix("training stopped at step \(reports): the loss is inf."))
      #expect(error.description.contains("smaller learning rate"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  /// A validation loss that is lowest after step 2 and worse after: `keepBest` must leave
  /// the weights of step 2, and `patience: 2` must stop two validations later.
  @Test func keepsTheBestWeightsAndStopsEarly() throws {
    let w = Tensor([0], shape: [1], requiresGrad: true)
    let scripted: [Float] = [5, 1, 3, 4, 0.5, 6]
    var validations = 0
    var atBest: Float = .nan
    let history = try TrainingLoop(steps: 6, validateEvery: 1, keepBest: true, patience: 2).run(
      optimizer: SGD([w], learningRate: 1),
      loss: { _ in -w.sum() },  // every step adds 1 to w
      validationLoss: {
        defer { validations += 1 }
        if validations == 1 { atBest = w.item }
        return scripted[validations]
      })
    #expect(atBest == 2)
    #expect(history.bestStep == 2)
    #expect(history.stoppedEarly)
    #expect(history.trainLoss.count == 4)
    #expect(w.item == 2)
  }

  /// Without `keepBest` the weights are those of the last step.
  @Test func withoutKeepBestTheLastWeightsStay() throws {
    let w = Tensor([0], shape: [1], requiresGrad: true)
    var validations = 0
    let history = try TrainingLoop(steps: 3, validateEvery: 1).run(
      optimizer: SGD([w], learningRate: 1), loss: { _ in -w.sum() },
      validationLoss: {
        validations += 1
        return Float(validations)
      })
    #expect(history.bestStep == 1)
    #expect(!history.stoppedEarly)
    #expect(w.item == 3)
  }
}
