import NeuralNetwork
import TensorCore

/// Key–value recall: a sequence of (key, value) pairs followed by one of the keys; the
/// answer is that key's value.
///
///     c:3  a:7  f:1  d:0  ?f   →  1
///
/// The answer sits at a position that depends on the query, anywhere in the sequence: a
/// model must *look back at the right place*. Attention does this in one step (the
/// query's vector matches the key's); a recurrent network must keep every pair in its
/// state until the query arrives.
public struct RecallTask: Sendable {
  /// How many different keys (`a`, `b`, …) and values (`0`, `1`, …) there are.
  public let keys: Int
  public let values: Int
  /// Pairs per sequence; the query makes the sequence one longer.
  public let pairs: Int

  public init(keys: Int = 16, values: Int = 10, pairs: Int = 8) {
    precondition(pairs <= keys, "RecallTask: \(pairs) distinct keys from only \(keys)")
    self.keys = keys
    self.values = values
    self.pairs = pairs
  }

  /// A batch of examples.
  public struct Batch: Sendable {
    /// Key ids `[batch, pairs + 1]`; the last position holds the query key.
    public let keyIDs: [Int]
    /// Value ids `[batch, pairs + 1]`; the query position holds `values` ("no value").
    public let valueIDs: [Int]
    /// The right answer for each example.
    public let answers: [Int]
    public let count: Int
  }

  /// `count` random examples: distinct keys, random values, a random key as the query.
  public func batch(_ count: Int, using generator: inout SplitMix64) -> Batch {
    var keyIDs: [Int] = []
    var valueIDs: [Int] = []
    var answers: [Int] = []
    for _ in 0..<count {
      var chosen = Array(0..<keys)
      generator.shuffle(&chosen)
      let exampleKeys = Array(chosen.prefix(pairs))
      let exampleValues = (0..<pairs).map { _ in generator.index(values) }
      let asked = generator.index(pairs)
      keyIDs += exampleKeys + [exampleKeys[asked]]
      valueIDs += exampleValues + [values]
      answers.append(exampleValues[asked])
    }
    return Batch(keyIDs: keyIDs, valueIDs: valueIDs, answers: answers, count: count)
  }

  /// Example `i` of `batch` as one array, its keys and then its values, so that examples
  /// can be compared and counted.
  public func example(_ batch: Batch, _ i: Int) -> [Int] {
    let length = pairs + 1
    let range = (i * length)..<((i + 1) * length)
    return Array(batch.keyIDs[range]) + Array(batch.valueIDs[range])
  }

  /// `count` examples drawn one at a time as `batch(_:using:)` draws them, leaving out every
  /// example in `excluded` (the training examples): a test held out by construction. With
  /// few pairs the task has few distinct examples, and training may have seen them all; the
  /// batch is then smaller than `count` (it stops after `100 × count` draws), even empty.
  public func batch(
    _ count: Int, excluding excluded: Set<[Int]>, using generator: inout SplitMix64
  ) -> Batch {
    var keyIDs: [Int] = []
    var valueIDs: [Int] = []
    var answers: [Int] = []
    var draws = 0
    while answers.count < count && draws < 100 * count {
      draws += 1
      let one = batch(1, using: &generator)
      if excluded.contains(example(one, 0)) { continue }
      keyIDs += one.keyIDs
      valueIDs += one.valueIDs
      answers += one.answers
    }
    return Batch(keyIDs: keyIDs, valueIDs: valueIDs, answers: answers, count: answers.count)
  }

  /// How an example reads: `c:3 a:7 … ?f`.
  public func describe(_ batch: Batch, example: Int) -> [String] {
    let length = pairs + 1
    return (0..<length).map { i in
      let key = String(UnicodeScalar(UInt8(97 + batch.keyIDs[example * length + i])))
      return i == pairs ? "?\(key)" : "\(key):\(batch.valueIDs[example * length + i])"
    }
  }
}

/// The input every recall model starts from: at each position, the embedding of its key
/// plus the embedding of its value.
public final class PairEmbedding: Module {
  public let key: Embedding
  public let value: Embedding

  public init(task: RecallTask, dimension: Int, using generator: inout SplitMix64) {
    key = Embedding(task.keys, dimension, std: 0.5, using: &generator)
    value = Embedding(task.values + 1, dimension, std: 0.5, using: &generator)
    super.init()
  }

  public func callAsFunction(_ batch: RecallTask.Batch, length: Int) -> Tensor {
    key(batch.keyIDs, shape: [batch.count, length])
      + value(batch.valueIDs, shape: [batch.count, length])
  }
}

/// A classifier that answers a recall query.
public protocol RecallModel: Module {
  /// Scores for each possible value, `[batch, values]`.
  func logits(_ batch: RecallTask.Batch) -> Tensor
}

extension RecallModel {
  /// The share of examples answered correctly.
  public func accuracy(_ batch: RecallTask.Batch) -> Double {
    let predicted = withNoGrad { logits(batch).argmax(axis: -1) }
    return Double(zip(predicted, batch.answers).filter { $0 == $1 }.count) / Double(batch.count)
  }

  public func loss(_ batch: RecallTask.Batch) -> Tensor {
    Tensor.crossEntropy(logits(batch), targets: batch.answers)
  }
}

/// One pre-LN transformer block over the pairs and the query, read out at the query.
public final class AttentionRecallModel: Module, RecallModel {
  public let embedding: PairEmbedding
  public let block: TransformerEncoderLayer
  public let norm: LayerNorm
  public let head: Linear
  let task: RecallTask

  public init(task: RecallTask, dimension: Int, heads: Int, using generator: inout SplitMix64) {
    self.task = task
    embedding = PairEmbedding(task: task, dimension: dimension, using: &generator)
    block = TransformerEncoderLayer(
      dimension: dimension, heads: heads, feedForwardSize: 2 * dimension, using: &generator)
    norm = LayerNorm(dimension)
    head = Linear(dimension, task.values, using: &generator)
    super.init()
  }

  public func logits(_ batch: RecallTask.Batch) -> Tensor {
    let length = task.pairs + 1
    let h = block(embedding(batch, length: length))
    return head(norm(h.selected(axis: 1, index: task.pairs)))
  }

  /// The query position's attention over every position, `[batch, heads, length]`, from
  /// the latest call.
  public var queryAttention: Tensor? {
    block.lastAttentionWeights?.selected(axis: 2, index: task.pairs)
  }
}

/// A GRU that reads the pairs and the query, answering from its last state.
public final class RecurrentRecallModel: Module, RecallModel {
  public let embedding: PairEmbedding
  public let recurrent: GRU
  public let head: Linear
  let task: RecallTask

  public init(task: RecallTask, dimension: Int, hiddenSize: Int, using generator: inout SplitMix64)
  {
    self.task = task
    embedding = PairEmbedding(task: task, dimension: dimension, using: &generator)
    recurrent = GRU(inputSize: dimension, hiddenSize: hiddenSize, using: &generator)
    head = Linear(hiddenSize, task.values, using: &generator)
    super.init()
  }

  public func logits(_ batch: RecallTask.Batch) -> Tensor {
    head(recurrent(embedding(batch, length: task.pairs + 1)).last)
  }
}
