import Foundation
import TensorCore

/// Ways to damage a text that a denoising autoencoder learns to undo. Five are the ones
/// the BART paper compares (Lewis et al. 2019, section 2.2): token masking, token deletion,
/// text infilling, sentence permutation and document rotation; the released BART uses text
/// infilling and sentence permutation (section 5.1). Span masking is not one of them: a
/// fixed-length relative of T5's span corruption, kept to compare.
/// All work on token lists and draw from a seeded generator.
public enum Corruption: String, Sendable, CaseIterable {
  /// Each token becomes `[MASK]` with probability `rate`. The length is kept.
  case tokenMasking = "token-masking"
  /// Spans of 2 or 3 tokens, covering about `rate` of the text, each become one `[MASK]`:
  /// the model must also work out how many tokens are missing. Not one of BART's five
  /// (its spans have fixed lengths and are never empty). T5's span corruption differs: its
  /// span lengths vary (mean 3), each span gets a distinct sentinel, and the target holds
  /// only the dropped spans.
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

  /// BART's five corruptions, in the order of its paper.
  public static let bart: [Corruption] = [
    .tokenMasking, .tokenDeletion, .textInfilling, .sentencePermutation, .documentRotation,
  ]

  /// Whether BART was pre-trained with this corruption.
  public var isBART: Bool { Self.bart.contains(self) }

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
      // A span (mean length 2.5) starts at a position with probability p; each step then
      // hides 2.5p tokens on average and moves on by 2.5p + (1 − p), so the share hidden
      // is 2.5p / (1 + 1.5p), which is `rate` for p = rate / (2.5 − 1.5 rate).
      let start = rate / (2.5 - 1.5 * rate)
      while i < tokens.count {
        if generator.nextUnit() < start {
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
      // As for span masking, with a mean span length of 3: the share hidden is
      // 3p / (1 + 2p), which is `rate` for p = rate / (3 − 2 rate). A span of length 0
      // stays at the same position, so another span may start there.
      let start = rate / (3 - 2 * rate)
      while i < tokens.count {
        if generator.nextUnit() < start {
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
