// Lesson 6: ALBERT — factorized embeddings, cross-layer sharing, MLM and SOP.
//
//     swift run -c release albert
//
// Count where a BERT's parameters live, make the model lean the ALBERT way, pre-train
// small versions with masked-language modelling and sentence-order prediction, and
// fine-tune on a task with few labels.
import Foundation
import LanguageModels
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  "Lesson 6: ALBERT",
  summary: "factorize the embedding, share the layers, pre-train with MLM and SOP, fine-tune",
  introduction: """
    Lesson 5's models were small; real ones hold hundreds of millions of parameters. \
    ALBERT (Lan et al., 2019) asks where those parameters live and removes most of them \
    with two ideas: a *factorized embedding* and *cross-layer sharing*. By the end of this \
    lesson you will be able to compute the parameter count of a BERT or ALBERT model by \
    hand, explain both ideas, pre-train small BERT- and ALBERT-style encoders with masked \
    language modelling (MLM) and sentence-order prediction (SOP), say why SOP asks more of \
    a model than next-sentence prediction (NSP), and fine-tune a pre-trained encoder on a \
    task with few labels — the "pre-train, then fine-tune" recipe.

    It builds on lessons 4 (attention, transformer layers) and 5 (learning from text \
    without labels).
    """)

let steps = lesson.knob(
  "steps", default: 200, quick: 15, range: 1...100_000, help: "pre-training steps per model")
let hidden = lesson.knob(
  "hidden", default: 48, range: 8...512, help: "hidden size H of the small models")
let embedding = lesson.knob(
  "embedding", default: 16, range: 2...512, help: "ALBERT's embedding size E")
let depth = lesson.knob("layers", default: 3, range: 1...12, help: "layers L of the small models")
let labels = lesson.knob(
  "labels", default: 100, range: 10...1000, help: "labelled reviews for fine-tuning")
let fineTuneSteps = lesson.knob(
  "finetune-steps", default: 150, quick: 25, range: 1...100_000, help: "fine-tuning steps")
let decay = lesson.knob(
  "decay", default: Float(0.8), range: 0.1...1, help: "layer-wise learning-rate decay")
if hidden % 4 != 0 {
  lesson.refuse("--set hidden=\(hidden): the hidden size must be divisible by the 4 heads")
}

lesson.markdown(
  """
  ## Where the parameters are

  A BERT-style encoder has an embedding table of `V × H` numbers (one `H`-vector per \
  token of a vocabulary of `V`), then `L` transformer layers of about `12·H²` numbers \
  each (attention `4·(H² + H)`, feed-forward `2·4H·H` plus biases, two layer norms). \
  ALBERT changes two things:

  - **Factorized embedding**: tokens get small vectors of size `E`, lifted to `H` by one \
  `E × H` map: `V × E + E × H` instead of `V × H`.
  - **Cross-layer sharing**: all `L` layers use the same weights: `12·H²` instead of \
  `L·12·H²`. The model still applies `L` layers; it just learns one.
  """)

lesson.cell(
  "The published configurations, counted",
  """
  We build each model with our own modules — under `withMetaTensors`, so no weights are \
  allocated for the big ones — and count. Beside our exact counts, the rounded figures \
  of the ALBERT paper (which counts slightly differently, for example without the pooler).
  """
) { out in
  var rows: [[String]] = []
  var shares: [Double] = []
  for c in EncoderConfiguration.published {
    let model = withMetaTensors {
      var g = SplitMix64(seed: 0)
      return TransformerEncoderModel(c, using: &g)
    }
    let total = model.parameterCount
    let embeddingCount = model.embeddings.parameterCount
    shares.append(Double(embeddingCount) / Double(total))
    rows.append([
      c.name, "\(c.embeddingSize)", "\(c.hiddenSize)", "\(c.layers)", c.sharedLayers ? "yes" : "no",
      groupedDigits(embeddingCount), groupedDigits(total),
      "\(EncoderConfiguration.reportedMillions[c.name]!)M",
    ])
  }
  out.table(["model", "E", "H", "L", "shared", "embedding", "total", "paper"], rows)
  out.plot(
    BarChart(
      labels: EncoderConfiguration.published.map { $0.name }, values: shares.map { 100 * $0 },
      title: "share of parameters in the embedding (%)",
      valueText: shares.map { String(format: "%.1f %%", 100 * $0) }))
  out.check(
    rows[0][6] == groupedDigits(109_081_344) && rows[2][6] == groupedDigits(11_683_584),
    "BERT-base has 109,081,344 parameters here, ALBERT-base 11,683,584: about 9× fewer")
}

