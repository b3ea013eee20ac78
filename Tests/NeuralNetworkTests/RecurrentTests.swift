import Foundation
import Testing

@testable import NeuralNetwork
@testable import TensorCore

/// Independent, scalar implementations of one recurrent step, written from the formulas
/// in PyTorch's documentation, to check the layers' forward values.
enum Reference {
  static func affine(_ w: [Float], _ b: [Float], _ x: [Float], rows: Int) -> [Float] {
    (0..<rows).map { r in
      var s = b[r]
      for c in 0..<x.count { s += w[r * x.count + c] * x[c] }
      return s
    }
  }
  static func sigmoid(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }

  /// Runs a GRU or LSTM over one sequence (batch of 1), returning every hidden state.
  static func run(_ layer: RecurrentLayer, _ xs: [[Float]], lstm: Bool) -> [[Float]] {
    let h = layer.hiddenSize
    var state = [Float](repeating: 0, count: h)
    var cell = [Float](repeating: 0, count: h)
    var states: [[Float]] = []
    let gates = lstm ? 4 : 3
    for x in xs {
      let gi = affine(layer.weightIH.scalars, layer.biasIH.scalars, x, rows: gates * h)
      let gh = affine(layer.weightHH.scalars, layer.biasHH.scalars, state, rows: gates * h)
      var next = [Float](repeating: 0, count: h)
      for j in 0..<h {
        if lstm {
          let i = sigmoid(gi[j] + gh[j])
          let f = sigmoid(gi[h + j] + gh[h + j])
          let g = Foundation.tanh(gi[2 * h + j] + gh[2 * h + j])
          let o = sigmoid(gi[3 * h + j] + gh[3 * h + j])
          cell[j] = f * cell[j] + i * g
          next[j] = o * Foundation.tanh(cell[j])
        } else {
          let r = sigmoid(gi[j] + gh[j])
          let z = sigmoid(gi[h + j] + gh[h + j])
          let n = Foundation.tanh(gi[2 * h + j] + r * gh[2 * h + j])
          next[j] = (1 - z) * n + z * state[j]
        }
      }
      state = next
      states.append(state)
    }
    return states
  }
}

struct RecurrentTests {
  let sequence: [[Float]] = [[0.5, -1], [1, 0.25], [-0.5, 0.75], [0, 1]]
  var input: Tensor { Tensor(sequence.flatMap { $0 }, shape: [1, 4, 2]) }

  @Test func rnnStepIsTanhOfTheAffineSum() {
    var g = SplitMix64(seed: 10)
    let rnn = RNN(inputSize: 2, hiddenSize: 3, using: &g)
    let out = rnn(input)
    #expect(out.outputs.shape == [1, 4, 3])
    #expect(out.states.count == 4)
    var h = [Float](repeating: 0, count: 3)
    for (t, x) in sequence.enumerated() {
      let a = Reference.affine(rnn.weightIH.scalars, rnn.biasIH.scalars, x, rows: 3)
      let b = Reference.affine(rnn.weightHH.scalars, rnn.biasHH.scalars, h, rows: 3)
      h = zip(a, b).map { Foundation.tanh($0 + $1) }
      for j in 0..<3 { #expect(Swift.abs(out.outputs[0, t, j] - h[j]) < 1e-6) }
    }
    #expect(out.last.scalars == out.states[3].scalars)
  }

  @Test func gruMatchesTheReferenceFormulas() {
    var g = SplitMix64(seed: 11)
    let gru = GRU(inputSize: 2, hiddenSize: 3, using: &g)
    let expected = Reference.run(gru, sequence, lstm: false)
    let out = gru(input)
    for t in 0..<4 {
      for j in 0..<3 { #expect(Swift.abs(out.outputs[0, t, j] - expected[t][j]) < 1e-6) }
    }
    #expect(gru.weightIH.shape == [9, 2])
  }

  @Test func lstmMatchesTheReferenceFormulas() {
    var g = SplitMix64(seed: 12)
    let lstm = LSTM(inputSize: 2, hiddenSize: 3, using: &g)
    let expected = Reference.run(lstm, sequence, lstm: true)
    let out = lstm(input)
    for t in 0..<4 {
      for j in 0..<3 { #expect(Swift.abs(out.outputs[0, t, j] - expected[t][j]) < 1e-6) }
    }
    #expect(out.lastCell?.shape == [1, 3])
    #expect(lstm.parameterCount == 4 * 3 * (2 + 3 + 2))
  }

  @Test(arguments: ["RNN", "GRU", "LSTM"])
  func gradientsThroughTime(_ kind: String) {
    var g = SplitMix64(seed: 13)
    let x = randomTensor([2, 3, 2], seed: 14)
    let layer: RecurrentLayer
    let run: () -> Tensor
    switch kind {
    case "RNN":
      let l = RNN(inputSize: 2, hiddenSize: 3, using: &g)
      layer = l
      run = { l(x).outputs }
    case "GRU":
      let l = GRU(inputSize: 2, hiddenSize: 3, using: &g)
      layer = l
      run = { l(x).outputs }
    default:
      let l = LSTM(inputSize: 2, hiddenSize: 3, using: &g)
      layer = l
      run = { l(x).outputs }
    }
    let check = GradientCheck.check(layer.parameters() + [x], run)
    #expect(check.passed(tolerance: gradientTolerance), "\(kind): \(check)")
  }

  @Test func retainedStatesShowTheGradientReachingEachStep() {
    var g = SplitMix64(seed: 15)
    let rnn = RNN(inputSize: 2, hiddenSize: 4, using: &g)
    let out = rnn(randomTensor([1, 6, 2], seed: 16))
    for s in out.states { s.retainGrad() }
    out.last.sum().backward()
    #expect(out.states.allSatisfy { $0.grad != nil })
    // The last state's gradient is the upstream gradient itself: all ones.
    #expect(out.states[5].grad?.scalars == [1, 1, 1, 1])
  }
}
