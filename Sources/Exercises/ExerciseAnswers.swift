import TensorCore

/// The functions a student writes, one per exercise: each returns `nil` until it is
/// written ("not attempted yet").
///
/// The student's answers (`Attempts`, in `Lessons/Exercises/Attempts/`) and the model
/// answers (`Solutions`) are conformances of this one protocol, and there are no default
/// implementations, so the compiler checks every signature: an answer written with other
/// types is an error that names the function, not a function the checker never calls. The
/// checkers (`allExercises`) call whichever answers they are given. Adding an exercise is a
/// requirement here, a checker in the lesson's file of `Sources/Exercises/Checks/`, and the
/// function in `Attempts` (returning `nil`), `Solutions` and `NoAnswers`.
public protocol ExerciseAnswers: Sendable {
  // Lesson 1: bag of words
  /// How often each word of `vocabulary` occurs in `tokens`, in vocabulary order.
  func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]?
  /// F1 of `predicted` against `actual`, with 1 as the positive class (0 if P + R = 0).
  func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double?
  /// Binary cross-entropy of a logit and a label, finite for any logit.
  func sigmoidCrossEntropy(_ logit: Double, _ label: Double) -> Double?
  // Lesson 2: n-grams
  /// counts[previous][next] over `<s> w₁ … w_m </s>` for each sentence.
  func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]?
  /// The add-k estimate (c + k) / (contextCount + k·V).
  func addKProbability(_ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int)
    -> Double?
  /// exp(−(1/N) Σ ln p) over the given probabilities.
  func perplexity(_ probabilities: [Double]) -> Double?
  // Lesson 3: recurrent networks
  /// tanh(W_ih·x + W_hh·h + b), with the weights as rows.
  func rnnStep(_ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float])
    -> [Float]?
  /// ∂L/∂x for y = tanh(x), given y and the upstream gradient g.
  func tanhBackward(_ output: [Float], _ gradient: [Float]) -> [Float]?
  /// ∂L/∂x for y = softmax(x), given y and the upstream gradient g.
  func softmaxBackward(_ output: [Float], _ gradient: [Float]) -> [Float]?
  // Lesson 4: attention
  /// softmax(Q·Kᵀ/√d) · V, hiding keys after each query when `causal`.
  func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool) -> [[Float]]?
  /// n × n, true where query r must not see key c.
  func causalMask(_ size: Int) -> [[Bool]]?
  /// The sinusoidal code of `position` with `dimension` values.
  func sinusoidalCode(_ position: Int, _ dimension: Int) -> [Float]?
  // Lesson 4½: a small GPT
  /// The probabilities kept by top-p: the smallest set of likeliest tokens whose sum reaches
  /// `p` (ties: the lower index first), renormalised; the others 0.
  func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]?
  /// One step with a key-value cache: append `newKey` and `newValue` to the cache, then
  /// attend from `query` to every cached row (softmax(q·kᵀ/√d) · V).
  func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])?
  /// Bits per character: `nats` of total surprise in bits, over the characters plus one
  /// per sentence end.
  func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double?
  // Lesson 5: denoising
  /// `tokens` with each (start, length) span replaced by one "[MASK]".
  func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]?
  /// −Σ ln p over the probabilities of a sequence's tokens.
  func sequenceLoss(_ tokenProbabilities: [Double]) -> Double?
  /// The document starting at `start`, wrapping around.
  func rotate(_ tokens: [String], _ start: Int) -> [String]?
  // Lesson 6: ALBERT
  /// Parameters of the word embedding (and projection, when E < H).
  func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int?
  /// Parameters of one transformer layer with hidden size H and feed-forward size F.
  func layerParameters(_ h: Int, _ feedForward: Int) -> Int?
  /// The learning rates of layers 0 … n−1, the top one at `base`, each lower one × `decay`.
  func layerwiseRates(_ base: Double, _ decay: Double, _ layers: Int) -> [Double]?
  /// A sentence-order example: `[CLS] A [SEP] B [SEP]`, swapped when `swapped`; segments 0 then 1; label 1 in order, 0 swapped.
  func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )?
}

/// No answers at all: every exercise is "not attempted" (the stubs a student starts from).
public struct NoAnswers: ExerciseAnswers {
  public init() {}

  public func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? { nil }
  public func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double? { nil }
  public func sigmoidCrossEntropy(_ logit: Double, _ label: Double) -> Double? { nil }
  public func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? { nil }
  public func addKProbability(_ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int)
    -> Double?
  { nil }
  public func perplexity(_ probabilities: [Double]) -> Double? { nil }
  public func rnnStep(
    _ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float]
  ) -> [Float]? { nil }
  public func tanhBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }
  public func softmaxBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }
  public func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool)
    -> [[Float]]?
  { nil }
  public func causalMask(_ size: Int) -> [[Bool]]? { nil }
  public func sinusoidalCode(_ position: Int, _ dimension: Int) -> [Float]? { nil }
  public func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]? { nil }
  public func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? { nil }
  public func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? {
    nil
  }
  public func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    nil
  }
  public func sequenceLoss(_ tokenProbabilities: [Double]) -> Double? { nil }
  public func rotate(_ tokens: [String], _ start: Int) -> [String]? { nil }
  public func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? { nil }
  public func layerParameters(_ h: Int, _ feedForward: Int) -> Int? { nil }
  public func layerwiseRates(_ base: Double, _ decay: Double, _ layers: Int) -> [Double]? { nil }
  public func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? { nil }
}
