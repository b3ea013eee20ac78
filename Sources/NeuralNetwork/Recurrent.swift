import TensorCore

/// What a recurrent layer returns for a whole sequence.
public struct RecurrentOutput {
  /// The hidden state after every step, `[batch, time, hidden]`.
  public let outputs: Tensor
  /// The same states as separate tensors `[batch, hidden]`, one per step, so a lesson can
  /// call `retainGrad()` on each and see how much gradient reaches every step.
  public let states: [Tensor]
  /// The LSTM's cell state after the last step (`nil` for RNN and GRU).
  public let lastCell: Tensor?
  /// The hidden state after the last step, `[batch, hidden]`.
  public var last: Tensor { states[states.count - 1] }
}

/// The parts every recurrent layer shares: weights laid out as PyTorch's `weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` (gates stacked along the first axis), and
/// the loop over time.
///
/// The input's contribution to every gate, `x · weightIHᵀ + biasIH`, is computed for all
/// steps in one matrix product before the loop; only `h · weightHHᵀ` must wait for the
/// previous step. That is backpropagation through time: the loop is unrolled into one
/// long graph, and `backward()` walks it from the last step to the first.
public class RecurrentLayer: Module {
  public let weightIH: Tensor
  public let weightHH: Tensor
  public let biasIH: Tensor
  public let biasHH: Tensor
  public let inputSize: Int
  public let hiddenSize: Int
  let gates: Int

  /// The tensors under PyTorch's names for a one-layer `nn.RNN`, `nn.GRU` or `nn.LSTM`.
  public override var tensorNames: [String: String] {
    [
      "weightIH": "weight_ih_l0", "weightHH": "weight_hh_l0", "biasIH": "bias_ih_l0",
      "biasHH": "bias_hh_l0",
    ]
  }

  /// Initialises every weight and bias from `U(−1/√hidden, 1/√hidden)`, as PyTorch does.
  init(inputSize: Int, hiddenSize: Int, gates: Int, using generator: inout SplitMix64) {
    let bound = 1 / Double(hiddenSize).squareRoot()
    func make(_ shape: [Int]) -> Tensor {
      Tensor.uniform(shape, low: -bound, high: bound, requiresGrad: true, using: &generator)
    }
    weightIH = make([gates * hiddenSize, inputSize])
    weightHH = make([gates * hiddenSize, hiddenSize])
    biasIH = make([gates * hiddenSize])
    biasHH = make([gates * hiddenSize])
    self.inputSize = inputSize
    self.hiddenSize = hiddenSize
    self.gates = gates
    super.init()
  }

  /// Checks the input and returns the input projections for each step.
  func projectedSteps(_ input: Tensor, _ name: String) -> [Tensor] {
    precondition(
      input.rank == 3 && input.shape[2] == inputSize,
      "\(name): input \(Shape.describe(input.shape)) is not [batch, time, \(inputSize)]")
    precondition(input.shape[1] > 0, "\(name): the sequence is empty")
    let projected = matmul(input, weightIH, transposeB: true) + biasIH
    return (0..<input.shape[1]).map { projected.selected(axis: 1, index: $0) }
  }

  func initial(_ state: Tensor?, batch: Int, _ name: String) -> Tensor {
    guard let state else { return Tensor.zeros([batch, hiddenSize]) }
    precondition(
      state.shape == [batch, hiddenSize],
      "\(name): initial state \(Shape.describe(state.shape)) is not [\(batch), \(hiddenSize)]")
    return state
  }

  /// Runs `step(input projection, previous state)` over every time step from the initial
  /// state, collecting the states: the loop RNN and GRU share.
  func unrolled(
    _ input: Tensor, initialState: Tensor?, _ name: String, step: (Tensor, Tensor) -> Tensor
  ) -> RecurrentOutput {
    var h = initial(initialState, batch: input.shape[0], name)
    var states: [Tensor] = []
    for x in projectedSteps(input, name) {
      h = step(x, h)
      states.append(h)
    }
    return RecurrentOutput(outputs: Tensor.stack(states, axis: 1), states: states, lastCell: nil)
  }

  /// The recurrent weight packed once for this sequence's products (`nil` for an input that
  /// is not `[batch, time, features]`: `unrolled` reports it).
  func weightPacks(for input: Tensor) -> RecurrentWeightPacks? {
    input.rank == 3
      ? RecurrentWeightPacks(weightHH, batch: input.shape[0], steps: input.shape[1]) : nil
  }

