import Exercises
import Foundation

/// Your answers. Replace the body of a function (keep its signature) and run
/// `swift run -c release exercises check`. Returning `nil` means "not attempted yet".
///
/// `Attempts` conforms to `ExerciseAnswers`, the protocol the checker calls: change a
/// signature and the compiler says so.
struct Attempts: ExerciseAnswers {
  // MARK: Lesson 1 — bag of words

  /// How often each word of `vocabulary` occurs in `tokens`, in vocabulary order (tokens
  /// that are not in the vocabulary are ignored).
  func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? { nil }

  /// F1 of `predicted` against `actual`, with 1 as the positive class (0 if P + R = 0).
  func f1Score(_ predicted: [Int], _ actual: [Int]) -> Double? { nil }

  /// Binary cross-entropy of a logit z and a label y: −[y log σ(z) + (1 − y) log(1 − σ(z))],
  /// finite even for z = ±100 (so σ(z) itself cannot be formed and logged).
  func sigmoidCrossEntropy(_ logit: Double, _ label: Double) -> Double? { nil }

  // MARK: Lesson 2 — n-grams

  /// counts[previous][next] over `<s> w₁ … w_m </s>` for each sentence.
  func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? { nil }

  /// The add-k estimate (c + k) / (contextCount + k·V).
  func addKProbability(
    _ count: Int, _ contextCount: Int, _ k: Double, _ vocabularySize: Int
  ) -> Double? { nil }

  /// exp(−(1/N) Σ ln p) over the given probabilities.
  func perplexity(_ probabilities: [Double]) -> Double? { nil }

  // MARK: Lesson 3 — recurrent networks

  /// tanh(W_ih·x + W_hh·h + b), with the weights as rows: `wIH[i]` is the row of hidden
  /// unit i, one number per input.
  func rnnStep(
    _ x: [Float], _ h: [Float], _ wIH: [[Float]], _ wHH: [[Float]], _ bias: [Float]
  ) -> [Float]? { nil }

  /// ∂L/∂x for y = tanh(x), given y and the upstream gradient g.
  func tanhBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }

  /// ∂L/∂x for y = softmax(x), given y and the upstream gradient g.
  func softmaxBackward(_ output: [Float], _ gradient: [Float]) -> [Float]? { nil }

  // MARK: Lesson 4 — attention

  /// softmax(Q·Kᵀ/√d) · V, hiding keys after each query when `causal`; d is the length of a
  /// query, and Q, K, V and the result are given as rows (one per position).
  func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ causal: Bool)
    -> [[Float]]?
  { nil }

  /// n × n, true where query r must not see key c, that is where c > r.
  func causalMask(_ size: Int) -> [[Bool]]? { nil }

  /// The sinusoidal code of `position` p with `dimension` d values: [sin(p/10000^(0/d)),
  /// cos(p/10000^(0/d)), sin(p/10000^(2/d)), cos(p/10000^(2/d)), …], d values in all.
  func sinusoidalCode(_ position: Int, _ dimension: Int) -> [Float]? { nil }

  // MARK: Lesson 4½ — a small GPT

  /// Top-p (nucleus) filtering: sort the tokens by probability (ties: the lower index
  /// first), keep the smallest set from the top whose probabilities sum to at least `p`
  /// (the token that crosses `p` is kept), set the others to 0 and divide the kept ones by
  /// their sum. Example: [0.05, 0.5, 0.15, 0.3] with p = 0.9 keeps 0.5, 0.3 and 0.15.
  func topPFilter(_ probabilities: [Double], _ p: Double) -> [Double]? { nil }

  /// One generation step with a key-value cache, for one head: append `newKey` to `keys`
  /// and `newValue` to `values` (the rows of earlier positions), then attend from `query` to
  /// every row: weights softmax(q · kᵀ / √d) with d = query.count, output Σ weight · value.
  /// Return the output and the grown cache.
  func cachedAttentionStep(
    _ query: [Float], _ keys: [[Float]], _ values: [[Float]], _ newKey: [Float],
    _ newValue: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? { nil }

  /// Bits per character of a text: its total surprise `nats` (−Σ ln P over every predicted
  /// token) converted to bits (÷ ln 2), divided by its `characters` plus one per sentence
  /// end (`sentences`).
  func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? { nil }

  // MARK: Lesson 5 — denoising

  /// `tokens` with each (start, length) span replaced by one "[MASK]"; the spans are given
  /// in order and do not overlap.
  func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    nil
  }

  /// −Σ ln p over the probabilities of a sequence's tokens.
  func sequenceLoss(_ tokenProbabilities: [Double]) -> Double? { nil }

  /// The document starting at index `start`, wrapping around: the tokens from `start` to
  /// the end, then those before it.
  func rotate(_ tokens: [String], _ start: Int) -> [String]? { nil }

  // MARK: Lesson 6 — ALBERT

  /// Parameters of the word embedding: V·H when E = H; when E < H, the V × E table plus the
  /// E → H projection, a linear layer with E·H weights and H biases.
  func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? { nil }

  /// Parameters of one transformer layer with hidden size H and feed-forward size F:
  /// attention 4(H² + H) (queries, keys, values and output, each with a bias), feed-forward
  /// (H·F + F) + (F·H + H), and two layer norms of 2H each.
  func layerParameters(_ h: Int, _ feedForward: Int) -> Int? { nil }

  /// The learning rates of layers 0 … n−1 (layer 0 nearest the input), the top one at
  /// `base`, each lower one × `decay`.
  func layerwiseRates(_ base: Double, _ decay: Double, _ layers: Int) -> [Double]? { nil }

  /// A sentence-order example: `[CLS] A [SEP] B [SEP]`, with the two sentences swapped when
  /// `swapped`; segment 0 up to and including the first `[SEP]`, 1 after; label 1 when in
  /// order, 0 when swapped.
  func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? { nil }
}
