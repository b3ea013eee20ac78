import Foundation
import TensorCore
import TextData

/// How an n-gram model spreads probability to sequences it never saw.
public enum Smoothing: Sendable, Equatable {
  /// Add-k: `P(w | h) = (c(h, w) + k) / (c(h) + k·V)`, with the full context `h`.
  case addK(Double)
  /// Witten–Bell interpolation with every shorter context, down to the uniform
  /// distribution; see `NGramModel`.
  case wittenBell
}

/// An n-gram language model: the probability of the next token given the `n − 1` tokens
/// before it, estimated by counting.
///
/// **Definitions** (exact, so the perplexities can be recomputed by hand):
/// - Each sentence `w₁ … w_m` is padded to `<s>ⁿ⁻¹ w₁ … w_m </s>`. The model predicts the
///   `m + 1` tokens `w₁ … w_m </s>`; `<s>` is context only and never predicted.
/// - `V` is the number of tokens that can be predicted: the vocabulary without `<pad>`,
///   `<s>`, `[MASK]`, `[CLS]` and `[SEP]` (so it includes `</s>` and `<unk>`).
/// - For every order `j = 1 … n`, `c(h, w)` counts the training positions where token `w`
///   follows the `j − 1` tokens `h` in the padded sentence; `c(h) = Σ_w c(h, w)`;
///   `T(h)` is the number of distinct `w` with `c(h, w) > 0`.
/// - Add-k: `P(w | h) = (c(h, w) + k) / (c(h) + k·V)` with `h` the `n − 1` previous tokens.
/// - Witten–Bell: `P₀(w) = 1/V`; for `j = 1 … n` and `h` the `j − 1` previous tokens,
///   `Pⱼ(w | h) = (c(h, w) + T(h)·Pⱼ₋₁(w | h′)) / (c(h) + T(h))`, where `h′` drops the
///   oldest token of `h`; if `c(h) = 0`, `Pⱼ(w | h) = Pⱼ₋₁(w | h′)`.
/// - Perplexity over a set of sentences: `exp(−(1/N) Σ ln P(wᵢ | hᵢ))` over all `N`
///   predicted tokens (`m + 1` per sentence).
public struct NGramModel: Sendable {
  public let order: Int
  public let smoothing: Smoothing
  /// The ids that can be predicted, in increasing order.
  public let predictable: [Int]
  public let startID: Int
  /// `counts[j - 1][h][w]` = `c(h, w)` for contexts `h` of length `j − 1`.
  let counts: [[[Int]: [Int: Int]]]
  /// `totals[j - 1][h]` = (`c(h)`, `T(h)`).
  let totals: [[[Int]: (count: Int, distinct: Int)]]

  /// Counts every order up to `order` in `sentences` (token ids without `<s>`/`</s>`).
  public init(order: Int, smoothing: Smoothing, sentences: [[Int]], vocabulary: Vocabulary) {
    precondition(order >= 1, "NGramModel: the order must be at least 1")
    self.order = order
    self.smoothing = smoothing
    let excluded: Set<String> = [
      Vocabulary.pad, Vocabulary.start, Vocabulary.mask, Vocabulary.classification,
      Vocabulary.separator,
    ]
    predictable = (0..<vocabulary.count).filter { !excluded.contains(vocabulary.tokens[$0]) }
    startID = vocabulary.startID
    // Each order's table is counted on its own, so the orders can share the cores (the
    // longest contexts, the dearest to count, first); the tables are the same either way.
    let (start, end) = (vocabulary.startID, vocabulary.endID)
    // (`map` rethrows what a job throws; counting throws nothing.)
    let byCost = try! Parallelism.map(order) { i in
      NGramModel.count(order: order - i, in: sentences, start: start, end: end)
    }
    counts = Array(byCost.reversed())
    totals = counts.map { table in
      table.mapValues { followers in (followers.values.reduce(0, +), followers.count) }
    }
  }

