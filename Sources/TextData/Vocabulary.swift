/// The tokens a model knows, each with an id.
///
/// Special tokens come first, in a fixed order, so their ids are the same in every
/// vocabulary: `<pad>` 0 (fills short sequences in a batch), `<unk>` 1 (any token not in
/// the vocabulary), `<s>` 2 (start of a sequence), `</s>` 3 (its end), then `[MASK]`,
/// `[CLS]` and `[SEP]` for the later lessons' encoders. Ordinary tokens follow, most
/// frequent first (ties in alphabetical order), so ids are reproducible.
public struct Vocabulary: Sendable, Equatable {
  public static let pad = "<pad>"
  public static let unknown = "<unk>"
  public static let start = "<s>"
  public static let end = "</s>"
  public static let mask = "[MASK]"
  public static let classification = "[CLS]"
  public static let separator = "[SEP]"
  public static let specials = [pad, unknown, start, end, mask, classification, separator]

  public let tokens: [String]
  let index: [String: Int]

  /// Builds a vocabulary from tokenized texts.
  /// - Parameters:
  ///   - texts: the training texts, already tokenized.
  ///   - minimumCount: tokens seen fewer times become `<unk>` (a frequency cut-off).
  ///   - maximumSize: keep at most this many ordinary tokens, the most frequent.
  public init(_ texts: [[String]], minimumCount: Int = 1, maximumSize: Int? = nil) {
    var counts: [String: Int] = [:]
    for text in texts { for token in text { counts[token, default: 0] += 1 } }
    var ordinary = counts.filter { $0.value >= minimumCount && !Self.specials.contains($0.key) }
      .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
      .map { $0.key }
    if let maximumSize { ordinary = Array(ordinary.prefix(maximumSize)) }
    self.init(tokens: Self.specials + ordinary)
  }

  /// A vocabulary with exactly these tokens, in this order.
  public init(tokens: [String]) {
    self.tokens = tokens
    var index: [String: Int] = [:]
    for (i, token) in tokens.enumerated() where index[token] == nil { index[token] = i }
    self.index = index
  }

  public var count: Int { tokens.count }

  /// A fingerprint of the tokens and their order (64-bit FNV-1a, in hexadecimal), stored
  /// in checkpoints: two vocabularies of the same size but different words give different
  /// digests, so a model is never loaded against the wrong words.
  public var digest: String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for token in tokens {
      for byte in token.utf8 + [0] {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01B3
      }
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
  public var padID: Int { id(Self.pad) }
  public var unknownID: Int { id(Self.unknown) }
  public var startID: Int { id(Self.start) }
  public var endID: Int { id(Self.end) }
  public var maskID: Int { id(Self.mask) }
  public var classificationID: Int { id(Self.classification) }
  public var separatorID: Int { id(Self.separator) }

  /// The id of `token`, or `<unk>`'s id if it is not in the vocabulary.
  public func id(_ token: String) -> Int {
    index[token] ?? index[Self.unknown] ?? 0
  }

  /// Whether `token` has an id of its own.
  public func contains(_ token: String) -> Bool { index[token] != nil }

  public func encode(_ tokens: [String]) -> [Int] { tokens.map(id) }

  public func decode(_ ids: [Int]) -> [String] { ids.map { tokens[$0] } }

  /// The ids of ordinary tokens (not special ones), for sampling and output layers.
  public var ordinaryIDs: Range<Int> { Self.specials.count..<count }
}
