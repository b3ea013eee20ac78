import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 4 (attention) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol AttentionAnswers: Sendable {
  /// softmax(Q·Kᵀ/√d) · V, hiding keys after each query when `causal`.
  func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool) -> [[Float]]?
  /// n × n, true where query r must not see key c.
  func causalMask(_ size: Int) -> [[Bool]]?
  /// The sinusoidal code of `position` with `dimension` values.
  func sinusoidalCode(_ position: Int, _ dimension: Int) -> [Float]?
}

extension NoAnswers {
  public func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool)
    -> [[Float]]?
  { nil }
  public func causalMask(_ size: Int) -> [[Bool]]? { nil }
  public func sinusoidalCode(_ position: Int, _ dimension: Int) -> [Float]? { nil }
}

/// The exercises of Lesson 4: attention, checking the functions of `f`.
func attentionExercises(_ f: some AttentionAnswers) -> [Exercise] {
  [
    Exercise(
      id: "attention", lesson: "attention", title: "Scaled dot-product attention with a mask",
      task:
        "attention(Q, K, V, causal): softmax(Q·Kᵀ/√d, hiding later keys when causal) · V, as rows.",
      hint:
        "Per query row: scores against every key, divided by √d; when causal, set the scores of later keys to −∞ before the softmax; subtract the row's largest score before exp so nothing overflows."
    ) {
      var cases: [([[Float]], [[Float]], [[Float]], Bool)] = []
      for s in 0..<6 {
        let q: [[Float]] = randomMatrix(4, 3, seed: UInt64(80 + s))
        let k: [[Float]] = randomMatrix(4, 3, seed: UInt64(90 + s))
        let v: [[Float]] = randomMatrix(4, 2, seed: UInt64(100 + s))
        cases.append((q, k, v, s % 2 == 1))
      }
      return compare(
        cases: cases, describe: { "Q \($0.0), causal \($0.3)" },
        expected: { (q: [[Float]], k: [[Float]], v: [[Float]], causal: Bool) -> [Float] in
          let (out, _) = scaledDotProductAttention(
            query: Tensor(q), key: Tensor(k), value: Tensor(v),
            mask: causal ? Tensor.causalMask(q.count) : nil)
          return out.scalars
        },
        attempt: { (q: [[Float]], k: [[Float]], v: [[Float]], causal: Bool) -> [Float]? in
          f.attention(q, k, v, causal)?.flatMap { $0 }
        },
        equal: { close($0, $1) }, show: show)
    },
    Exercise(
      id: "causal-mask", lesson: "attention", title: "The causal mask",
      task: "causalMask(n): n × n, true where query r must not see key c (c > r).",
      hint:
        "Row r is a query, column c a key; the query may see keys at its own position and before it."
    ) {
      let cases: [Int] = [1, 2, 3, 5]
      return compare(
        cases: cases, describe: { "n = \($0)" },
        expected: { (n: Int) -> [[Bool]] in
          (0..<n).map { (r: Int) -> [Bool] in (0..<n).map { (c: Int) -> Bool in c > r } }
        },
        attempt: { f.causalMask($0) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "sinusoidal", lesson: "attention", title: "Sinusoidal position code",
      task:
        "sinusoidalCode(p, d): [sin(p/10000^(0/d)), cos(p/10000^(0/d)), sin(p/10000^(2/d)), …], d values.",
      hint:
        "Pairs of values share a frequency: values 2i and 2i + 1 both use p / 10000^(2i/d), the first with sin, the second with cos."
    ) {
      let table = SinusoidalPositionalEncoding(maxLength: 20, dimension: 8).codes(20)
      let cases: [Int] = [0, 1, 7, 19]
      return compare(
        cases: cases, describe: { "position \($0), dimension 8" },
        expected: { (p: Int) -> [Float] in table.selected(axis: 0, index: p).scalars },
        attempt: { f.sinusoidalCode($0, 8) }, equal: { close($0, $1) }, show: show)
    },
  ]
}
