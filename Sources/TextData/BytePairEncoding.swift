import Foundation

/// Byte-pair encoding (BPE) over bytes, as GPT-2 does it: subword tokens learned from text.
///
/// **Learning.** The training text is cut into *pre-tokens* (`pretokenize`: a word with the
/// space before it, a number, a run of punctuation, white space), and every pre-token is
/// spelled as its UTF-8 bytes. Then, `merges` times: count every pair of adjacent symbols
/// over all pre-tokens (each weighted by how often it occurs), make the commonest pair a
/// new symbol (ties: the pair whose symbols were made first), and re-spell every pre-token
/// with it. The vocabulary is the 256 bytes plus one symbol per merge.
///
/// **Encoding** new text applies the merges in the order they were learned: in each
/// pre-token, the adjacent pair with the earliest merge is joined, until no learned pair
/// is left. Because every byte is in the vocabulary, no text is ever unknown, and
/// decoding (joining the tokens' bytes) gives back exactly the text encoded.
///
/// Bytes are written as GPT-2 writes them (`symbol(forByte:)`: printable ones as
/// themselves, the others, the space among them, as other letters; a space is `Ġ`), so the
/// tokens, the merges and the ids can be handed to Hugging Face `tokenizers` as they are.
public struct BytePairEncoding: Sendable, Equatable {
  /// The learned merges, in order: each joins two symbols into one.
  public let merges: [(String, String)]
  /// Every symbol: the 256 bytes (in byte order) then one per merge.
  public let symbols: [String]
  /// A merge's rank by its pair of symbol indices.
  let ranks: [Pair: Int]
  let symbolIndex: [String: Int]

  struct Pair: Hashable, Sendable {
    let left: Int32
    let right: Int32
  }

  public static func == (a: BytePairEncoding, b: BytePairEncoding) -> Bool {
    a.symbols == b.symbols
  }

  /// Learns at most `merges` merges from `texts` (fewer if no pair occurs twice).
  public init(learningFrom texts: [String], merges mergeCount: Int) {
    var wordCounts: [[UInt8]: Int] = [:]
    for text in texts {
      for piece in Self.pretokenize(text) { wordCounts[Array(piece.utf8), default: 0] += 1 }
    }
    // Sorted so that learning does not depend on the dictionary's order.
    let distinct = wordCounts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    var words = distinct.map { $0.key.map { Int32($0) } }
    let counts = distinct.map { $0.value }
    var symbols = (0..<256).map { Self.symbol(forByte: UInt8($0)) }
    var learned: [(String, String)] = []
    var pairCounts = Self.countPairs(words, counts)
    while learned.count < mergeCount {
      // The commonest pair seen at least twice; ties to the pair of earlier symbols. One
      // pass, no copy of the table: this runs once per merge.
      var found: (key: Pair, value: Int)? = nil
      for (pair, count) in pairCounts where count >= 2 {
        if let f = found,
          f.value > count
            || (f.value == count && (f.key.left, f.key.right) < (pair.left, pair.right))
        {
          continue
        }
        found = (pair, count)
      }
      guard let best = found else { break }
      let new = Int32(symbols.count)
      symbols.append(symbols[Int(best.key.left)] + symbols[Int(best.key.right)])
      learned.append((symbols[Int(best.key.left)], symbols[Int(best.key.right)]))
      for w in words.indices where Self.contains(words[w], best.key) {
        Self.add(words[w], counts[w], sign: -1, to: &pairCounts)
        words[w] = Self.merge(words[w], best.key, into: new)
        Self.add(words[w], counts[w], sign: 1, to: &pairCounts)
      }
    }
    self.init(merges: learned)
  }

  /// A tokenizer with these merges (as read from a file); the symbols follow from them.
  public init(merges: [(String, String)]) {
    var symbols = (0..<256).map { Self.symbol(forByte: UInt8($0)) }
    var index: [String: Int] = [:]
    for (i, s) in symbols.enumerated() { index[s] = i }
    var ranks: [Pair: Int] = [:]
    for (rank, (left, right)) in merges.enumerated() {
      guard let l = index[left], let r = index[right] else { continue }
      let joined = left + right
      if index[joined] == nil {
        index[joined] = symbols.count
        symbols.append(joined)
      }
      ranks[Pair(left: Int32(l), right: Int32(r))] =
        ranks[Pair(left: Int32(l), right: Int32(r))]
        ?? rank
    }
    self.merges = merges
    self.symbols = symbols
    self.ranks = ranks
    self.symbolIndex = index
  }

  /// The tokens of `text`, as symbols.
  public func encode(_ text: String) -> [String] {
    Self.pretokenize(text).flatMap { piece in
      encodePiece(Array(piece.utf8)).map { symbols[Int($0)] }
    }
  }

  /// The text of `tokens`: their bytes joined and read as UTF-8.
  public func decode(_ tokens: [String]) -> String {
    var bytes: [UInt8] = []
    for token in tokens {
      for scalar in token.unicodeScalars {
        if let byte = Self.byteForSymbol[scalar] { bytes.append(byte) }
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// One pre-token's symbols after applying the merges, earliest-learned pair first.
  func encodePiece(_ bytes: [UInt8]) -> [Int32] {
    var word = bytes.map { Int32($0) }
    while word.count > 1 {
      var bestRank = Int.max
      var bestPair: Pair? = nil
      for i in 0..<(word.count - 1) {
        let pair = Pair(left: word[i], right: word[i + 1])
        if let rank = ranks[pair], rank < bestRank {
          bestRank = rank
          bestPair = pair
        }
      }
      guard let pair = bestPair else { break }
      let joined = symbolIndex[symbols[Int(pair.left)] + symbols[Int(pair.right)]]!
      word = Self.merge(word, pair, into: Int32(joined))
    }
    return word
  }

  // MARK: Pairs

  static func countPairs(_ words: [[Int32]], _ counts: [Int]) -> [Pair: Int] {
    var result: [Pair: Int] = [:]
    for (w, word) in words.enumerated() { add(word, counts[w], sign: 1, to: &result) }
    return result
  }

  static func add(_ word: [Int32], _ count: Int, sign: Int, to counts: inout [Pair: Int]) {
    guard word.count > 1 else { return }
    for i in 0..<(word.count - 1) {
      let pair = Pair(left: word[i], right: word[i + 1])
      let updated = counts[pair, default: 0] + sign * count
      counts[pair] = updated == 0 ? nil : updated
    }
  }

  static func contains(_ word: [Int32], _ pair: Pair) -> Bool {
    guard word.count > 1 else { return false }
    for i in 0..<(word.count - 1) where word[i] == pair.left && word[i + 1] == pair.right {
      return true
    }
    return false
  }

  /// `word` with every occurrence of `pair`, left to right, replaced by `symbol`.
  static func merge(_ word: [Int32], _ pair: Pair, into symbol: Int32) -> [Int32] {
    var result: [Int32] = []
    result.reserveCapacity(word.count)
    var i = 0
    while i < word.count {
      if i + 1 < word.count, word[i] == pair.left, word[i + 1] == pair.right {
        result.append(symbol)
        i += 2
      } else {
        result.append(word[i])
        i += 1
      }
    }
    return result
  }
}
