import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The exercises of Lesson 5: denoising autoencoders, checking the functions of `f`.
func denoisingExercises(_ f: some ExerciseAnswers) -> [Exercise] {
  [
    Exercise(
      id: "span-masking", lesson: "denoising", title: "Span masking",
      task:
        "spanMask(tokens, spans): replace each (start, length) span, in order and not overlapping, by one [MASK]."
    ) {
      let tokens = ["the", "puppies", "are", "playing", "outside", "the", "house", "."]
      let cases: [[(start: Int, length: Int)]] = [
        [(1, 1)], [(3, 2), (6, 1)], [], [(0, 8)], [(2, 3)],
      ]
      return compare(
        cases: cases, describe: { "spans \($0.map { "(\($0.start), \($0.length))" })" },
        expected: { spans in
          var result: [String] = []
          var i = 0
          for span in spans {
            result += tokens[i..<span.start]
            result.append(Vocabulary.mask)
            i = span.start + span.length
          }
          return result + tokens[i...]
        },
        attempt: { f.spanMask(tokens, $0) }, equal: ==, show: { $0.joined(separator: " ") })
    },
    Exercise(
      id: "sequence-loss", lesson: "denoising", title: "Sequence loss",
      task:
        "sequenceLoss(p): −Σ ln pₜ, the loss of a sequence from the probabilities of its tokens."
    ) {
      compare(
        cases: [[0.5, 0.5], [0.9, 0.1, 0.99], [1]], describe: { "probabilities \($0)" },
        expected: { -$0.map { Foundation.log($0) }.reduce(0, +) },
        attempt: { f.sequenceLoss($0) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "rotation", lesson: "denoising", title: "Document rotation",
      task: "rotate(tokens, start): the document starting at index start, wrapping around."
    ) {
      let tokens = ["a", "b", "c", "d", "e"]
      return compare(
        cases: [0, 1, 4, 2], describe: { "start \($0)" },
        expected: { Array(tokens[$0...] + tokens[..<$0]) },
        attempt: { f.rotate(tokens, $0) }, equal: ==, show: { $0.joined(separator: " ") })
    },
  ]
}
