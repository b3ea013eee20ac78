import Foundation
import NeuralNetwork
import Optimizers
import TensorCore
import TextData

/// A language model that reads each sentence as `<s> w₁ … w_m` and predicts `w₁ … w_m </s>`:
/// the recurrent models of lesson 3 and the GPT of lesson 4½. Because every such model
/// (and the n-gram of lesson 2) makes the same `m + 1` predictions per sentence, their
/// losses on one split compare directly.
public protocol SentenceLanguageModel: Module {
  /// The next-token logits `[batch, time, vocabulary]` at every position of `inputs`.
  func logits(_ inputs: PaddedBatch) -> Tensor
}

extension SentenceLanguageModel {
  /// Runs `body` in evaluation mode (no dropout) without recording a graph, then puts the
  /// model back in the mode it was in: every score of a model is measured this way.
  public func evaluating<T>(_ body: () -> T) -> T {
    let wasTraining = isTraining
    if wasTraining { eval() }
    defer { if wasTraining { train() } }
    return withNoGrad(body)
  }

  /// The mean cross-entropy of predicting every token of `sentences` and their ends.
  public func sentenceLoss(_ sentences: [[Int]], vocabulary: Vocabulary) -> Tensor {
    let (inputs, targets) = RecurrentLanguageModel.inputsAndTargets(
      sentences, vocabulary: vocabulary)
    return Tensor.crossEntropy(logits(inputs), targets: targets, ignoreIndex: -1)
  }

  /// The total surprise `−Σ ln P` over every predicted token of `sentences` (in nats), and
  /// how many tokens were predicted.
  public func surprise(_ sentences: [[Int]], vocabulary: Vocabulary, batchSize: Int = 64)
    -> (nats: Double, tokens: Int)
  {
    evaluating {
      var total = 0.0
      var tokens = 0
      for indices in BatchSampler.inOrder(count: sentences.count, batchSize: batchSize) {
        let batch = indices.map { sentences[$0] }
        let (inputs, targets) = RecurrentLanguageModel.inputsAndTargets(
          batch, vocabulary: vocabulary)
        let sum = Tensor.crossEntropy(
          logits(inputs), targets: targets, ignoreIndex: -1, reduction: .sum)
        total += Double(sum.item)
        tokens += targets.filter { $0 != -1 }.count
      }
      return (total, tokens)
    }
  }

  /// The surprise `−Σ ln P` of each sentence (its tokens and its end), in nats: for paired
  /// comparisons of two models on the same sentences.
  public func sentenceSurprises(_ sentences: [[Int]], vocabulary: Vocabulary, batchSize: Int = 64)
    -> [Double]
  {
    evaluating {
      var result: [Double] = []
      for indices in BatchSampler.inOrder(count: sentences.count, batchSize: batchSize) {
        let batch = indices.map { sentences[$0] }
        let (inputs, targets) = RecurrentLanguageModel.inputsAndTargets(
          batch, vocabulary: vocabulary)
        let losses = Tensor.crossEntropy(
          logits(inputs), targets: targets, ignoreIndex: -1, reduction: .none
        ).scalars
        for b in 0..<batch.count {
          let row = losses[(b * inputs.length)..<((b + 1) * inputs.length)]
          result.append(row.reduce(0.0) { $0 + Double($1) })
        }
      }
      return result
    }
  }

  /// `exp` of the mean cross-entropy per predicted token over `sentences`.
  public func sentencePerplexity(_ sentences: [[Int]], vocabulary: Vocabulary) -> Double {
    let (nats, tokens) = surprise(sentences, vocabulary: vocabulary)
    return Foundation.exp(nats / Double(Swift.max(tokens, 1)))
  }
}

extension RecurrentLanguageModel: SentenceLanguageModel {
  public func logits(_ inputs: PaddedBatch) -> Tensor { self(inputs).logits }
}

/// How the course trains a sentence language model: the recipe of lessons 3 and 4½ in
/// one place, so that the leaderboard's models are trained exactly as their lessons train
/// them.
///
/// Each step takes a shuffled batch of training sentences; the learning rate follows a
/// cosine from 1 down to `minimumFactor` (after an optional linear warm-up); gradients are
/// clipped; ten times per run the validation loss is measured (on the first
/// `validationSentences` sentences), the best weights are kept, and the run stops after
/// `patience` validations without improvement.
public struct SentenceModelTraining: Sendable {
  public var steps: Int
  public var batchSize: Int
  public var learningRate: Float
  /// The maximum gradient norm, or `nil` for none.
  public var clipNorm: Float?
  public var warmupSteps: Int
  public var minimumFactor: Float
  /// AdamW's decoupled weight decay; 0 uses plain Adam.
  public var weightDecay: Float
  public var patience: Int
  public var validationLimit: Int

  public init(
    steps: Int, batchSize: Int, learningRate: Float, clipNorm: Float?, warmupSteps: Int = 0,
    minimumFactor: Float = 0.1, weightDecay: Float = 0, patience: Int = 3,
    validationLimit: Int = 500
  ) {
    self.steps = steps
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.clipNorm = clipNorm
    self.warmupSteps = warmupSteps
    self.minimumFactor = minimumFactor
    self.weightDecay = weightDecay
    self.patience = patience
    self.validationLimit = validationLimit
  }

  /// How many validation sentences each validation reads: as many as training reads
  /// between two validations, at least 200 and at most `validationLimit`.
  ///
  /// A forward pass costs about a third of a training step's forward and backward, so
  /// checking never costs more than a third of the training it checks. A short run on a
  /// long text (the training-size models of lesson 3 on a manual: 74 steps) would
  /// otherwise spend longer validating 500 sentences ten times than training.
  public var validationSentences: Int {
    Swift.min(validationLimit, Swift.max(200, batchSize * Swift.max(steps / 10, 1)))
  }

  /// The learning-rate schedule of the recipe.
  public var schedule: LearningRateSchedule {
    .cosine(totalSteps: steps, warmupSteps: warmupSteps, minimumFactor: minimumFactor)
  }

  /// Trains `model` on `corpus`'s training split, drawing batches from `generator`.
  /// - Parameter onStep: called after every step (a progress bar).
  /// - Throws: `TrainingError` if the loss stops being a number.
  @discardableResult
  public func run<Model: SentenceLanguageModel>(
    _ model: Model, on corpus: LanguageModelCorpus, using generator: inout SplitMix64,
    onStep: ((StepReport) -> Void)? = nil
  ) throws -> TrainingHistory {
    var sampler = BatchSampler(count: corpus.train.count, batchSize: batchSize, using: &generator)
    let optimizer: Optimizer =
      weightDecay > 0
      ? AdamW(model.parameters(), learningRate: learningRate, weightDecay: weightDecay)
      : Adam(model.parameters(), learningRate: learningRate)
    let held = Array(corpus.validation.prefix(validationSentences))
    return try TrainingLoop(
      steps: steps, clipNorm: clipNorm, schedule: schedule,
      validateEvery: Swift.max(steps / 10, 1), keepBest: true, patience: patience
    ).run(
      model: model, optimizer: optimizer,
      loss: { _ in
        model.sentenceLoss(sampler.next().map { corpus.train[$0] }, vocabulary: corpus.vocabulary)
      },
      validationLoss: {
        Float(Foundation.log(model.sentencePerplexity(held, vocabulary: corpus.vocabulary)))
      },
      onStep: onStep)
  }
}
