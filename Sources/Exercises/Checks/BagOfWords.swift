import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The exercises of Lesson 1: bag of words, checking the functions of `f`.
func bagOfWordsExercises(_ f: some ExerciseAnswers) -> [Exercise] {
  [
    Exercise(
      id: "count-vector", lesson: "bag-of-words", title: "Count vector",
      task:
        "countVector(tokens, vocabulary): how often each vocabulary word occurs in tokens (others are ignored)."
    ) {
      let vocabulary = ["dog", "bites", "man", "the"]
      var g = SplitMix64(seed: 1)
      let random = (0..<20).map { _ in
        (0..<g.index(12)).map { _ in ["dog", "man", "cat", "the", "bites"][g.index(5)] }
      }
      return compare(
        cases: [["dog", "bites", "man"], ["man", "bites", "dog"], [], ["cat"]] + random,
        describe: { "tokens \($0), vocabulary \(vocabulary)" },
        expected: { tokens in vocabulary.map { w in tokens.filter { $0 == w }.count } },
        attempt: { f.countVector($0, vocabulary) }, equal: ==, show: { "\($0)" })
    },
    Exercise(
      id: "f1", lesson: "bag-of-words", title: "F1 score",
      task: "f1Score(predicted, actual): 2PR/(P+R) with 1 as the positive class; 0 when P + R = 0."
    ) {
      var g = SplitMix64(seed: 2)
      let random = (0..<20).map { _ in
        let n = 1 + g.index(15)
        return ((0..<n).map { _ in g.index(2) }, (0..<n).map { _ in g.index(2) })
      }
      return compare(
        cases: [([1, 1, 0, 0], [1, 0, 1, 0]), ([0, 0], [0, 0]), ([1, 1, 1], [1, 1, 1])] + random,
        describe: { "predicted \($0.0), actual \($0.1)" },
        expected: { BinaryMetrics(predicted: $0.0, actual: $0.1).f1 },
        attempt: { f.f1Score($0.0, $0.1) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "binary-cross-entropy", lesson: "bag-of-words", title: "Stable binary cross-entropy",
      task:
        "sigmoidCrossEntropy(logit, label): −[y log σ(z) + (1 − y) log(1 − σ(z))], finite even for z = ±100."
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