lesson.cell(
  "The arithmetic by hand",
  """
  For BERT-base (`V = 30000`, `H = 768`, `L = 12`) and ALBERT-base (`E = 128`): the two \
  ideas, one at a time.
  """
) { out in
  let v = 30_000
  let h = 768
  let e = 128
  let layer = 4 * (h * h + h) + (h * 4 * h + 4 * h) + (4 * h * h + h) + 4 * h
  out.table(
    ["part", "formula", "parameters"],
    [
      ["word embedding, BERT", "V·H", groupedDigits(v * h)],
      ["word embedding, ALBERT", "V·E + E·H + H", groupedDigits(v * e + e * h + h)],
      ["one layer", "4(H² + H) + 8H² + 5H + 4H", groupedDigits(layer)],
      ["12 layers, BERT", "12 × layer", groupedDigits(12 * layer)],
      ["12 shared layers, ALBERT", "1 × layer", groupedDigits(layer)],
    ])
}

// MARK: Small models, pre-trained

var vocabulary: Vocabulary!
var topicDocuments: [[String]] = []
var pretrainingDocuments: [[String]] = []
var reviews: [Review] = []

lesson.cell(
  "Text to pre-train on",
  """
  Two-sentence topic documents from lesson 5 ("the puppies are playing in the garden . in \
  the garden , the puppies are playing .") and pairs of reviews that share a sentiment — \
  like a real review, whose sentences agree. No labels are used in pre-training.
  """
) { out in
  var generator = lesson.random("corpus")
  topicDocuments = SentenceCorpus.documents(count: 1500, using: &generator).map {
    Tokenizer.words($0.text)
  }
  reviews = ReviewCorpus.generate(count: 2000, using: &generator)
  let pool = Array(reviews[..<1000])
  var reviewDocuments: [[String]] = []
  for label in [0, 1] {
    let same = pool.filter { $0.label == label }
    for i in stride(from: 0, to: same.count - 1, by: 2) {
      reviewDocuments.append(Tokenizer.words(same[i].text) + Tokenizer.words(same[i + 1].text))
    }
  }
  pretrainingDocuments = topicDocuments + reviewDocuments
  vocabulary = Vocabulary(pretrainingDocuments)
  out.print(
    "\(topicDocuments.count) topic documents, \(reviewDocuments.count) review pairs, vocabulary \(vocabulary.count)"
  )
}

func configuration(shared: Bool) -> EncoderConfiguration {
  EncoderConfiguration(
    name: shared ? "ALBERT-small" : "BERT-small", vocabularySize: vocabulary.count,
    embeddingSize: shared ? embedding : hidden, hiddenSize: hidden, layers: depth, heads: 4,
    feedForwardSize: 2 * hidden, sharedLayers: shared, maxLength: 64)
}

/// Pre-trains a model with MLM plus a two-way segment task, the same batches for every model.
func pretrain(_ model: PretrainingModel, task: PretrainingData.Task, out: CellOutput, label: String)
  throws -> TrainingHistory
{
  var generator = lesson.random("pretraining")
  let progress = out.progress(label, total: steps)
  return try TrainingLoop(
    steps: steps, clipNorm: 1,
    schedule: .cosine(totalSteps: steps, warmupSteps: Swift.max(steps / 10, 1), minimumFactor: 0.1)
  ).run(
    model: model, optimizer: Adam(model.parameters(), learningRate: 0.003),
    loss: { _ in
      let documents = (0..<32).map { _ in
        pretrainingDocuments[generator.index(pretrainingDocuments.count)]
      }
      let batch = PretrainingData.batch(
        documents, task: task, vocabulary: vocabulary, maskRate: 0.15, using: &generator)
      let (tokens, order) = model(batch.inputs, segments: batch.segments)
      return Tensor.crossEntropy(tokens, targets: batch.maskedTargets, ignoreIndex: -1)
        + Tensor.crossEntropy(order, targets: batch.labels)
    },
    onStep: { progress.update($0.step + 1, loss: $0.loss) })
}

/// MLM accuracy and the accuracy on a segment task, on held-out topic documents.
func evaluate(_ model: PretrainingModel, task: PretrainingData.Task) -> (mlm: Double, pair: Double)
{
  var generator = lesson.random("evaluation \(task.rawValue)")
  let batch = PretrainingData.batch(
    Array(topicDocuments.suffix(300)), task: task, vocabulary: vocabulary, maskRate: 0.15,
    using: &generator)
  let (tokens, order) = withNoGrad { model(batch.inputs, segments: batch.segments) }
  let guesses = tokens.argmax(axis: -1)
  let masked = batch.maskedTargets.indices.filter { batch.maskedTargets[$0] >= 0 }
  let mlm =
    Double(masked.filter { guesses[$0] == batch.maskedTargets[$0] }.count)
    / Double(Swift.max(masked.count, 1))
  let pair =
    Double(zip(order.argmax(axis: -1), batch.labels).filter { $0 == $1 }.count)
    / Double(batch.labels.count)
  return (mlm, pair)
}