  /// `c(h, w)` for every context `h` of `j − 1` tokens in `sentences`, padded as the model
  /// pads them (`<s>` before, `</s>` after).
  static func count(order j: Int, in sentences: [[Int]], start: Int, end: Int) -> [[Int]: [Int:
    Int]]
  {
    var table: [[Int]: [Int: Int]] = [:]
    for sentence in sentences {
      let padded = Array(repeating: start, count: j - 1) + sentence + [end]
      for position in (j - 1)..<padded.count {
        let context = Array(padded[(position - j + 1)..<position])
        table[context, default: [:]][padded[position], default: 0] += 1
      }
    }
    return table
  }

  private init(
    order: Int, smoothing: Smoothing, predictable: [Int], startID: Int,
    counts: [[[Int]: [Int: Int]]], totals: [[[Int]: (count: Int, distinct: Int)]]
  ) {
    self.order = order
    self.smoothing = smoothing
    self.predictable = predictable
    self.startID = startID
    self.counts = counts
    self.totals = totals
  }

  /// The model of a lower order (or another smoothing) from the same counts, without
  /// counting again: a model of order `n` holds the counts of every order up to `n`.
  public func with(order newOrder: Int? = nil, smoothing newSmoothing: Smoothing? = nil)
    -> NGramModel
  {
    let n = newOrder ?? order
    precondition(
      (1...order).contains(n), "NGramModel.with: order \(n) is not in 1...\(order)")
    return NGramModel(
      order: n, smoothing: newSmoothing ?? smoothing, predictable: predictable, startID: startID,
      counts: Array(counts.prefix(n)), totals: Array(totals.prefix(n)))
  }

  /// `V`: how many tokens can be predicted.
  public var vocabularySize: Int { predictable.count }

  /// How many distinct contexts of length `order − 1` were seen in training.
  public var distinctContexts: Int { counts[order - 1].count }

  /// How many distinct n-grams (context and next token) were seen in training.
  public var distinctNGrams: Int { counts[order - 1].values.reduce(0) { $0 + $1.count } }

  /// `c(h, w)` for a context of any length up to `order − 1`.
  public func count(_ context: [Int], _ w: Int) -> Int {
    counts[context.count][context]?[w] ?? 0
  }

  /// `P(w | context)`, with `context` the `order − 1` previous tokens (padded with `<s>`).
  public func probability(_ w: Int, context: [Int]) -> Double {
    let context = Array(context.suffix(order - 1))
    switch smoothing {
    case .addK(let k):
      let c = Double(count(context, w))
      let total = Double(totals[context.count][context]?.count ?? 0)
      return (c + k) / (total + k * Double(vocabularySize))
    case .wittenBell:
      return wittenBell(w, context: context) { _, _ in }
    }
  }

  /// Witten–Bell's chain for `w` after `context` (at least the `order − 1` previous tokens):
  /// `P₀ = 1/V`, then each `Pⱼ` from `Pⱼ₋₁`, handed to `each(j, Pⱼ)`; returns `Pₙ`. One
  /// copy of the recursion, for `probability` (which wants the last) and for
  /// `perplexityByOrder` (which wants every order's).
  @inline(__always)
  func wittenBell(_ w: Int, context: [Int], _ each: (Int, Double) -> Void) -> Double {
    var p = 1 / Double(vocabularySize)
    for j in 1...order {
      let h = Array(context.suffix(j - 1))
      if let (total, distinct) = totals[j - 1][h], total > 0 {
        p = (Double(count(h, w)) + Double(distinct) * p) / Double(total + distinct)
      }
      each(j, p)
    }
    return p
  }

  /// The distribution over `predictable` after `context`.
  public func distribution(context: [Int]) -> [Double] {
    predictable.map { probability($0, context: context) }
  }

  /// The summed log-probability (natural log) of `sentences` and the number of predicted
  /// tokens.
  public func logLikelihood(_ sentences: [[Int]], endID: Int) -> (total: Double, tokens: Int) {
    var total = 0.0
    var tokens = 0
    for (_, surprisal) in surprisals(sentences, endID: endID) {
      total -= surprisal
      tokens += 1
    }
    return (total, tokens)
  }

