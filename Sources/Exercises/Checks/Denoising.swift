import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// The functions the exercises of Lesson 5 (denoising) ask for, each returning `nil`
/// until it is written; part of `ExerciseAnswers`.
public protocol DenoisingAnswers: Sendable {
  /// `tokens` with each (start, length) span replaced by one "[MASK]".
  func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]?
  /// −Σ ln p over the probabilities of a sequence's tokens.
  func sequenceLoss(_ tokenProbabilities: [Double]) -> Double?
  /// The document starting at `start`, wrapping around.
  func rotate(_ tokens: [String], _ start: Int) -> [String]?
}

extension NoAnswers {
  public func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    nil
  }
  public func sequenceLoss(_ tokenProbabilities: [Double]) -> Double? { nil }
  public func rotate(_ tokens: [String], _ start: Int) -> [String]? { nil }
}

/// The exercises of Lesson 5: denoising autoencoders, checking the functions of `f`.
func denoisingExercises(_ f: some DenoisingAnswers) -> [Exercise] {
  [
    Exercise(
      id: "span-masking", lesson: "denoising", title: "Span masking",
      task:
        "spanMask(tokens, spans): replace each (start, length) span, in order and not overlapping, by one [MASK].",
      hint:
        "Walk through the tokens once, copying them, and at each span's start write one [MASK] and jump past the span."
    ) {
      let tokens = ["the", "puppies", "are", "playing", "outside", "the", "house", "."]
      let cases: [[(start: Int, length: Int)]] = [
        [(1, 1)], [(3, 2), (6, 1)], [], [(0, 8)], [(2, 3)],
      ]
      return compare(
        cases: cases,
        describe: { (spans: [(start: Int, length: Int)]) -> String in
          let shown: [String] = spans.map { "(\($0.start), \($0.length))" }
          return "spans \(shown)"
        },
        expected: { (spans: [(start: Int, length: Int)]) -> [String] in
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
        "sequenceLoss(p): −Σ ln pₜ, the loss of a sequence from the probabilities of its tokens.",
      hint:
        "The loss of a sequence is the sum, not the mean, of −ln p over its tokens."
    ) {
      let cases: [[Double]] = [[0.5, 0.5], [0.9, 0.1, 0.99], [1]]
      return compare(
        cases: cases, describe: { "probabilities \($0)" },
        expected: { (p: [Double]) -> Double in
          let logs: [Double] = p.map { Foundation.log($0) }
          return -logs.reduce(0, +)
        },
        attempt: { f.sequenceLoss($0) }, equal: { close($0, $1) },
        show: { String(format: "%.6f", $0) })
    },
    Exercise(
      id: "rotation", lesson: "denoising", title: "Document rotation",
      task: "rotate(tokens, start): the document starting at index start, wrapping around.",
      hint:
        "Two slices: from start to the end, then from the beginning up to start."
    ) {
      let tokens: [String] = ["a", "b", "c", "d", "e"]
      let cases: [Int] = [0, 1, 4, 2]
      return compare(
        cases: cases, describe: { "start \($0)" },
        expected: { (start: Int) -> [String] in
          let tail: ArraySlice<String> = tokens[start...]
          let head: ArraySlice<String> = tokens[..<start]
          return Array(tail) + Array(head)
        },
        attempt: { f.rotate(tokens, $0) }, equal: ==, show: { $0.joined(separator: " ") })
    },
  ]
}