  /// `h · weightHHᵀ + biasHH`: the previous state's contribution to the gates.
  func recurrent(_ h: Tensor) -> Tensor {
    matmul(h, weightHH, transposeB: true) + biasHH
  }

  /// Runs the layer over a whole sequence `[batch, time, inputSize]`, starting from
  /// `initialState` (zeros if `nil`). Each kind of layer overrides this.
  public func callAsFunction(_ input: Tensor, initialState: Tensor? = nil) -> RecurrentOutput {
    preconditionFailure("RecurrentLayer: use RNN, GRU or LSTM")
  }
}

/// The plain (Elman) recurrent network: `hₜ = tanh(xₜ·W_ihᵀ + b_ih + hₜ₋₁·W_hhᵀ + b_hh)`,
/// each step one fused op (`Tensor.rnnCell`).
///
/// - Shape: input `[batch, time, inputSize]`, states `[batch, hiddenSize]`.
public final class RNN: RecurrentLayer {
  public init(inputSize: Int, hiddenSize: Int, using generator: inout SplitMix64) {
    super.init(inputSize: inputSize, hiddenSize: hiddenSize, gates: 1, using: &generator)
  }

  public override func callAsFunction(
    _ input: Tensor, initialState: Tensor? = nil
  ) -> RecurrentOutput {
    let packed = weightPacks(for: input)
    return unrolled(input, initialState: initialState, "RNN") { x, h in
      Tensor.rnnCell(input: x, hidden: h, weight: weightHH, bias: biasHH, packed: packed)
    }
  }
}

/// The gated recurrent unit (Cho et al., 2014), with PyTorch's gate order r, z, n:
///
///     r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)          reset gate
///     z = σ(x·W_izᵀ + b_iz + h·W_hzᵀ + b_hz)          update gate
///     n = tanh(x·W_inᵀ + b_in + r ⊙ (h·W_hnᵀ + b_hn))  candidate
///     h′ = (1 − z) ⊙ n + z ⊙ h
///
/// When `z` is near 1 the state is copied forward unchanged, and so is its gradient:
/// that path is why a GRU remembers over longer distances than a plain RNN.
///
/// Each step is one fused op, `Tensor.gruCell`, with a hand-written backward pass.
public final class GRU: RecurrentLayer {
  public init(inputSize: Int, hiddenSize: Int, using generator: inout SplitMix64) {
    super.init(inputSize: inputSize, hiddenSize: hiddenSize, gates: 3, using: &generator)
  }

  public override func callAsFunction(
    _ input: Tensor, initialState: Tensor? = nil
  ) -> RecurrentOutput {
    let packed = weightPacks(for: input)
    return unrolled(input, initialState: initialState, "GRU") { x, h in
      Tensor.gruCell(inputGates: x, hidden: h, weight: weightHH, bias: biasHH, packed: packed)
    }
  }
}

/// Long short-term memory (Hochreiter & Schmidhuber, 1997), with PyTorch's gate order
/// i, f, g, o:
///
///     i = σ(…), f = σ(…), g = tanh(…), o = σ(…)   (each from x and h as above)
///     c′ = f ⊙ c + i ⊙ g                          cell state
///     h′ = o ⊙ tanh(c′)
///
/// The cell state is updated by addition, so gradients flow along it without being
/// squashed at every step.
public final class LSTM: RecurrentLayer {
  public init(inputSize: Int, hiddenSize: Int, using generator: inout SplitMix64) {
    super.init(inputSize: inputSize, hiddenSize: hiddenSize, gates: 4, using: &generator)
  }

  public override func callAsFunction(
    _ input: Tensor, initialState: Tensor? = nil
  ) -> RecurrentOutput {
    callAsFunction(input, initialState: initialState, initialCell: nil)
  }

  /// Runs over a sequence from a given hidden state and cell state.
  public func callAsFunction(
    _ input: Tensor, initialState: Tensor?, initialCell: Tensor?
  ) -> RecurrentOutput {
    let batch = input.shape[0]
    var h = initial(initialState, batch: batch, "LSTM")
    var c = initial(initialCell, batch: batch, "LSTM")
    var states: [Tensor] = []
    for x in projectedSteps(input, "LSTM") {
      let g = (x + recurrent(h)).split(parts: 4, axis: 1)
      let i = g[0].sigmoid()
      let f = g[1].sigmoid()
      let candidate = g[2].tanh()
      let o = g[3].sigmoid()
      c = f * c + i * candidate
      h = o * c.tanh()
      states.append(h)
    }
    return RecurrentOutput(outputs: Tensor.stack(states, axis: 1), states: states, lastCell: c)
  }
}
