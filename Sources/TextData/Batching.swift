import TensorCore

/// A batch of token sequences of different lengths, padded to the longest.
///
/// `ids` is `[batch, length]` in row-major order, with `<pad>` after each sequence's end;
/// `mask` is 1 at real tokens and 0 at padding; `paddingMask` the reverse, as attention
/// layers take it.
public struct PaddedBatch: Sendable {
  public let ids: [Int]
  public let batch: Int
  public let length: Int
  public let lengths: [Int]

  /// Pads `sequences` with `padID` to the longest one (or to `length` if given).
  public init(_ sequences: [[Int]], padID: Int, length: Int? = nil) {
    precondition(!sequences.isEmpty, "PaddedBatch: no sequences")
    let longest = length ?? sequences.map { $0.count }.max()!
    precondition(
      sequences.allSatisfy { $0.count <= longest },
      "PaddedBatch: a sequence is longer than the padding length \(longest)")
    batch = sequences.count
    self.length = longest
    lengths = sequences.map { $0.count }
    ids = sequences.flatMap { $0 + Array(repeating: padID, count: longest - $0.count) }
  }

  /// The shape of `ids`.
  public var shape: [Int] { [batch, length] }

  /// 1 at real tokens, 0 at padding, `[batch, length]`.
  public var mask: Tensor {
    Tensor(
      lengths.flatMap { n in (0..<length).map { $0 < n ? Float(1) : 0 } }, shape: [batch, length])
  }

  /// 1 at padding, 0 at real tokens, `[batch, length]`: the key-padding mask of attention.
  public var paddingMask: Tensor {
    Tensor(
      lengths.flatMap { n in (0..<length).map { $0 < n ? Float(0) : 1 } }, shape: [batch, length])
  }
}

/// Cuts items into batches, reshuffled every epoch with a seeded generator.
public struct BatchSampler {
  public let count: Int
  public let batchSize: Int
  var generator: SplitMix64
  var order: [Int] = []
  var position = 0

  /// - Parameters:
  ///   - count: the number of items.
  ///   - batchSize: items per batch (the last batch of an epoch may be smaller).
  public init(count: Int, batchSize: Int, using generator: inout SplitMix64) {
    precondition(count > 0 && batchSize > 0, "BatchSampler: count and batch size must be positive")
    self.count = count
    self.batchSize = batchSize
    self.generator = generator.split()
  }

  /// The indices of the next batch; a new epoch starts with a fresh shuffle.
  public mutating func next() -> [Int] {
    if position >= order.count {
      order = Array(0..<count)
      generator.shuffle(&order)
      position = 0
    }
    let end = Swift.min(position + batchSize, order.count)
    defer { position = end }
    return Array(order[position..<end])
  }

  /// The batches in one pass over the items, in their original order (for evaluation).
  public static func inOrder(count: Int, batchSize: Int) -> [[Int]] {
    stride(from: 0, to: count, by: batchSize).map { Array($0..<Swift.min($0 + batchSize, count)) }
  }
}

/// Bag-of-words count vectors: how often each vocabulary word occurs in a text.
public enum BagOfWords {
  /// The count vector of `tokens` over `vocabulary` (unknown words count as `<unk>`).
  public static func counts(_ tokens: [String], vocabulary: Vocabulary) -> [Float] {
    var vector = [Float](repeating: 0, count: vocabulary.count)
    for token in tokens { vector[vocabulary.id(token)] += 1 }
    return vector
  }

  /// The count vectors of several texts as one tensor `[texts, vocabulary]`.
  public static func matrix(_ texts: [[String]], vocabulary: Vocabulary) -> Tensor {
    Tensor(
      texts.flatMap { counts($0, vocabulary: vocabulary) }, shape: [texts.count, vocabulary.count])
  }
}
