import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The exercises of Lesson 6: ALBERT, checking the functions of `f`.
func albertExercises(_ f: some ExerciseAnswers) -> [Exercise] {
  [
    Exercise(
      id: "embedding-parameters", lesson: "albert", title: "Embedding parameters",
      task:
        "embeddingParameters(V, E, H): V·H when E = H; V·E + E·H + H (the projection's bias) when E < H."
    ) {
      let cases: [(Int, Int, Int)] = [
        (30_000, 768, 768), (30_000, 128, 768), (30_000, 128, 4096), (10, 2, 3),
      ]
      return compare(
        cases: cases,
        describe: { "V = \($0.0), E = \($0.1), H = \($0.2)" },
        expected: { (v: Int, e: Int, h: Int) -> Int in e == h ? v * h : v * e + e * h + h },
        attempt: { f.embeddingParameters($0.0, $0.1, $0.2) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "layer-parameters", lesson: "albert", title: "Transformer layer parameters",
      task:
        "layerParameters(H, F): attention 4(H² + H), feed-forward (H·F + F) + (F·H + H), two layer norms 4H."
    ) {
      compare(
        cases: [(768, 3072), (1024, 4096), (4, 8)], describe: { "H = \($0.0), F = \($0.1)" },
        expected: { h, f in
          withMetaTensors {
            var g = SplitMix64(seed: 0)
            return TransformerEncoderLayer(dimension: h, heads: 1, feedForwardSize: f, using: &g)
              .parameterCount
          }
        },
        attempt: { f.layerParameters($0.0, $0.1) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "layerwise-rates", lesson: "albert", title: "Layer-wise learning rates",
      task:
        "layerwiseRates(base, decay, n): the rate of layers 0 … n−1 (0 nearest the input), the top one at base."
    ) {
      let cases: [(Double, Double, Int)] = [(1e-3, 0.5, 3), (2e-4, 0.9, 6), (0.1, 1, 2)]
      return compare(
        cases: cases, describe: { "base \($0.0), decay \($0.1), n = \($0.2)" },
        expected: { (base: Double, decay: Double, n: Int) -> [Double] in
          (0..<n).map { i -> Double in base * Foundation.pow(decay, Double(n - 1 - i)) }
        },
        attempt: { f.layerwiseRates($0.0, $0.1, $0.2) },
        equal: { (a: [Double], b: [Double]) -> Bool in
          a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance: 1e-9) }
        },
        show: { "\($0)" })
    },
    Exercise(
      id: "sentence-order", lesson: "albert", title: "A sentence-order example",
      task:
        "sentenceOrderExample(A, B, swapped): [CLS] A [SEP] B [SEP] (B first when swapped), segment 0 through the first [SEP], label 1 in order, 0 swapped."
    ) {
      typealias Example = (tokens: [String], segments: [Int], label: Int)
      let a = ["the", "girl", "found", "the", "puppy", "."]
      let b = ["the", "girl", "fed", "the", "puppy", "."]
      let short = ["rain", "."]
      let cases: [([String], [String], Bool)] = [(a, b, false), (a, b, true), (short, a, true)]
      return compare(
        cases: cases,
        describe: {
          "A = \($0.0.joined(separator: " ")), B = \($0.1.joined(separator: " ")), swapped \($0.2)"
        },
        expected: { (first: [String], second: [String], swapped: Bool) -> Example in
          let (x, y) = swapped ? (second, first) : (first, second)
          return (
            ["[CLS]"] + x + ["[SEP]"] + y + ["[SEP]"],
            Array(repeating: 0, count: x.count + 2) + Array(repeating: 1, count: y.count + 1),
            swapped ? 0 : 1
          )
        },
        attempt: { f.sentenceOrderExample($0.0, $0.1, $0.2) },
        equal: { (p: Example, q: Example) -> Bool in
          p.tokens == q.tokens && p.segments == q.segments && p.label == q.label
        },
        show: {
          "\($0.tokens.joined(separator: " ")) / segments \($0.segments.map(String.init).joined()) / label \($0.label)"
        })
    },
  ]
}
