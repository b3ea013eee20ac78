// Lesson 3: recurrent networks.
//
//     swift run -c release rnn
//
// A recurrent network reads a sentence token by token, carrying a state; trained with
// backpropagation through time it predicts the next token better than counting can.
import Foundation
import LanguageModels
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  "Lesson 3: recurrent networks",
  summary: "a learned state carries the past: train an RNN, a GRU and an LSTM to predict text",
  introduction: """
    An n-gram model forgets everything older than its last `n − 1` tokens, and learns \
    nothing from one context about another. A *recurrent neural network* reads the text \
    one token at a time and keeps a *hidden state*, a vector it updates at every step with \
    the same weights. By the end of this lesson you will be able to compute an RNN step by \
    hand, train a recurrent language model with backpropagation through time, see why \
    gradients fade or explode over long distances and how gates and clipping help, sample \
    text with a temperature, and beat the n-gram models of lesson 2 on the same text.
    """)

let level = lesson.knob("level", default: "word", choices: ["word", "char"], help: "token level")
let cellKind = lesson.knob(
  "cell", default: "gru", choices: ["rnn", "gru", "lstm"], help: "the recurrent cell to train")
let hiddenSize = lesson.knob("hidden", default: 64, range: 2...1024, help: "hidden state size")
let steps = lesson.knob(
  "steps", default: 1500, quick: 200, range: 1...100_000, help: "training steps")
let learningRate = lesson.knob(
  "lr", default: Float(0.01), range: 1e-6...1, help: "Adam's learning rate")
let clip = lesson.knob(
  "clip", default: Float(1), range: 0...1000, help: "maximum gradient norm (0: no clipping)")
let batchSize = lesson.knob("batch", default: 32, range: 1...1024, help: "sentences per step")
let sentenceCount = lesson.knob(
  "sentences", default: 3000, quick: 800, range: 50...100_000,
  help: "sentences to generate for the built-in corpus (as in lesson 2)")
let corpusPath = lesson.option(
  "corpus", valueName: "FILE", help: "train on your own UTF-8 text file, one sentence per line")
lesson.runsOnOwnData = corpusPath != nil
let savePath = lesson.option(
  "save", valueName: "FILE", help: "save the trained model as a safetensors checkpoint")
let loadPath = lesson.option(
  "load", valueName: "FILE", help: "load a checkpoint saved with --save instead of training")

if loadPath != nil && savePath != nil {
  lesson.refuse(
    "--load and --save together: a loaded model is not trained again, so there is nothing "
      + "new to save; copy the file instead, or drop --load to train and save")
}
if let savePath, let problem = SafeFile.problem(writing: savePath, option: "--save") {
  lesson.refuse(problem)
}

let tokenLevel = TokenLevel(rawValue: level.value)!
let cell = RecurrentCell(rawValue: cellKind.value)!
let embeddingSize = 32
var corpus: LanguageModelCorpus
if let corpusPath {
  do {
    corpus = LanguageModelCorpus(
      lines: try TextFile.lines(at: corpusPath), level: tokenLevel, seed: lesson.seed)
    try corpus.requireTokens(
      400, for: "the gradient probe (8 sequences of 40 tokens) and training", path: corpusPath)
  } catch {
    lesson.refuse("\(error)")
    corpus = LanguageModelCorpus(lines: [], level: tokenLevel, seed: 0)
  }
} else {
  corpus = LanguageModelCorpus.builtIn(
    count: sentenceCount.value, level: tokenLevel, seed: lesson.seed)
}
let vocabulary = corpus.vocabulary

// What training will cost, estimated before it starts: about 6 floating-point operations
// per parameter per token (forward and backward), for the main run and the comparison of
// the three cells (together about twice the main run). At a conservative 20 GFLOP/s, a
// run that would take more than half an hour is refused with the knobs that shorten it.
do {
  let h = Double(hiddenSize.value)
  let perToken =
    Double(vocabulary.count) * (h + 1) + 4 * 3 * h * (Double(embeddingSize) + h)
  let tokensPerStep =
    Double(batchSize.value) * Double(corpus.trainTokens) / Double(Swift.max(corpus.train.count, 1))
  let seconds = 2 * 6 * perToken * tokensPerStep * Double(steps.value) / 20e9
  if seconds > 1_800 && loadPath == nil {
    lesson.refuse(
      "training would take about \(Int(seconds / 60)) minutes (vocabulary \(vocabulary.count), "
        + "hidden \(hiddenSize.value), batch \(batchSize.value), \(steps.value) steps); lower "
        + "--set steps, --set hidden or --set batch, or use --set level=char")
  }
}