  /// Every predicted token of `sentences` (their ends included) with its surprisal
  /// `−ln P(w | context)`, in order.
  public func surprisals(_ sentences: [[Int]], endID: Int) -> [(token: Int, surprisal: Double)] {
    var result: [(token: Int, surprisal: Double)] = []
    for sentence in sentences {
      var context = Array(repeating: startID, count: order - 1)
      for w in sentence + [endID] {
        result.append((w, -Foundation.log(probability(w, context: context))))
        if order > 1 {
          context.removeFirst()
          context.append(w)
        }
      }
    }
    return result
  }

  /// `exp(−(1/N) Σ ln P)` over `sentences`.
  public func perplexity(_ sentences: [[Int]], endID: Int) -> Double {
    let (total, tokens) = logLikelihood(sentences, endID: endID)
    return Foundation.exp(-total / Double(Swift.max(tokens, 1)))
  }

  /// The perplexity over `sentences` of the model at every order from 1 to `order`:
  /// element `n − 1` equals `with(order: n).perplexity(sentences, endID:)`, bit for bit.
  ///
  /// Witten–Bell's `Pₙ` is built from `Pₙ₋₁` (see the type's notes), so one pass over the
  /// text that records `P₁ … Pₙ` at each token measures every order for the price of the
  /// highest; choosing `n` on validation this way reads each context once, not once per `n`.
  public func perplexityByOrder(_ sentences: [[Int]], endID: Int) -> [Double] {
    guard smoothing == .wittenBell else {
      return (1...order).map { with(order: $0).perplexity(sentences, endID: endID) }
    }
    var totals = [Double](repeating: 0, count: order)
    var tokens = 0
    for sentence in sentences {
      var context = Array(repeating: startID, count: order - 1)
      for w in sentence + [endID] {
        _ = wittenBell(w, context: context) { j, p in
          // As `logLikelihood` sums them: the surprisal is negated, then subtracted.
          totals[j - 1] -= -Foundation.log(p)
        }
        tokens += 1
        if order > 1 {
          context.removeFirst()
          context.append(w)
        }
      }
    }
    return totals.map { Foundation.exp(-$0 / Double(Swift.max(tokens, 1))) }
  }

  /// What training saw of one held-out position: `c(h)`, `T(h)` and `c(h, w)` for its
  /// context `h` (the `n − 1` previous tokens) and its token `w`.
  public struct Seen: Sendable, Equatable {
    public let contextCount: Int
    public let followerTypes: Int
    public let count: Int
  }

  /// For every position of `sentences` (padded as in training), what training saw of it.
  public func seen(_ sentences: [[Int]], endID: Int) -> [Seen] {
    var result: [Seen] = []
    for sentence in sentences {
      let padded = Array(repeating: startID, count: order - 1) + sentence + [endID]
      for position in (order - 1)..<padded.count {
        let context = Array(padded[(position - order + 1)..<position])
        let total = totals[order - 1][context]
        result.append(
          Seen(
            contextCount: total?.count ?? 0, followerTypes: total?.distinct ?? 0,
            count: count(context, padded[position])))
      }
    }
    return result
  }

  /// The probability add-k with constant `k` gives, in a context seen `c(h)` times and
  /// followed by `T(h)` different tokens, to all the tokens that never followed it:
  /// `k·(V − T(h)) / (c(h) + k·V)`. Near 1 when `c(h)` is small beside `k·V`.
  public func addKUnseenMass(_ seen: Seen, k: Double) -> Double {
    let v = Double(vocabularySize)
    return k * (v - Double(seen.followerTypes)) / (Double(seen.contextCount) + k * v)
  }

  /// Draws a sentence token by token until `</s>` or `maximumLength` tokens.
  public func sample(endID: Int, maximumLength: Int, using generator: inout SplitMix64) -> [Int] {
    var context = Array(repeating: startID, count: Swift.max(order - 1, 0))
    var result: [Int] = []
    while result.count < maximumLength {
      let weights = distribution(context: context).map { Float($0) }
      let next = predictable[generator.categorical(weights)]
      if next == endID { break }
      result.append(next)
      if order > 1 {
        context.removeFirst()
        context.append(next)
      }
    }
    return result
  }
}