var bert: PretrainingModel!
var albert: PretrainingModel!

lesson.cell(
  "BERT and ALBERT, small, side by side",
  """
  Both read `[CLS] first [SEP] second [SEP]`. **MLM**: 15 % of the tokens become `[MASK]` \
  and the model predicts them (its output layer reuses the word embeddings). **SOP**: half \
  of the pairs are swapped, and the model says from `[CLS]` whether they are in order. \
  Same data, same steps; ALBERT with `E = \(embedding)` and one shared layer.
  """
) { out in
  var generator = lesson.random("models")
  bert = PretrainingModel(configuration(shared: false), using: &generator)
  albert = PretrainingModel(configuration(shared: true), using: &generator)
  var rows: [[String]] = []
  var series: [LinePlot.Series] = []
  for (name, model) in [("BERT-small", bert!), ("ALBERT-small", albert!)] {
    let history = try pretrain(model, task: .sentenceOrder, out: out, label: name)
    let (mlm, sop) = evaluate(model, task: .sentenceOrder)
    rows.append([
      name, groupedDigits(model.encoder.parameterCount),
      String(
        format: "%.3f",
        history.trainLoss.suffix(10).reduce(0, +) / Float(Swift.min(10, history.trainLoss.count))),
      String(format: "%.1f %%", 100 * mlm), String(format: "%.1f %%", 100 * sop),
    ])
    series.append(.init(name, history.smoothedTrainLoss(window: Swift.max(steps / 40, 1))))
  }
  out.plot(LinePlot(series, title: "pre-training loss (MLM + SOP)", height: 7))
  out.table(["model", "encoder parameters", "final loss", "MLM accuracy", "SOP accuracy"], rows)
  out.check(
    albert.encoder.parameterCount * 2 < bert.encoder.parameterCount,
    "ALBERT-small has less than half of BERT-small's parameters")
}

lesson.cell(
  "Why sentence order, not next sentence",
  """
  BERT was pre-trained with **NSP**: is the second segment the true continuation, or a \
  segment from another document? A model can often answer that by topic or shared words \
  alone, without learning how sentences follow each other. **SOP** keeps the topic fixed \
  (both segments come from the same document; only their order changes), so it needs \
  another skill. Below, an ALBERT-small trained on NSP instead of SOP, and both models \
  tested on both tasks: each skill does little for the other task. (In our generated \
  documents the second sentence has a recognisable shape, so SOP is easier here than on \
  real text, where the ALBERT paper found NSP models near chance on SOP.)
  """
) { out in
  var generator = lesson.random("nsp model")
  let nsp = PretrainingModel(configuration(shared: true), using: &generator)
  _ = try pretrain(nsp, task: .nextSentence, out: out, label: "NSP")
  let sopOnSOP = evaluate(albert, task: .sentenceOrder).pair
  let sopOnNSP = evaluate(albert, task: .nextSentence).pair
  let nspOnNSP = evaluate(nsp, task: .nextSentence).pair
  let nspOnSOP = evaluate(nsp, task: .sentenceOrder).pair
  func percent(_ v: Double) -> String { String(format: "%.1f %%", 100 * v) }
  out.table(
    ["trained on", "tested on NSP", "tested on SOP"],
    [
      ["NSP", percent(nspOnNSP), percent(nspOnSOP)], ["SOP", percent(sopOnNSP), percent(sopOnSOP)],
    ])
  if !lesson.isQuick {
    out.check(
      sopOnSOP > nspOnSOP,
      "sentence order is learned by the model trained on it, not picked up by NSP")
  }
}

// MARK: Fine-tuning

lesson.markdown(
  """
  ## Pre-train, then fine-tune

  Now the payoff: sentiment with only a few labelled reviews. We put a two-way classifier \
  on the pooled `[CLS]` vector and train the whole model on the labels, starting (a) from \
  random weights, (b) from the pre-trained BERT-small with one learning rate, (c) from \
  the same with **layer-wise learning-rate decay**: the top layer learns at the full rate \
  and each layer below at `decay` times the rate above, so the general features of the \
  lower layers move least. Pre-training and fine-tuning are *decoupled*: one expensive \
  pre-training serves many cheap fine-tunings.
  """)