var bestNGram = (order: 0, perplexity: Double.infinity)

lesson.cell(
  "The text and the n-gram to beat",
  """
  The same sentences and the same split as lesson 2 (same seed, same sizes). We refit \
  its best model, Witten–Bell interpolation, for n = 1 to 5 and keep the best \
  validation perplexity: that is the number to beat.
  """
) { out in
  if corpus.splitLines > 0 {
    let limit = LanguageModelCorpus.maximumTokens(tokenLevel)
    out.print(
      "\(corpus.splitLines) lines longer than \(limit) tokens were split into pieces of \(limit)")
  }
  for n in 1...5 {
    let model = NGramModel(
      order: n, smoothing: .wittenBell, sentences: corpus.train, vocabulary: vocabulary)
    let perplexity = model.perplexity(corpus.validation, endID: vocabulary.endID)
    if perplexity < bestNGram.perplexity { bestNGram = (n, perplexity) }
  }
  out.print(
    "training sentences \(corpus.train.count), vocabulary \(vocabulary.count) (\(level.value) level)"
  )
  out.print(
    "best n-gram: n = \(bestNGram.order), validation perplexity \(String(format: "%.3f", bestNGram.perplexity))"
  )
}

lesson.cell(
  "One step, by hand",
  """
  A plain RNN updates its state with `h_t = tanh(x_t · W_ihᵀ + b_ih + h_{t−1} · W_hhᵀ + b_hh)`. \
  Here is one step with 3 inputs and 2 hidden units, computed from the formula and by the \
  library's `RNN`: the same numbers. The same `W_hh` is used at every step.
  """
) { out in
  var generator = lesson.random("by hand")
  let rnn = RNN(inputSize: 3, hiddenSize: 2, using: &generator)
  let x = Tensor([[1, 0, -1]])
  let previous = Tensor([[0.5, -0.5]])
  out.show(rnn.weightIH, "W_ih")
  out.show(rnn.weightHH, "W_hh")
  // The control of the check below leaves out b_hh, a mistake the check must catch.
  let biasHH = out.isControl("formula-matches-layer") ? rnn.biasHH * 0 : rnn.biasHH
  let byHand =
    (matmul(x, rnn.weightIH.transposed()) + rnn.biasIH + matmul(previous, rnn.weightHH.transposed())
    + biasHH).tanh()
  out.show(byHand, "h_1 by hand")
  let byLayer = rnn(x.reshaped([1, 1, 3]), initialState: previous).last
  out.show(byLayer, "h_1 by RNN")
  out.check(
    "formula-matches-layer",
    zip(byHand.scalars, byLayer.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-6 },
    "the formula and the layer agree", control: .sabotage("the formula leaves out b_hh"))
}

var model: RecurrentLanguageModel!

lesson.cell(
  "The language model",
  """
  Each token id is looked up in an embedding table (a learned vector per token), the \
  recurrent layer runs over the sentence, and a linear layer turns every hidden state \
  into scores for the next token. Unlike the n-gram table, the number of parameters \
  does not grow with the length of the context.
  """
) { out in
  var generator = lesson.random("init")
  model = RecurrentLanguageModel(
    vocabularySize: vocabulary.count, embeddingSize: embeddingSize, hiddenSize: hiddenSize.value,
    cell: cell,
    using: &generator)
  out.table(
    ["part", "parameters"],
    [
      ["embedding", groupedDigits(model.embedding.parameterCount)],
      [
        "\(cell.rawValue.uppercased()) (\(hiddenSize.value) hidden units)",
        groupedDigits(model.recurrent.parameterCount),
      ],
      ["output layer", groupedDigits(model.head.parameterCount)],
      ["total", groupedDigits(model.parameterCount)],
    ])
}

