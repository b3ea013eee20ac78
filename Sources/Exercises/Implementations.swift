import TensorCore

/// The functions a student writes, one per exercise. The `exercises` program fills this
/// in with the student's attempts; the tests fill it in with the model answers and with
/// wrong ones. Every function returns `nil` to say "not attempted yet".
public struct Implementations: Sendable {
  // Lesson 1: bag of words
  public var countVector: @Sendable (_ tokens: [String], _ vocabulary: [String]) -> [Int]? = {
    _, _ in nil
  }
  public var f1Score: @Sendable (_ predicted: [Int], _ actual: [Int]) -> Double? = { _, _ in nil }
  public var sigmoidCrossEntropy: @Sendable (_ logit: Double, _ label: Double) -> Double? = {
    _, _ in nil
  }
  // Lesson 2: n-grams
  public var bigramCounts: @Sendable (_ sentences: [[String]]) -> [String: [String: Int]]? = { _ in
    nil
  }
  public var addKProbability:
    @Sendable (_ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int) -> Double? = {
      _, _, _, _ in nil
    }
  public var perplexity: @Sendable (_ probabilities: [Double]) -> Double? = { _ in nil }
  // Lesson 3: recurrent networks
  public var rnnStep:
    @Sendable (_ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float]) ->
      [Float]? = { _, _, _, _, _ in nil }
  public var tanhBackward: @Sendable (_ output: [Float], _ gradient: [Float]) -> [Float]? = {
    _, _ in nil
  }
  public var softmaxBackward: @Sendable (_ output: [Float], _ gradient: [Float]) -> [Float]? = {
    _, _ in nil
  }
  // Lesson 4: attention
  public var attention:
    @Sendable (_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool) -> [[Float]]? = {
      _, _, _, _ in nil
    }
  public var causalMask: @Sendable (_ size: Int) -> [[Bool]]? = { _ in nil }
  public var sinusoidalCode: @Sendable (_ position: Int, _ dimension: Int) -> [Float]? = { _, _ in
    nil
  }
  // Lesson 5: denoising
  public var spanMask:
    @Sendable (_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? = { _, _ in
      nil
    }
  public var sequenceLoss: @Sendable (_ tokenProbabilities: [Double]) -> Double? = { _ in nil }
  public var rotate: @Sendable (_ tokens: [String], _ start: Int) -> [String]? = { _, _ in nil }
  // Lesson 6: ALBERT
  public var embeddingParameters: @Sendable (_ v: Int, _ e: Int, _ h: Int) -> Int? = { _, _, _ in
    nil
  }
  public var layerParameters: @Sendable (_ h: Int, _ feedForward: Int) -> Int? = { _, _ in nil }
  public var layerwiseRates:
    @Sendable (_ base: Double, _ decay: Double, _ layers: Int) -> [Double]? = { _, _, _ in nil }
  public var sentenceOrderExample:
    @Sendable (_ first: [String], _ second: [String], _ swapped: Bool) -> (
      tokens: [String], segments: [Int], label: Int
    )? = { _, _, _ in nil }

  public init() {}
}
