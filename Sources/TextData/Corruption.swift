import Foundation
import TensorCore

/// Ways to damage a text that a denoising autoencoder learns to undo (the family used to
/// pre-train BART). All work on token lists and draw from a seeded generator.
public enum Corruption: String, Sendable, CaseIterable {
  /// Each token becomes `[MASK]` with probability `rate`. The length is kept.
  case tokenMasking = "token-masking"
  /// Spans of 2 or 3 tokens, covering about `rate` of the text, each become one `[MASK]`:
  /// the model must also work out how many tokens are missing.
  case spanMasking = "span-masking"
  /// Each token is deleted with probability `rate`: the model must find *where* text is
  /// missing, too.
  case tokenDeletion = "token-deletion"
  /// Spans with Poisson(3) lengths (0 included: an inserted `[MASK]` hiding nothing)
  /// each become one `[MASK]`, until about `rate` of the tokens are hidden.
  case textInfilling = "text-infilling"
  /// The sentences (ending in `.`) are shuffled.
  case sentencePermutation = "sentence-permutation"
  /// The document is rotated to start at a random token: the model must find its start.
  case documentRotation = "document-rotation"

  /// Applies the corruption to `tokens`.
  public func apply(
    _ tokens: [String], rate: Double = 0.15, using generator: inout SplitMix64
  ) -> [String] {
    let mask = Vocabulary.mask
    switch self {
    case .tokenMasking:
      return tokens.map { generator.nextUnit() < rate ? mask : $0 }
    case .tokenDeletion:
      return tokens.filter { _ in generator.nextUnit() >= rate }
    case .spanMasking:
      var result: [String] = []
      var i = 0
      // A span starts with probability rate / 2.5 (mean span length 2.5), so about
      // `rate` of the tokens are covered.
      while i < tokens.count {
        if generator.nextUnit() < rate / 2.5 {
          result.append(mask)
          i += 2 + generator.index(2)
        } else {
          result.append(tokens[i])
          i += 1
        }
      }
      return result
    case .textInfilling:
      var result: [String] = []
      var i = 0
      while i < tokens.count {
        if generator.nextUnit() < rate / 3 {
          result.append(mask)
          i += Self.poisson(mean: 3, using: &generator)
          if i > tokens.count { break }
          continue
        }
        result.append(tokens[i])
        i += 1
      }
      return result
    case .sentencePermutation:
      var sentences = Self.sentences(tokens)
      generator.shuffle(&sentences)
      return sentences.flatMap { $0 }
    case .documentRotation:
      guard !tokens.isEmpty else { return tokens }
      let start = generator.index(tokens.count)
      return Array(tokens[start...] + tokens[..<start])
    }
  }

  /// Splits tokens into sentences, each ending at a `.` token (a trailing piece without
  /// one is a sentence too).
  public static func sentences(_ tokens: [String]) -> [[String]] {
    var result: [[String]] = []
    var current: [String] = []
    for token in tokens {
      current.append(token)
      if token == "." {
        result.append(current)
        current = []
      }
    }
    if !current.isEmpty { result.append(current) }
    return result
  }

  /// A Poisson-distributed count (Knuth's method: multiply uniforms until below e^−mean).
  static func poisson(mean: Double, using generator: inout SplitMix64) -> Int {
    let limit = Foundation.exp(-mean)
    var product = generator.nextUnit()
    var count = 0
    while product > limit {
      product *= generator.nextUnit()
      count += 1
    }
    return count
  }
}