lesson.cell(
  "Gradients through time",
  """
  Training unrolls the network over the sentence and backpropagates through every step. \
  How much of an error at the last token reaches a token `t` steps back? Below, the \
  gradient norm `‖∂L/∂h_t‖` at each step of 40-token sequences, for a plain RNN, the same \
  RNN with its recurrent weights tripled, and a GRU (log scale). The plain RNN's signal \
  shrinks by a similar factor at every step (*vanishing*); with large weights it grows \
  (*exploding*), which is what gradient clipping stops. The GRU's gradient fades too at \
  this untrained start, but less: its update gate can copy the state, and the gradient, \
  from one step to the next, and training learns to open that gate where it helps.
  """
) { out in
  var generator = lesson.random("gradients")
  let stream = Array(corpus.train.lazy.flatMap { $0 + [vocabulary.endID] }.prefix(320))
  let sequences = (0..<8).map { Array(stream[($0 * 40)..<($0 * 40 + 40)]) }
  func norms(_ cell: RecurrentCell, scale: Float) -> [Double] {
    let probe = RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: embeddingSize, hiddenSize: hiddenSize.value,
      cell: cell,
      using: &generator)
    if scale != 1 { probe.recurrent.weightHH.assign(probe.recurrent.weightHH * scale) }
    return probe.gradientNormsThroughTime(sequences, vocabulary: vocabulary)
  }
  let plain = norms(.rnn, scale: 1)
  let large = norms(.rnn, scale: 3)
  let gated = norms(.gru, scale: 1)
  let xs = (0..<plain.count).map(Double.init)
  out.plot(
    LinePlot(
      [
        .init("RNN", plain, xs: xs), .init("RNN, W_hh × 3", large, xs: xs),
        .init("GRU", gated, xs: xs),
      ],
      title: "gradient norm reaching each step", height: 10, logScale: true, xLabel: "step"))
  func ratio(_ values: [Double]) -> String { String(format: "%.2g", values.first! / values.last!) }
  out.print(
    "first step / last step: RNN \(ratio(plain)), RNN × 3 \(ratio(large)), GRU \(ratio(gated))")
  // Each control swaps in the tripled RNN, whose gradient grows: the checks must notice.
  let fading = out.isControl("plain-rnn-fades") ? large : plain
  out.check(
    "plain-rnn-fades", fading.first! < fading.last! / 100,
    "the plain RNN's gradient fades by over 100× across 40 steps",
    control: .sabotage("the RNN with W_hh × 3 stands in for the plain one; its gradient grows"),
    onOtherData: "how fast an untrained network's gradient fades depends on the tokens it reads")
  let rival = out.isControl("gru-keeps-gradient") ? large : plain
  out.check(
    "gru-keeps-gradient", gated.first! > rival.first!,
    "more gradient reaches the first step through the GRU",
    control: .sabotage("the GRU is compared with the RNN × 3, whose gradient grows"),
    onOtherData: "at this untrained start the gates are random, and on some texts they pass less")
}

/// The loss of one training step on a shuffled batch.
func trainModel(
  _ model: RecurrentLanguageModel, steps: Int, seed purpose: String, out: CellOutput, label: String
) throws -> TrainingHistory {
  var generator = lesson.random(purpose)
  var sampler = BatchSampler(
    count: corpus.train.count, batchSize: batchSize.value, using: &generator)
  let progress = out.progress(label, total: steps)
  return try TrainingLoop(
    steps: steps, clipNorm: clip.value > 0 ? clip.value : nil,
    schedule: .cosine(totalSteps: steps, minimumFactor: 0.1),
    validateEvery: Swift.max(steps / 10, 1)
  ).run(
    model: model, optimizer: Adam(model.parameters(), learningRate: learningRate.value),
    loss: { _ in model.loss(sampler.next().map { corpus.train[$0] }, vocabulary: vocabulary) },
    // The curve during training uses at most 500 validation sentences (all of the
    // built-in corpus's), so a large text does not spend its time on evaluation.
    validationLoss: {
      Float(
        Foundation.log(
          model.perplexity(corpus.validation.prefix(500).map { $0 }, vocabulary: vocabulary)))
    },
    onStep: { progress.update($0.step + 1, loss: $0.loss) })
}

/// The settings a checkpoint must match, stored in its header: the model's sizes and the
/// vocabulary's digest, so that a model is never run against words it was not trained on.
func checkpointMetadata() -> [String: String] {
  [
    "lesson": "rnn", "level": level.value, "cell": cellKind.value, "hidden": "\(hiddenSize.value)",
    "vocabulary": "\(vocabulary.count)", "vocabulary-digest": vocabulary.digest,
  ]
}

