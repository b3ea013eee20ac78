import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 1 (bag of words) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol BagOfWordsAnswers: Sendable {
  /// How often each word of `vocabulary` occurs in `tokens`, in vocabulary order.
  func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]?
  /// F1 of `predicted` against `actual`, with 1 as the positive class (0 if P + R = 0).
  func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double?
  /// Binary cross-entropy of a logit and a label, finite for any logit.
  func sigmoidCrossEntropy(_ logit: Double, _ label: Double) -> Double?
}

extension NoAnswers {
  public func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? { nil }
  public func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double? { nil }
  public func sigmoidCrossEntropy(_ logit: Double, _ label: Double) -> Double? { nil }
}

/// The exercises of Lesson 1: bag of words, checking the functions of `f`.
func bagOfWordsExercises(_ f: some BagOfWordsAnswers) -> [Exercise] {
  [
    Exercise(
      id: "count-vector", lesson: "bag-of-words", title: "Count vector",
      task:
        "countVector(tokens, vocabulary): how often each vocabulary word occurs in tokens (others are ignored).",
      hint:
        "One count per vocabulary word, in vocabulary order; a token not in the vocabulary counts nowhere."
    ) {
      let vocabulary = ["dog", "bites", "man", "the"]
      var g = SplitMix64(seed: 1)
      let random = (0..<20).map { _ in
        (0..<g.index(12)).map { _ in ["dog", "man", "cat", "the", "bites"][g.index(5)] }
      }
      let cases: [[String]] = [["dog", "bites", "man"], ["man", "bites", "dog"], [], ["cat"]]
      return compare(
        cases: cases + random,
        describe: { "tokens \($0), vocabulary \(vocabulary)" },
        expected: { (tokens: [String]) -> [Int] in
          vocabulary.map { (w: String) -> Int in tokens.filter { $0 == w }.count }
        },
        attempt: { f.countVector($0, vocabulary) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "f1", lesson: "bag-of-words", title: "F1 score",
      task: "f1Score(predicted, actual): 2PR/(P+R) with 1 as the positive class; 0 when P + R = 0.",
      hint:
        "Count true positives, false positives and false negatives with 1 as the positive class; precision or recall with a zero denominator is 0."
    ) {
      var g = SplitMix64(seed: 2)
      let random = (0..<20).map { _ -> ([Int], [Int]) in
        let n = 1 + g.index(15)
        return ((0..<n).map { _ in g.index(2) }, (0..<n).map { _ in g.index(2) })
      }
      let cases: [([Int], [Int])] = [
        ([1, 1, 0, 0], [1, 0, 1, 0]), ([0, 0], [0, 0]), ([1, 1, 1], [1, 1, 1]),
      ]
      return compare(
        cases: cases + random,
        describe: { "predicted \($0.0), actual \($0.1)" },
        expected: { (predicted: [Int], actual: [Int]) -> Double in
          BinaryMetrics(predicted: predicted, actual: actual).f1
        },
        attempt: { f.f1Score($0.0, $0.1) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "binary-cross-entropy", lesson: "bag-of-words", title: "Stable binary cross-entropy",
      task:
        "sigmoidCrossEntropy(logit, label): −[y log σ(z) + (1 − y) log(1 − σ(z))], finite even for z = ±100.",
      hint:
        "Write it without σ: max(z, 0) − z·y + log(1 + exp(−|z|)) is the same function and never overflows."
    ) {
      let cases: [(Double, Double)] = [
        (0, 1), (2, 0), (-3, 1), (100, 1), (-100, 1), (100, 0), (0.5, 0.3),
      ]
      return compare(
        cases: cases,
        describe: { "logit \($0.0), label \($0.1)" },
        expected: { (z: Double, y: Double) -> Double in
          let softplus: Double = Foundation.log1p(Foundation.exp(-Swift.abs(z)))
          return Swift.max(z, 0) - z * y + softplus
        },
        attempt: { f.sigmoidCrossEntropy($0.0, $0.1) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
  ]
}