lesson.cell(
  "Sentiment from \(labels) labels",
  "Each variant trains for the same number of steps on the same labelled reviews and is tested on 300 new ones. Compare the three rows; then try more pre-training steps."
) { out in
  let train = Array(reviews[1000..<(1000 + labels)])
  let test = Array(reviews[1500..<1800])
  func batch(_ r: [Review]) -> PaddedBatch {
    PaddedBatch(
      r.map { vocabulary.encode([Vocabulary.classification] + Tokenizer.words($0.text)) },
      padID: vocabulary.padID)
  }
  var rows: [[String]] = []
  var accuracies: [Double] = []
  for (name, source, rateDecay) in [
    ("from scratch", nil as TransformerEncoderModel?, Float(1)),
    ("pre-trained, one rate", bert.encoder, 1),
    ("pre-trained, decay \(decay)", bert.encoder, decay),
  ] {
    var generator = lesson.random("fine-tune")
    let encoder = TransformerEncoderModel(configuration(shared: false), using: &generator)
    if let source { for (p, q) in zip(encoder.parameters(), source.parameters()) { p.assign(q) } }
    let classifier = SequenceClassifier(encoder: encoder, classes: 2, using: &generator)
    let groups = ParameterGroup.layerwise(
      encoder.parameterGroupsByDepth() + [classifier.head.parameters()], learningRate: 1e-3,
      decay: rateDecay)
    let progress = out.progress(name, total: fineTuneSteps)
    try TrainingLoop(steps: fineTuneSteps, clipNorm: 1).run(
      model: classifier, optimizer: AdamW(groups: groups, weightDecay: 0.01),
      loss: { _ in
        let picked = (0..<32).map { _ in train[generator.index(train.count)] }
        return Tensor.crossEntropy(classifier(batch(picked)), targets: picked.map { $0.label })
      },
      onStep: { progress.update($0.step + 1, loss: $0.loss) })
    classifier.eval()
    let predicted = withNoGrad { classifier(batch(test)).argmax(axis: -1) }
    let accuracy = Double(zip(predicted, test).filter { $0 == $1.label }.count) / Double(test.count)
    accuracies.append(accuracy)
    rows.append([name, String(format: "%.1f %%", 100 * accuracy)])
  }
  out.table(["start", "test accuracy"], rows)
  out.print(
    "pre-trained minus scratch: \(String(format: "%+.1f", 100 * (accuracies[1] - accuracies[0]))) points"
  )
}

lesson.markdown(
  """
  ## Summary

  - Parameter counts follow from the configuration: `V·H` (or `V·E + E·H`) for the \
  embedding, about `12·H²` per layer, `L` layers (or one, shared).
  - **Factorized embeddings** shrink the table that dominates small models; **cross-layer \
  sharing** shrinks the stack that dominates large ones. ALBERT-base has about 9× fewer \
  parameters than BERT-base. (It is not 9× faster: the model still applies every layer.)
  - Pre-training objectives: **MLM** predicts hidden words; **SOP** asks for the order of \
  two segments, which topic alone cannot answer, unlike **NSP**.
  - **Pre-train, then fine-tune**: one pre-training on unlabelled text can serve many \
  tasks. Whether it beats training from scratch depends on how much the pre-training \
  taught that the task needs: with our tiny models and a few hundred steps the table can \
  go either way — try `--set steps=1000`. Layer-wise learning-rate decay protects the \
  lower layers; it helps when they are already good and the top must change little.

  ## Try this

  - `swift run -c release albert --set embedding=4`: an even thinner embedding. What does MLM lose?
  - `swift run -c release albert --set labels=600`: more labels. Does pre-training still matter?
  - `swift run -c release albert --set decay=0.5`: a steep decay. Which layers can still learn?
  """)

lesson.quiz([
  Question(
    "With V = 30000, E = 128 and H = 768, how many numbers does the factorized word embedding hold (V·E + E·H, no bias)?",
    number: 3_938_304, tolerance: 0.5, explanation: "30000 · 128 + 128 · 768 = 3,840,000 + 98,304."),
  Question(
    "Cross-layer sharing divides the parameters of L layers by L. What does it do to the computation?",
    choices: ["nothing: every layer is still applied", "divides it by L", "doubles it"],
    answer: 0, explanation: "The shared layer runs L times; only the weights are stored once."),
  Question(
    "Why is sentence-order prediction harder to shortcut than next-sentence prediction?",
    choices: [
      "both segments come from one document, so topic cannot tell them apart",
      "it has more classes", "it uses longer inputs",
    ],
    answer: 0,
    explanation:
      "NSP negatives often differ in topic; SOP negatives are the same sentences swapped."),
  Question(
    "With layer-wise decay 0.5 and a top learning rate of 0.001, what rate does the layer two below the top get?",
    number: 0.00025, tolerance: 1e-12, explanation: "0.001 · 0.5² = 0.00025."),
])

lesson.run()