lesson.cell(
  "Train",
  """
  Each step takes a batch of sentences, computes the mean cross-entropy of every next \
  token, backpropagates through time, clips the gradient norm and lets Adam update the \
  weights; the learning rate follows a cosine schedule. Both curves should fall; the \
  validation curve shows perplexity on sentences the model never trains on.
  """
) { out in
  if let loadPath {
    do {
      let stored = try model.load(from: loadPath)
      let expected = checkpointMetadata()
      if stored["vocabulary"] == expected["vocabulary"],
        stored["vocabulary-digest"] != expected["vocabulary-digest"]
      {
        throw UsageError(
          "\(loadPath) was saved with a different vocabulary of the same size (digest "
            + "\(stored["vocabulary-digest"] ?? "none"), this run's \(vocabulary.digest)); its "
            + "weights would be read against the wrong words. Run with the corpus, level and "
            + "seed it was trained with")
      }
      for (key, value) in expected.sorted(by: { $0.key < $1.key }) where stored[key] != value {
        throw UsageError(
          "\(loadPath) was saved with \(key) = \(stored[key] ?? "none"), but this run has \(key) = \(value); "
            + "run with the settings it was saved with")
      }
    } catch let error as CheckpointError {
      throw UsageError("\(error)")
    }
    out.print("loaded \(loadPath); training skipped")
    return
  }
  let history = try trainModel(
    model, steps: steps.value, seed: "training", out: out, label: "train")
  out.plot(
    LinePlot(
      [
        .init(
          "train",
          history.smoothedTrainLoss(window: Swift.max(steps.value / 50, 1)).map {
            Foundation.exp(Double($0))
          },
          xs: stride(from: 0, to: steps.value, by: Swift.max(steps.value / 50, 1)).map(Double.init)),
        .init(
          "validation", history.validationLoss.map { Foundation.exp(Double($0.loss)) },
          xs: history.validationLoss.map { Double($0.step) }),
      ],
      title: "perplexity while training", height: 8, logScale: true, xLabel: "step"))
  if let savePath {
    do {
      try model.save(to: savePath, metadata: checkpointMetadata())
      out.printLive("saved \(savePath)")
    } catch {
      throw UsageError("cannot save \(savePath): \(error)")
    }
  }
}

lesson.cell(
  "RNN, GRU and LSTM side by side",
  """
  The same model with each cell, trained for a third of the steps on the same batches. \
  Look at the parameter counts: the gates triple (GRU) or quadruple (LSTM) the recurrent \
  weights. These sentences are short, so the plain RNN's fading gradient costs little \
  and all three end close together; the gates earn their keep on long dependencies \
  (try the character level below, where a sentence is forty steps long).
  """
) { out in
  if loadPath != nil {
    out.print("skipped: a model was loaded")
    return
  }
  var series: [LinePlot.Series] = []
  var rows: [[String]] = []
  for kind in RecurrentCell.allCases {
    var generator = lesson.random("compare")
    let candidate = RecurrentLanguageModel(
      vocabularySize: vocabulary.count, embeddingSize: embeddingSize, hiddenSize: hiddenSize.value,
      cell: kind,
      using: &generator)
    let history = try trainModel(
      candidate, steps: Swift.max(steps.value / 3, 1), seed: "compare", out: out,
      label: kind.rawValue)
    series.append(
      .init(
        kind.rawValue.uppercased(), history.validationLoss.map { Foundation.exp(Double($0.loss)) },
        xs: history.validationLoss.map { Double($0.step) }))
    rows.append([
      kind.rawValue.uppercased(), groupedDigits(candidate.recurrent.parameterCount),
      String(format: "%.3f", Foundation.exp(Double(history.validationLoss.last!.loss))),
    ])
  }
  out.plot(
    LinePlot(series, title: "validation perplexity", height: 8, logScale: true, xLabel: "step"))
  out.table(["cell", "recurrent parameters", "final validation perplexity"], rows)
}

