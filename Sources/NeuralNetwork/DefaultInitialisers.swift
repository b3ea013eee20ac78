import TensorCore

// Every layer that draws random weights can be built without a generator, from
// `DefaultRandom` (seeded with 0; `DefaultRandom.seed(_:)` to change), as in PyTorch:
//
//     let layer = Linear(2, 32)
//
// The lessons keep passing their own generators (`using: &generator`), so that what one
// cell builds never shifts the weights another cell gets.

extension Linear {
  /// `Linear(inputSize, outputSize)` with weights from `DefaultRandom`.
  public convenience init(_ inputSize: Int, _ outputSize: Int, bias: Bool = true) {
    var generator = DefaultRandom.next()
    self.init(inputSize, outputSize, bias: bias, using: &generator)
  }
}

extension Embedding {
  /// `Embedding(count, dimension)` with vectors from `DefaultRandom`.
  public convenience init(_ count: Int, _ dimension: Int, std: Double = 1) {
    var generator = DefaultRandom.next()
    self.init(count, dimension, std: std, using: &generator)
  }
}

extension Dropout {
  /// `Dropout(probability)` with masks from `DefaultRandom`.
  public convenience init(_ probability: Float) {
    var generator = DefaultRandom.next()
    self.init(probability, using: &generator)
  }
}

extension RNN {
  /// `RNN(inputSize:hiddenSize:)` with weights from `DefaultRandom`.
  public convenience init(inputSize: Int, hiddenSize: Int) {
    var generator = DefaultRandom.next()
    self.init(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
  }
}

extension GRU {
  /// `GRU(inputSize:hiddenSize:)` with weights from `DefaultRandom`.
  public convenience init(inputSize: Int, hiddenSize: Int) {
    var generator = DefaultRandom.next()
    self.init(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
  }
}

extension LSTM {
  /// `LSTM(inputSize:hiddenSize:)` with weights from `DefaultRandom`.
  public convenience init(inputSize: Int, hiddenSize: Int) {
    var generator = DefaultRandom.next()
    self.init(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
  }
}

extension MultiHeadAttention {
  /// `MultiHeadAttention(dimension, heads:)` with weights from `DefaultRandom`.
  public convenience init(_ dimension: Int, heads: Int, dropout: Float = 0, bias: Bool = true) {
    var generator = DefaultRandom.next()
    self.init(dimension, heads: heads, dropout: dropout, bias: bias, using: &generator)
  }
}

extension TransformerEncoderLayer {
  /// A pre-LN encoder block with weights from `DefaultRandom`.
  public convenience init(dimension: Int, heads: Int, feedForwardSize: Int, dropout: Float = 0) {
    var generator = DefaultRandom.next()
    self.init(
      dimension: dimension, heads: heads, feedForwardSize: feedForwardSize, dropout: dropout,
      using: &generator)
  }
}
