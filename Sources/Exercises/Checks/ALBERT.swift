import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 6 (ALBERT) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol ALBERTAnswers: Sendable {
  /// Parameters of the word embedding (and projection, when E < H).
  func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int?
  /// Parameters of one transformer layer with hidden size H and feed-forward size F.
  func layerParameters(_ h: Int, _ feedForward: Int) -> Int?
  /// The learning rates of layers 0 … n−1, the top one at `base`, each lower one × `decay`.
  func layerwiseRates(_ base: Double, _ decay: Double, _ layers: Int) -> [Double]?
  /// A sentence-order example: `[CLS] A [SEP] B [SEP]`, swapped when `swapped`; segments 0 then 1; label 1 in order, 0 swapped.
  func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )?
}

extension NoAnswers {
  public func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? { nil }
  public func layerParameters(_ h: Int, _ feedForward: Int) -> Int? { nil }
  public func layerwiseRates(_ base: Double, _ decay: Double, _ layers: Int) -> [Double]? { nil }
  public func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? { nil }
}

/// The exercises of Lesson 6: ALBERT, checking the functions of `f`.
func albertExercises(_ f: some ALBERTAnswers) -> [Exercise] {
  [
    Exercise(
      id: "embedding-parameters", lesson: "albert", title: "Embedding parameters",
      task:
        "embeddingParameters(V, E, H): V·H when E = H; V·E + E·H + H (the projection's bias) when E < H.",
      hint:
        "Count two tables when E < H: the V × E embedding and the E → H projection, which is a linear layer, so it has a bias of H numbers as well as its E·H weights."
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
        "layerParameters(H, F): attention 4(H² + H), feed-forward (H·F + F) + (F·H + H), two layer norms 4H.",
      hint:
        "Every linear layer has a bias: four H → H projections in attention, then H → F and F → H in the feed-forward part; each layer norm has a scale and a shift of H numbers."
    ) {
      let cases: [(Int, Int)] = [(768, 3072), (1024, 4096), (4, 8)]
      return compare(
        cases: cases, describe: { "H = \($0.0), F = \($0.1)" },
        expected: { (h: Int, feedForward: Int) -> Int in
          withMetaTensors { () -> Int in
            var g = SplitMix64(seed: 0)
            let layer = TransformerEncoderLayer(
              dimension: h, heads: 1, feedForwardSize: feedForward, using: &g)
            return layer.parameterCount
          }
        },
        attempt: { f.layerParameters($0.0, $0.1) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "layerwise-rates", lesson: "albert", title: "Layer-wise learning rates",
      task:
        "layerwiseRates(base, decay, n): the rate of layers 0 … n−1 (0 nearest the input), the top one at base.",
      hint:
        "The top layer (index n − 1) gets base; layer i gets base · decay^(n − 1 − i)."
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
        "sentenceOrderExample(A, B, swapped): [CLS] A [SEP] B [SEP] (B first when swapped), segment 0 through the first [SEP], label 1 in order, 0 swapped.",
      hint:
        "Build the tokens first, then the segments from the position of the first [SEP]: everything up to and including it is segment 0. Swapping changes which sentence comes first, not where the [SEP]s go."
    ) {
      typealias Example = (tokens: [String], segments: [Int], label: Int)
      let a = ["the", "girl", "found", "the", "puppy", "."]
      let b = ["the", "girl", "fed", "the", "puppy", "."]
      let short = ["rain", "."]
      let cases: [([String], [String], Bool)] = [(a, b, false), (a, b, true), (short, a, true)]
      return compare(
        cases: cases,
        describe: { (first: [String], second: [String], swapped: Bool) -> String in
          let (a, b) = (first.joined(separator: " "), second.joined(separator: " "))
          return "A = \(a), B = \(b), swapped \(swapped)"
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
        show: { (e: Example) -> String in
          let segments: String = e.segments.map { "\($0)" }.joined()
          return "\(e.tokens.joined(separator: " ")) / segments \(segments) / label \(e.label)"
        })
    },
  ]
}