lesson.cell(
  "The recurrent network against counting",
  """
  Validation perplexity of every model, from the uniform guess to the best any model \
  could reach on this text (known because we wrote the grammar).
  """
) { out in
  let rnnPerplexity = model.perplexity(corpus.validation, vocabulary: vocabulary)
  var rows = [
    ["uniform guess", "\(vocabulary.count - 5)"],
    [
      "best n-gram (Witten–Bell, n = \(bestNGram.order))",
      String(format: "%.3f", bestNGram.perplexity),
    ],
    ["\(cell.rawValue.uppercased()) language model", String(format: "%.3f", rnnPerplexity)],
  ]
  if corpusPath == nil {
    rows.append([
      "best possible", String(format: "%.3f", SentenceCorpus.bestPerplexity(level: tokenLevel)),
    ])
  }
  out.table(["model", "validation perplexity"], rows)
  out.check(
    "beats-ngram", rnnPerplexity < bestNGram.perplexity,
    "the \(cell.rawValue.uppercased()) (\(String(format: "%.3f", rnnPerplexity))) beats the best n-gram (\(String(format: "%.3f", bestNGram.perplexity)))",
    control: .setting("--set steps=1", "one training step leaves the network untrained"),
    onOtherData: "on a small or varied text an n-gram can win; train longer or lower the level")
}

lesson.cell(
  "Sampling with a temperature",
  """
  To write, sample the next token from `softmax(logits / T)`. A low temperature `T` \
  sharpens the distribution: safe, repetitive text. A high one flattens it: varied text \
  with more mistakes. `T = 1` samples the model as it is.
  """
) { out in
  var generator = lesson.random("sampling")
  for temperature: Float in [0.5, 1, 1.5] {
    for _ in 0..<2 {
      let ids = model.sample(
        vocabulary: vocabulary, temperature: temperature,
        maximumLength: tokenLevel == .word ? 20 : 80,
        using: &generator)
      out.print("T = \(temperature): \(tokenLevel.join(vocabulary.decode(ids)))")
    }
  }
}

lesson.markdown(
  """
  ## Summary

  - A recurrent network updates one **hidden state** with the same weights at every step, \
  so what it learns in one context carries over to others.
  - It is trained with **backpropagation through time**: the unrolled graph is \
  differentiated from the last token back to the first.
  - Through a plain RNN the gradient **vanishes** or **explodes** geometrically with the \
  distance; **clipping** caps explosions, and **gated cells** (GRU, LSTM) keep gradients alive.
  - **Temperature** trades safety for variety when sampling.
  - On the same text, the recurrent model reaches a lower perplexity than the best n-gram.

  **What it cannot do.** Everything the model knows about the past must squeeze through \
  one fixed-size state vector, and distant tokens reach it only through many steps. The \
  next lesson lets every position *look back directly* at every other: attention.

  ## Try this

  - `swift run -c release rnn --set cell=rnn`: train the plain RNN. How far behind is it?
  - `swift run -c release rnn --set clip=0 --set lr=0.05`: no clipping, a large step. Watch the loss.
  - `swift run -c release rnn --set level=char --set steps=3000`: letters, like lesson 2's \
  `--set level=char`. The n-gram is strong there; how long does the GRU need?
  - `swift run -c release rnn --save gru.safetensors`, then `--load gru.safetensors` to sample without training.
  """)

lesson.quiz([
  Question(
    "What does backpropagation through time differentiate?",
    choices: [
      "the network unrolled over every step of the sequence", "only the last step",
      "each step separately",
    ],
    answer: 0,
    explanation:
      "The same weights act at every step, so their gradient sums over all steps of the unrolled graph."
  ),
  Question(
    "Why does a plain RNN's gradient fade over long distances?",
    choices: [
      "each step multiplies it by W_hh and tanh′ ≤ 1, usually shrinking it",
      "the learning rate decays", "the loss ignores early tokens",
    ],
    answer: 0,
    explanation: "Repeated multiplication by factors below 1 shrinks the signal geometrically."),
  Question(
    "What does gradient clipping with a maximum norm of 1 do to a gradient of norm 5?",
    choices: [
      "scales it by 1/5, keeping its direction", "sets it to zero", "clips each element to [−1, 1]",
    ],
    answer: 0, explanation: "All gradients are multiplied by max_norm / norm together."),
  Question(
    "Sampling at temperature 0.5 instead of 1 makes the text…",
    choices: ["safer and more repetitive", "more varied and more error-prone", "exactly the same"],
    answer: 0,
    explanation: "Dividing logits by T < 1 sharpens the distribution towards the likeliest tokens."),
])

lesson.run()
