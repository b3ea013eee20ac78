import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 4½ (a small GPT) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol GPTAnswers: Sendable {
  /// The probabilities kept by top-p: the smallest set of likeliest tokens whose sum reaches
  /// `p` (ties: the lower index first), renormalised; the others 0.
  func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]?
  /// One step with a key-value cache: append `newKey` and `newValue` to the cache, then
  /// attend from `query` to every cached row (softmax(q·kᵀ/√d) · V).
  func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])?
  /// Bits per character: `nats` of total surprise in bits, over the characters plus one
  /// per sentence end.
  func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double?
}

extension NoAnswers {
  public func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]? { nil }
  public func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? { nil }
  public func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? {
    nil
  }
}

/// The exercises of Lesson 4½: a small GPT, checking the functions of `f`.
func gptExercises(_ f: some GPTAnswers) -> [Exercise] {
  [
    Exercise(
      id: "top-p", lesson: "gpt", title: "Top-p (nucleus) filtering",
      task:
        "topPFilter(p, threshold): keep the smallest set of likeliest tokens whose sum reaches threshold, renormalised.",
      hint:
        "Sort the indices by probability (ties: the lower index first) and keep adding until the kept sum reaches p, keeping the token that crosses it; then divide the kept ones by their sum."
    ) {
      let cases: [([Double], Double)] = [
        ([0.05, 0.5, 0.15, 0.3], 0.9), ([0.05, 0.5, 0.15, 0.3], 0.8), ([0.25, 0.25, 0.5], 0.6),
        ([0.1, 0.2, 0.3, 0.4], 1.0), ([0.7, 0.2, 0.1], 0.5),
      ]
      return compare(
        cases: cases, describe: { "probabilities \($0.0), p = \($0.1)" },
        expected: { (p: [Double], threshold: Double) -> [Double] in
          SamplingRule.keepTopP(p, threshold)
        },
        attempt: { f.topPFilter($0.0, $0.1) },
        equal: { (a: [Double], b: [Double]) -> Bool in
          a.count == b.count && zip(a, b).allSatisfy { close($0, $1) }
        },
        show: { (p: [Double]) -> String in "\(p.map { String(format: "%.4f", $0) })" })
    },
    Exercise(
      id: "kv-cache-step", lesson: "gpt", title: "One step with a key-value cache",
      task:
        "cachedAttentionStep(q, keys, values, k, v): grow the cache by (k, v), attend from q to every row.",
      hint:
        "Append first, then attend: the new key and value are part of what the query attends to."
    ) {
      var cases: [([Float], [[Float]], [[Float]], [Float], [Float])] = []
      for s in 0..<5 {
        let rows = s + 1
        let keys: [[Float]] = randomMatrix(rows, 4, seed: UInt64(200 + s))
        let values: [[Float]] = randomMatrix(rows, 3, seed: UInt64(210 + s))
        let new: [[Float]] = randomMatrix(3, 4, seed: UInt64(220 + s))
        cases.append((new[0], keys, values, new[1], Array(new[2].prefix(3))))
      }
      return compare(
        cases: cases, describe: { "query \($0.0), \($0.1.count) cached rows" },
        expected: {
          (q: [Float], keys: [[Float]], values: [[Float]], k: [Float], v: [Float]) -> [Float] in
          // The whole cache attended at once by the library: the step must give its output.
          let (out, _) = scaledDotProductAttention(
            query: Tensor([q]), key: Tensor(keys + [k]), value: Tensor(values + [v]))
          let cache: [Float] = (keys + [k]).flatMap { $0 } + (values + [v]).flatMap { $0 }
          return out.scalars + cache
        },
        attempt: {
          (q: [Float], keys: [[Float]], values: [[Float]], k: [Float], v: [Float]) -> [Float]? in
          guard let step = f.cachedAttentionStep(q, keys, values, k, v) else { return nil }
          let cache: [Float] = step.keys.flatMap { $0 } + step.values.flatMap { $0 }
          return step.output + cache
        },
        equal: { close($0, $1) }, show: show)
    },
    Exercise(
      id: "bits-per-character", lesson: "gpt", title: "Bits per character",
      task:
        "bitsPerCharacter(nats, characters, sentences): nats ÷ ln 2 ÷ (characters + sentences).",
      hint:
        "Nats to bits is a division by ln 2; each sentence end counts as one character."
    ) {
      let cases: [(Double, Int, Int)] = [(100, 50, 2), (0, 10, 1), (3781.631, 8072, 305)]
      return compare(
        cases: cases, describe: { "nats \($0.0), characters \($0.1), sentences \($0.2)" },
        expected: { (nats: Double, characters: Int, sentences: Int) -> Double in
          // A text of `sentences` sentences holding `characters` characters in all.
          let text: [String] =
            [String(repeating: "a", count: characters)]
            + Array(repeating: "", count: sentences - 1)
          return LanguageModelCorpus.bitsPerCharacter(nats: nats, text: text)
        },
        attempt: { f.bitsPerCharacter($0.0, $0.1, $0.2) },
        equal: { close($0, $1) }, show: { String(format: "%.6f", $0) })
    },
  ]
}
