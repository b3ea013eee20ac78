import Foundation
import TensorCore

/// Parameters that share a learning rate (PyTorch's `param_groups`).
///
/// Layer-wise learning-rate decay is a list of groups, one per layer, each with its own
/// rate; see `ParameterGroup.layerwise`.
public struct ParameterGroup {
  public var parameters: [Tensor]
  public var learningRate: Float
  /// A name for printing (for example `"layer 3"`).
  public var name: String

  public init(_ parameters: [Tensor], learningRate: Float, name: String = "") {
    self.parameters = parameters
    self.learningRate = learningRate
    self.name = name
  }

  /// One group per layer, with the learning rate shrinking by `decay` per layer down
  /// from the top: layer `i` of `n` (0 = closest to the input) gets
  /// `learningRate · decay^(n − 1 − i)`.
  ///
  /// Fine-tuning a pre-trained encoder this way changes the top layers (close to the new
  /// task) the most and the bottom layers (general features of the language) the least.
  public static func layerwise(
    _ layers: [[Tensor]], learningRate: Float, decay: Float
  ) -> [ParameterGroup] {
    layers.enumerated().map { i, parameters in
      let exponent = Float(layers.count - 1 - i)
      return ParameterGroup(
        parameters, learningRate: learningRate * Foundation.pow(decay, exponent),
        name: "layer \(i)")
    }
  }
}

/// The base of every optimizer: parameter groups, the step counter, and a learning-rate
/// multiplier that schedules set before each step.
///
/// Subclasses implement `update`, which changes one parameter in place from its
/// gradient. Parameters without a gradient (not reached by the last backward pass) are
/// left alone.
open class Optimizer {
  public var groups: [ParameterGroup]
  /// How many times `step()` has run.
  public private(set) var stepCount = 0
  /// Multiplies every group's learning rate; a `LearningRateSchedule` sets it.
  public var learningRateScale: Float = 1
  var states: [ObjectIdentifier: ParameterState] = [:]

  public init(groups: [ParameterGroup]) {
    for group in groups {
      precondition(
        group.learningRate >= 0 && group.learningRate.isFinite,
        "Optimizer: learning rate \(group.learningRate) must be a finite number ≥ 0")
    }
    self.groups = groups
  }

  /// Every parameter of every group.
  public var parameters: [Tensor] { groups.flatMap { $0.parameters } }

  /// Forgets every parameter's gradient, before the next backward pass.
  public func zeroGrad() {
    for p in parameters { p.zeroGrad() }
  }

  /// Updates every parameter that has a gradient.
  public func step() {
    stepCount += 1
    for group in groups {
      let rate = group.learningRate * learningRateScale
      for p in group.parameters {
        guard let grad = p.grad else { continue }
        let key = ObjectIdentifier(p)
        let state = states[key] ?? ParameterState(count: p.count)
        states[key] = state
        p.withUnsafeMutableBufferPointer { values in
          grad.withUnsafeBufferPointer { g in
            update(values, gradient: g, state: state, learningRate: rate)
          }
        }
      }
    }
  }

  /// Changes `values` in place from `gradient`.
  open func update(
    _ values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>,
    state: ParameterState, learningRate: Float
  ) {
    fatalError("Optimizer.update: a subclass must implement the update rule")
  }
}

/// Per-parameter memory of an optimizer: the first and second moment estimates, zero at
/// the start (SGD's momentum uses `first`).
public final class ParameterState {
  public var first: [Float]
  public var second: [Float]
  /// Whether `first` holds a value yet (SGD's first step copies the gradient into it).
  public var started = false

  init(count: Int) {
    first = [Float](repeating: 0, count: count)
    second = [Float](repeating: 0, count: count)
  }
}
