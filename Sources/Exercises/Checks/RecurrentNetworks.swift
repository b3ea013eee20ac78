import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 3 (recurrent networks) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol RecurrentNetworkAnswers: Sendable {
  /// tanh(W_ih·x + W_hh·h + b), with the weights as rows.
  func rnnStep(_ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float])
    -> [Float]?
  /// ∂L/∂x for y = tanh(x), given y and the upstream gradient g.
  func tanhBackward(_ output: [Float], _ gradient: [Float]) -> [Float]?
  /// ∂L/∂x for y = softmax(x), given y and the upstream gradient g.
  func softmaxBackward(_ output: [Float], _ gradient: [Float]) -> [Float]?
}

extension NoAnswers {
  public func rnnStep(
    _ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float]
  ) -> [Float]? { nil }
  public func tanhBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }
  public func softmaxBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }
}

/// The exercises of Lesson 3: recurrent networks, checking the functions of `f`.
func recurrentExercises(_ f: some RecurrentNetworkAnswers) -> [Exercise] {
  [
    Exercise(
      id: "rnn-step", lesson: "rnn", title: "One RNN step",
      task:
        "rnnStep(x, h, W_ih, W_hh, b): tanh(W_ih·x + W_hh·h + b), weights given as rows [hidden][input].",
      hint:
        "For each hidden unit i: the bias, plus row i of W_ih dotted with x, plus row i of W_hh dotted with h, then tanh."
    ) {
      var cases: [([Float], [Float], [[Float]], [[Float]], [Float])] = []
      for seed in 0..<8 {
        let m: [[Float]] = randomMatrix(3, 4, seed: UInt64(10 + seed))
        let u: [[Float]] = randomMatrix(3, 3, seed: UInt64(20 + seed))
        let v: [Float] = randomMatrix(1, 3, seed: UInt64(30 + seed))[0]
        let x: [Float] = randomMatrix(1, 4, seed: UInt64(40 + seed))[0]
        let h: [Float] = randomMatrix(1, 3, seed: UInt64(50 + seed))[0]
        cases.append((x, h, m, u, v))
      }
      return compare(
        cases: cases, describe: { "x \(show($0.0)), h \(show($0.1))" },
        expected: {
          (x: [Float], h: [Float], wIH: [[Float]], wHH: [[Float]], b: [Float]) -> [Float] in
          let input: Tensor = matmul(Tensor([x]), Tensor(wIH).transposed())
          let recurrent: Tensor = matmul(Tensor([h]), Tensor(wHH).transposed())
          return (input + recurrent + Tensor(b, shape: [b.count])).tanh().scalars
        },
        attempt: { f.rnnStep($0.0, $0.1, $0.2, $0.3, $0.4) }, equal: { close($0, $1) }, show: show)
    },
    Exercise(
      id: "tanh-backward", lesson: "rnn", title: "The backward pass of tanh",
      task:
        "tanhBackward(y, g): ∂L/∂x for y = tanh(x) and upstream gradient g (checked by finite differences).",
      hint:
        "The derivative of tanh is 1 − tanh², and tanh(x) is the output y you are given."
    ) {
      let xs: [[Float]] = [[0, 0.5, -1], [2, -3, 0.1], randomMatrix(1, 6, seed: 5)[0]]
      let ones: [([Float], [Float])] = xs.map { x in (x, x.map { _ in Float(1) }) }
      let random: [([Float], [Float])] = xs.map { x in (x, randomMatrix(1, x.count, seed: 6)[0]) }
      return compare(
        cases: ones + random,
        describe: { "x \(show($0.0)), g \(show($0.1))" },
        expected: { (x: [Float], g: [Float]) -> [Float] in
          zip(x, g).map { (x: Float, g: Float) -> Float in
            let e: Double = 1e-4
            let rise: Double = Foundation.tanh(Double(x) + e) - Foundation.tanh(Double(x) - e)
            return Float(rise / (2 * e)) * g
          }
        },
        attempt: { (x: [Float], g: [Float]) -> [Float]? in
          f.tanhBackward(x.map { Float(Foundation.tanh(Double($0))) }, g)
        },
        equal: { close($0, $1, tolerance: 1e-4) }, show: show)
    },
    Exercise(
      id: "softmax-backward", lesson: "rnn", title: "The backward pass of softmax",
      task:
        "softmaxBackward(y, g): ∂L/∂x for y = softmax(x) and upstream gradient g (checked by finite differences).",
      hint:
        "With y the softmax output and g the upstream gradient, the gradient is y ⊙ (g − Σⱼ yⱼgⱼ)."
    ) {
      var cases: [([Float], [Float])] = [([1, 2, 3], [1, 0, 0]), ([0, 0], [1, -1])]
      for s in 0..<5 {
        let x: [Float] = randomMatrix(1, 5, seed: UInt64(60 + s))[0]
        let g: [Float] = randomMatrix(1, 5, seed: UInt64(70 + s))[0]
        cases.append((x, g))
      }
      return compare(
        cases: cases, describe: { "x \(show($0.0)), g \(show($0.1))" },
        expected: { (x: [Float], g: [Float]) -> [Float] in
          func projected(_ x: [Double]) -> Double {
            let m = x.max()!
            let e: [Double] = x.map { Foundation.exp($0 - m) }
            let s: Double = e.reduce(0, +)
            return zip(e, g).map { (e: Double, g: Float) -> Double in e / s * Double(g) }
              .reduce(0, +)
          }
          let xd: [Double] = x.map { Double($0) }
          return xd.indices.map { (i: Int) -> Float in
            var plus = xd
            var minus = xd
            plus[i] += 1e-5
            minus[i] -= 1e-5
            return Float((projected(plus) - projected(minus)) / 2e-5)
          }
        },
        attempt: { (x: [Float], g: [Float]) -> [Float]? in
          f.softmaxBackward(Tensor(x, shape: [x.count]).softmax().scalars, g)
        },
        equal: { close($0, $1, tolerance: 1e-3) }, show: show)
    },
  ]
}
