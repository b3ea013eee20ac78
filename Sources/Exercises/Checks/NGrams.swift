import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 2 (n-grams) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol NGramsAnswers: Sendable {
  /// counts[previous][next] over `<s> w₁ … w_m </s>` for each sentence.
  func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]?
  /// The add-k estimate (c + k) / (contextCount + k·V).
  func addKProbability(_ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int)
    -> Double?
  /// exp(−(1/N) Σ ln p) over the given probabilities.
  func perplexity(_ probabilities: [Double]) -> Double?
}

extension NoAnswers {
  public func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? { nil }
  public func addKProbability(_ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int)
    -> Double?
  { nil }
  public func perplexity(_ probabilities: [Double]) -> Double? { nil }
}

/// The exercises of Lesson 2: n-grams, checking the functions of `f`.
func nGramsExercises(_ f: some NGramsAnswers) -> [Exercise] {
  [
    Exercise(
      id: "bigram-counts", lesson: "ngrams", title: "Bigram counts",
      task:
        "bigramCounts(sentences): counts[previous][next] over <s> w₁ … w_m </s> for every sentence.",
      hint:
        "Pad each sentence with <s> before and </s> after, then count each neighbouring pair (previous, next)."
    ) {
      var g = SplitMix64(seed: 3)
      let words = ["a", "b", "c"]
      let random: [[[String]]] = (0..<10).map { _ in
        (0..<(1 + g.index(3))).map { _ in (0..<g.index(5)).map { _ in words[g.index(3)] } }
      }
      let cases: [[[String]]] = [[["the", "dog", "runs"]], [["a", "a"], ["a"]], [[]]]
      return compare(
        cases: cases + random,
        describe: { "sentences \($0)" },
        expected: { (sentences: [[String]]) -> [String: [String: Int]] in
          var counts: [String: [String: Int]] = [:]
          for s in sentences {
            let padded = ["<s>"] + s + ["</s>"]
            for (p, n) in zip(padded, padded.dropFirst()) {
              counts[p, default: [:]][n, default: 0] += 1
            }
          }
          return counts
        },
        attempt: { f.bigramCounts($0) }, equal: ==,
        show: { (counts: [String: [String: Int]]) -> String in
          "\(counts.sorted { $0.key < $1.key })"
        })
    },
    Exercise(
      id: "add-k", lesson: "ngrams", title: "Add-k probability",
      task: "addKProbability(c, contextCount, k, V): (c + k) / (contextCount + k·V).",
      hint:
        "k is added to the count of every one of the V possible tokens, so the denominator grows by k·V."
    ) {
      let cases: [(Int, Int, Double, Int)] = [
        (0, 2, 1, 4), (1, 3, 1, 4), (5, 10, 0.01, 100), (0, 0, 0.5, 7),
      ]
      return compare(
        cases: cases,
        describe: { "c = \($0.0), c(h) = \($0.1), k = \($0.2), V = \($0.3)" },
        expected: { (c: Int, total: Int, k: Double, v: Int) -> Double in
          let numerator: Double = Double(c) + k
          let denominator: Double = Double(total) + k * Double(v)
          return numerator / denominator
        },
        attempt: { f.addKProbability($0.0, $0.1, $0.2, $0.3) }, equal: { close($0, $1) },
        show: { String(format: "%.8f", $0) })
    },
    Exercise(
      id: "perplexity", lesson: "ngrams", title: "Perplexity",
      task:
        "perplexity(probabilities): exp(−(1/N) Σ ln pᵢ) for the probabilities of the N predicted tokens.",
      hint:
        "Take the mean of ln p, negate it, and exponentiate; a product of many probabilities would underflow."
    ) {
      var g = SplitMix64(seed: 4)
      let random: [[Double]] = (0..<10).map { _ in
        (0..<(1 + g.index(20))).map { _ in 0.01 + 0.99 * g.nextUnit() }
      }
      let cases: [[Double]] = [[0.25, 0.25], [1.0 / 6, 1.0 / 5, 2.0 / 7], [1]]
      return compare(
        cases: cases + random,
        describe: { "probabilities \($0)" },
        expected: { (p: [Double]) -> Double in
          let logs: [Double] = p.map { Foundation.log($0) }
          return Foundation.exp(-logs.reduce(0, +) / Double(p.count))
        },
        attempt: { f.perplexity($0) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
  ]
}
