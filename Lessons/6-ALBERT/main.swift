// Lesson 6: ALBERT — factorized embeddings, cross-layer sharing, MLM and SOP.
//
//     swift run -c release albert
//
// Count where a BERT's parameters live, make the model lean the ALBERT way, pre-train
// small versions with masked-language modelling and sentence-order prediction, and
// fine-tune on a task with few labels.
import Course
import Foundation
import LanguageModels
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  catalog: .albert,
  introduction: """
    Lesson 5's models were small; real ones hold hundreds of millions of parameters. \
    ALBERT (Lan et al., 2019) asks where those parameters live and removes most of them \
    with two ideas: a *factorized embedding* and *cross-layer sharing*. By the end of this \
    lesson you will be able to compute the parameter count of a BERT or ALBERT model by \
    hand, explain both ideas, pre-train small BERT- and ALBERT-style encoders with masked \
    language modelling (MLM) and sentence-order prediction (SOP), say why SOP asks more of \
    a model than next-sentence prediction (NSP), and fine-tune a pre-trained encoder on a \
    task with few labels — the "pre-train, then fine-tune" recipe — or use it with no \
    labels at all (zero-shot), or train it only in parts. Those are five ways of \
    *decoupling* a model's parts from each other and from its task — pre-train then \
    fine-tune, weight sharing, multi-task objectives, training in parts, zero-shot — and \
    the lesson measures each one before its summary.

    It builds on lessons 4 (attention, transformer layers) and 5 (learning from text \
    without labels). Masked language modelling *is* lesson 5's token masking with the \
    decoder taken away: an encoder alone reads the corrupted text and predicts only the \
    masked positions. BERT and ALBERT are denoising autoencoders of that kind — \
    *autoencoding* language models — and pre-training them on two objectives at once \
    (MLM and a sentence-pair task) makes them multi-task learners.
    """)

let steps = lesson.knob(
  "steps", default: 1000, quick: 120, range: 1...100_000, help: "pre-training steps per model")
let hidden = lesson.knob(
  "hidden", default: 32, range: 8...512, help: "hidden size H of the small models")
let embedding = lesson.knob(
  "embedding", default: 16, range: 2...512, help: "ALBERT's embedding size E")
let depth = lesson.knob("layers", default: 3, range: 1...12, help: "layers L of the small models")
let labels = lesson.knob(
  "labels", default: 100, range: 10...1000,
  help: "labelled examples for fine-tuning (reviews, or texts of --labelled)")
let fineTuneSteps = lesson.knob(
  "finetune-steps", default: 100, quick: 25, range: 1...100_000, help: "fine-tuning steps")
let maskingName = lesson.knob(
  "masking", default: PretrainingData.Masking.maskOnly.rawValue,
  choices: PretrainingData.Masking.allCases.map { $0.rawValue },
  help: "how MLM hides the chosen tokens")
/// The masking of now (read by the cell that asks, so `set masking=…` re-runs it).
var masking: PretrainingData.Masking { PretrainingData.Masking(rawValue: maskingName.value)! }
let nspSteps = lesson.knob(
  "nsp-steps", default: 1500, quick: 80, range: 1...100_000,
  help: "pre-training steps of the model trained on NSP")
let decay = lesson.knob(
  "decay", default: Float(0.8), range: 0.1...1, help: "layer-wise learning-rate decay")
let corpusPath = lesson.option(
  "corpus", valueName: "FILE",
  help: "pre-train on your own text (wrapped prose, Markdown or one sentence per line, "
    + "paragraphs separated by blank lines): pairs of neighbouring sentences of 3 to 30 words "
    + "(longer ones cut into segments) in a paragraph as documents")
let labelledPath = lesson.option(
  "labelled", valueName: "FILE",
  help: "fine-tune on your own labelled texts instead of the built-in reviews: lines of "
    + "label<TAB>text, or CSV whose header names a 'label' and a 'text' column; two labels "
    + "or more")
lesson.runsOnOwnData = corpusPath != nil || labelledPath != nil
// `--labels N` is the knob that counts labelled examples; a file of them is `--labelled`.
if let flag = CommandLine.arguments.firstIndex(of: "--labels"),
  flag + 1 < CommandLine.arguments.count, Int(CommandLine.arguments[flag + 1]) == nil
{
  lesson.refuse("a file of labelled texts is given with --labelled FILE (--labels N counts them)")
}
let saveFolder = lesson.option(
  "save", valueName: "DIR",
  help: "write the pre-trained BERT-small and ALBERT-small as Hugging Face folders in DIR")
let loadFolder = lesson.option(
  "load", valueName: "DIR",
  help: "read BERT-small and ALBERT-small from folders written by --save instead of "
    + "pre-training them")
if loadFolder != nil && saveFolder != nil {
  lesson.refuse(
    "--load and --save together: loaded models are not pre-trained again, so there is "
      + "nothing new to save; copy the folder instead, or drop --load")
}
/// The most words a vocabulary built on a learner's data keeps; rarer ones are `<unk>`.
let largestVocabulary = 3_000
// What training will cost: about 6 operations per parameter per token, for 12·H² per
// layer and the embedding tables (about 160 tokens, or up to 3,007 on a learner's data),
// over batches of about 768 tokens (up to twice as many of a learner's longer sentences):
// four models pre-trained for `steps`, the NSP model for `nsp-steps`, and sixteen
// fine-tuning runs of about 384 tokens a step (up to 2,048 of a learner's labelled texts).
// Checked before the first cell and after every `set`.
lesson.constraint {
  let h = Double(hidden.value)
  let tokens = Double(lesson.runsOnOwnData ? largestVocabulary + 7 : 160)
  let parameters =
    12 * h * h * Double(depth.value) + tokens * Double(max(embedding.value, hidden.value))
  let pretraining =
    (corpusPath == nil ? 768 : 1_536) * Double(4 * steps.value + nspSteps.value)
  let fineTuning = 16 * (labelledPath == nil ? 384 : 2_048) * Double(fineTuneSteps.value)
  return lesson.longTraining(
    operations: 6 * parameters * (pretraining + fineTuning),
    settings: "hidden \(hidden.value), \(depth.value) layers, \(steps.value) steps, "
      + "\(nspSteps.value) NSP steps, \(fineTuneSteps.value) fine-tuning steps",
    shorten: "lower --set steps, --set nsp-steps, --set hidden or --set layers")
}
if loadFolder?.isEmpty == true { lesson.refuse("--load needs a folder name") }
if let saveFolder, let problem = SafeFile.problem(creatingFolder: saveFolder, option: "--save") {
  lesson.refuse(problem)
} else if let saveFolder {
  // The two models go into two folders inside it; neither may be a file or hold a
  // learner's own files.
  for name in ["bert-small", "albert-small"] {
    let folder = "\(saveFolder)/\(name)"
    if let problem = SafeFile.problem(creatingFolder: folder, option: "--save")
      ?? HuggingFaceFolder.problem(replacingIn: folder, option: "--save")
    {
      lesson.refuse(problem)
      break
    }
  }
}
if let loadFolder, !loadFolder.isEmpty {
  for name in ["bert-small", "albert-small"] {
    let path = "\(loadFolder)/\(name)/model.safetensors"
    if !FileManager.default.isReadableFile(atPath: path) {
      lesson.refuse(
        "--load \(loadFolder): \(path) is missing or unreadable; give a folder written by "
          + "albert --save")
    }
  }
}
lesson.constraint {
  hidden.value % 4 == 0
    ? nil : "--set hidden=\(hidden.value): the hidden size must be divisible by the 4 heads"
}

/// The longest sentence taken from a learner's text, in word tokens: two of them with
/// `[CLS]` and two `[SEP]` fill at most 63 of the models' 64 positions.
let longestSentence = 30
/// The share of a learner's different pairs held out to test the models (the lesson
/// selects nothing on them, so one held-out part serves), and the fewest different pairs
/// its text must give: 20 held-out pairs drawn five times make 100 sentence-order
/// questions (one standard error of a guess, 5 points).
let heldOutShare = 0.2
let fewestPairs = 100
/// A learner's text, read before any cell: its documents, each two neighbouring sentences
/// of one paragraph (pairs not overlapping, so that no sentence is in two documents), the
/// boundary marked with `[SEP]` (`PretrainingData.document`).
struct OwnText {
  var documents: [[String]]
  var sentences: Int
  var leftOut: Int
  var summary: String
  /// Sentences cut into segments, and how many segments they made.
  var cut: (sentences: Int, segments: Int)
}
var ownText: OwnText? = nil
if let corpusPath {
  do {
    let file = try TextFile.read(at: corpusPath).first(
      lesson.isQuick ? TextFile.quickSentences : .max)
    // Sentences longer than the model takes are cut into segments of running text, as
    // BERT's and ALBERT's segments are spans of text, not grammatical sentences.
    let (read, cutSentences, segments) = file.cuttingSentences(longerThan: longestSentence)
    let documents = read.neighbouringPairs(words: 3...longestSentence).map {
      PretrainingData.document($0.first, $0.second)
    }
    // Copies stay in one split, so only different pairs fill the held-out one.
    let distinct = Set(documents).count
    guard distinct >= fewestPairs else {
      throw CorpusError(
        "\(corpusPath) has \(distinct) different pairs of neighbouring sentences of 3 to "
          + "\(longestSentence) words (longer ones cut into segments) in one paragraph (read as \(read.layout.rawValue)"
          + (read.layout == .linePerSentence
            ? ": the lines between blank lines are a paragraph, in order" : "")
          + "); the lesson needs at least \(fewestPairs), a fifth of them held out to test "
          + "sentence order: use a longer text, with paragraphs of several sentences separated "
          + "by blank lines")
    }
    ownText = OwnText(
      documents: documents, sentences: read.sentences.count,
      leftOut: read.sentences.filter { !(3...longestSentence).contains(Tokenizer.words($0).count) }
        .count, summary: file.summary, cut: (cutSentences, segments))
  } catch {
    lesson.refuse("\(error)")
  }
}
/// A learner's labelled texts, read before any cell so that a problem with the file stops
/// the run with its message first.
var ownLabels: LabelledText? = nil
if let labelledPath {
  do {
    ownLabels = try LabelledText.read(at: labelledPath)
  } catch {
    lesson.refuse("\(error)")
  }
}
/// The name of each label id: the built-in reviews' two, or the file's, the commonest first.
let labelNames = ownLabels?.labels ?? ["negative", "positive"]
/// What the lesson's held-out sentence pairs are, in the sentences it prints.
let heldOutText = ownText == nil ? "held-out stories" : "held-out pairs"
/// The built-in run, where the prose's statements about the stories and reviews hold.
let builtIn = !lesson.runsOnOwnData

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
  allocated for the big ones — and count, each with its own vocabulary (BERT's 30,522 \
  WordPiece tokens, ALBERT's 30,000 SentencePiece ones), the pooler included and the \
  pre-training heads left out, as the released checkpoints count. Beside the counts, the \
  rounded figures of the ALBERT paper's Table 1. The configurations fix the counts \
  exactly; the paper's figures are rounded, and for xlarge and xxlarge they are larger \
  than what the paper's own configurations give — they do not follow from them. The \
  last column is the work, in layer multiply-adds per token: each layer weight is one \
  multiply-add per token every time its layer runs, and a shared layer runs `L` times \
  (attention scores come on top).
  """
) { out in
  var configurations: [[String]] = []
  var rows: [[String]] = []
  var parts: [(name: String, embedding: Int, layers: Int)] = []
  for published in EncoderConfiguration.published {
    // The control of the check below builds ALBERT without sharing: the count must change.
    var c = published
    if out.isControl("published-counts") { c.sharedLayers = false }
    let model = withMetaTensors {
      var g = SplitMix64(seed: 0)
      return TransformerEncoderModel(c, using: &g)
    }
    let total = model.parameterCount
    let embeddingCount = model.embeddings.parameterCount
    parts.append((c.name, embeddingCount, total - embeddingCount))
    // Every layer weight is one multiply-add per token each time its layer is applied,
    // and a shared layer is applied L times: the work follows L, not the count.
    let pooler = c.hiddenSize * c.hiddenSize + c.hiddenSize
    let oneLayer = (total - embeddingCount - pooler) / (c.sharedLayers ? 1 : c.layers)
    configurations.append([
      c.name, groupedDigits(c.vocabularySize), "\(c.embeddingSize)", "\(c.hiddenSize)",
      "\(c.layers)", c.sharedLayers ? "yes" : "no",
    ])
    rows.append([
      c.name, groupedDigits(embeddingCount), groupedDigits(total - embeddingCount),
      groupedDigits(total), "\(EncoderConfiguration.reportedMillions[c.name]!)M",
      String(format: "%.0fM", Double(c.layers * oneLayer) / 1e6),
    ])
  }
  out.table(["model", "V", "E", "H", "L", "shared"], configurations)
  out.table(
    ["model", "embedding", "layers and pooler", "total", "paper", "work per token"], rows)
  // Embedding and layers side by side, in millions: which part each idea shrinks.
  out.plot(
    BarChart(
      labels: parts.flatMap { ["\($0.name) embedding", "\($0.name) layers"] },
      values: parts.flatMap { [Double($0.embedding) / 1e6, Double($0.layers) / 1e6] },
      title: "parameters (millions): the embedding, and the layers with the pooler",
      valueText: parts.flatMap {
        [
          String(format: "%.1fM", Double($0.embedding) / 1e6),
          String(format: "%.1fM", Double($0.layers) / 1e6),
        ]
      }))
  out.check(
    "published-counts",
    rows[0][3] == groupedDigits(109_482_240) && rows[1][3] == groupedDigits(335_141_888)
      && rows[2][3] == groupedDigits(11_683_584),
    "BERT-base has 109,482,240 parameters and BERT-large 335,141,888, as the released "
      + "checkpoints; ALBERT-base 11,683,584, about 9× fewer than BERT-base",
    control: .sabotage("ALBERT is built without cross-layer sharing"))
}

lesson.cell(
  "The arithmetic by hand",
  """
  For BERT-base (`V = 30,522`, `H = 768`, `L = 12`) and ALBERT-base (`V = 30,000`, \
  `E = 128`): the two ideas, one at a time.
  """
) { out in
  let (bertV, albertV) = (30_522, 30_000)
  let h = 768
  let e = 128
  let layer = 4 * (h * h + h) + (h * 4 * h + 4 * h) + (4 * h * h + h) + 4 * h
  out.table(
    ["part", "formula", "parameters"],
    [
      ["word embedding, BERT", "V·H", groupedDigits(bertV * h)],
      ["word embedding, ALBERT", "V·E + E·H + H", groupedDigits(albertV * e + e * h + h)],
      ["one layer", "4(H² + H) + 8H² + 5H + 4H", groupedDigits(layer)],
      ["12 layers, BERT", "12 × layer", groupedDigits(12 * layer)],
      ["12 shared layers, ALBERT", "1 × layer", groupedDigits(layer)],
    ])
}

// MARK: Small models, pre-trained

/// The command of this run's data, for the experiments the summary suggests.
let ownCommand =
  "swift run -c release albert" + (corpusPath.map { " --corpus \($0)" } ?? "")
  + (labelledPath.map { " --labelled \($0)" } ?? "")

var vocabulary: Vocabulary!
var stories: Splits<[String]>!
var pretrainingDocuments: [[String]] = []
var reviews: [Review] = []

lesson.cell(
  ownText == nil ? "Text to pre-train on" : "Your text to pre-train on",
  ownText == nil
    ? """
    Two kinds of two-sentence documents, no labels. **Stories**: the same people and the \
    same thing at two moments of a plot ("the girl found the muddy puppy . the girl washed \
    the muddy puppy ."); both sentences have the same shape, so only the two stage words say which \
    comes first. **Reviews with a verdict**: a review, then a closing sentence that agrees \
    with it ("the plot was not clever . i nearly fell asleep ."). The verdicts' words never \
    occur in reviews: to fill a gap in one from the other, a model must work out the \
    sentiment\(ownLabels == nil ? " — which is the skill we will fine-tune for at the end" : "").
    """
    : """
    Two-sentence documents from your text, no labels: two neighbouring sentences of one \
    paragraph, each of 3 to \(longestSentence) word tokens, taken two at a time so that no \
    sentence is in two documents. A longer sentence is first cut into segments of running \
    text that take its place (BERT's and ALBERT's segments are spans of text, not \
    grammatical sentences); a shorter one is skipped. Words \
    are lower-cased and split from punctuation, as in every lesson; `[SEP]` marks where the \
    second sentence starts, so that sentence-order prediction can swap the two. A fifth of \
    the different pairs is held out to test the models, every copy of a pair in one part. \
    The vocabulary holds the words seen at least twice in the training pairs and in the \
    labelled texts fine-tuning trains on, at most the \(groupedDigits(largestVocabulary)) \
    commonest; every other word becomes `<unk>`, which the models read and predict like \
    any word.
    """
) { out in
  var generator = lesson.random("corpus")
  if let ownText {
    stories = Splits(
      ownText.documents, trainFraction: 1 - heldOutShare, validationFraction: heldOutShare,
      using: &generator)
    pretrainingDocuments = stories.train
  } else {
    let storyTokens = StoryCorpus.generate(count: 2000, using: &generator).map { $0.tokens }
    stories = Splits(storyTokens, using: &generator)
  }
  reviews = ReviewCorpus.generate(count: 3000, using: &generator)
  var reviewDocuments: [[String]] = []
  if ownText == nil {
    reviewDocuments = (0..<1500).map { _ in
      Tokenizer.words(ReviewCorpus.document(using: &generator))
    }
    pretrainingDocuments = stories.train + reviewDocuments
  }
  if let ownLabels {
    let ids = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
    reviews = ownLabels.examples.map {
      Review(text: $0.text, label: ids[$0.label]!, kind: .plain)
    }
  }
  guard builtIn else {
    describeOwnData(out)
    return
  }
  vocabulary = Vocabulary(pretrainingDocuments)
  out.table(
    ["kind", "documents", "example"],
    [
      ["story", "\(stories.train.count)", stories.train[0].joined(separator: " ")],
      ["review", "\(reviewDocuments.count)", reviewDocuments[0].joined(separator: " ")],
    ])
  out.print(
    "vocabulary \(vocabulary.count) tokens; \(stories.validation.count) stories held out for "
      + "testing; the plots can tell \(StoryCorpus.distinctStories) different stories, and "
      + "the split keeps every copy of a story in one part")
  out.print(
    "held-out stories also in training: \(stories.heldOutOverlap { $0 }.validation) of "
      + "\(stories.validation.count)")
}

/// Cell 4 on a learner's data: the vocabulary, from the training pairs and the labelled
/// texts fine-tuning may train on (never its test texts), and what was read.
func describeOwnData(_ out: CellOutput) {
  let pool = FineTuningSplits.parts(reviews).pool
  vocabulary = Vocabulary(
    pretrainingDocuments + pool.map { Tokenizer.words($0.text) }, minimumCount: 2,
    maximumSize: largestVocabulary)
  if let ownText {
    out.print("corpus: \(corpusPath!), read as \(ownText.summary)")
    if ownText.cut.sentences > 0 {
      out.print(
        "\(ownText.cut.sentences) sentences longer than \(longestSentence) words were cut into "
          + "\(ownText.cut.segments) segments of running text (BERT's and ALBERT's segments are "
          + "spans of text, not grammatical sentences), at a comma, semicolon or colon where one "
          + "falls late enough, else at the \(longestSentence)th word")
    }
    out.print(
      "\(ownText.documents.count) pairs of neighbouring sentences or segments of 3 to "
        + "\(longestSentence) words in one paragraph; \(ownText.leftOut) of the "
        + "\(ownText.sentences) sentences and segments are shorter and in no pair")
    out.table(
      ["kind", "documents", "example"],
      [["pair", "\(stories.train.count)", stories.train[0].joined(separator: " ")]])
  } else {
    out.print(
      "pre-training on the built-in text: \(stories.train.count) stories and 1500 reviews with "
        + "a verdict")
  }
  if let ownLabels {
    out.print("labelled texts: \(labelledPath!), read as \(ownLabels.summary)")
  }
  let heldOutWords = stories.validation.joined().filter { $0 != Vocabulary.separator }
  let unknown = heldOutWords.filter { !vocabulary.contains($0) }.count
  out.print(
    "vocabulary \(vocabulary.count) tokens: the words seen at least twice in the training "
      + (ownText == nil ? "stories and reviews" : "pairs") + " and the "
      + (ownLabels == nil ? "reviews" : "labelled texts") + " fine-tuning may train on"
      + (vocabulary.count == largestVocabulary + Vocabulary.specials.count
        ? ", the \(groupedDigits(largestVocabulary)) commonest" : "")
      + String(
        format: "; every other word is <unk>: %.1f %% of the words of the %@",
        100 * Double(unknown) / Double(Swift.max(heldOutWords.count, 1)), heldOutText))
  out.print(
    "\(heldOutText) also in training: \(stories.heldOutOverlap { $0 }.validation) of "
      + "\(stories.validation.count)")
}

/// A small encoder with or without each of ALBERT's two ideas: a factorized embedding
/// (`E` below `H`) and one layer shared by all depths.
func configuration(factorized: Bool, shared: Bool) -> EncoderConfiguration {
  let name =
    factorized && shared
    ? "ALBERT-small" : factorized ? "factorized only" : shared ? "shared only" : "BERT-small"
  return EncoderConfiguration(
    name: name, vocabularySize: vocabulary.count,
    embeddingSize: factorized ? embedding.value : hidden.value, hiddenSize: hidden.value,
    layers: depth.value, heads: 4,
    feedForwardSize: 2 * hidden.value, sharedLayers: shared, maxLength: 64)
}

/// What pre-training recorded: the losses, and whether each step's pair guesses were right.
struct Pretraining {
  var history: TrainingHistory
  /// Per step: the two losses that make up the total, and the share of the batch's
  /// segment-pair questions answered right.
  var mlmLoss: [Float] = []
  var pairLoss: [Float] = []
  var pairAccuracy: [Float] = []

  /// The mean of the last ten values of a per-step series.
  static func final(_ values: [Float]) -> Float {
    let tail = values.suffix(10)
    return tail.reduce(0, +) / Float(Swift.max(tail.count, 1))
  }
}

/// Pre-trains a model with MLM plus a two-way segment task, the same batches for every model.
///
/// `progress` advances once per step; models trained at the same time share one bar.
func pretrain(
  _ model: PretrainingModel, task: PretrainingData.Task, steps: Int = steps.value,
  progress: Notebook.Progress
) throws -> Pretraining {
  var generator = lesson.random("pretraining")
  var record = Pretraining(history: TrainingHistory())
  let history = try TrainingLoop(
    steps: steps, clipNorm: 1,
    schedule: .cosine(
      totalSteps: steps, warmupSteps: Swift.max(steps / 10, 1), minimumFactor: 0.1)
  ).run(
    model: model, optimizer: Adam(model.parameters(), learningRate: 0.003),
    loss: { _ in
      let documents = (0..<32).map { _ in
        pretrainingDocuments[generator.index(pretrainingDocuments.count)]
      }
      let batch = PretrainingData.batch(
        documents, task: task, vocabulary: vocabulary, maskRate: 0.15, masking: masking,
        using: &generator)
      let masked = batch.maskedPositions
      let (tokens, order) = model(batch.inputs, segments: batch.segments, predictingAt: masked)
      let right = zip(order.argmax(axis: -1), batch.labels).filter { $0 == $1 }.count
      let mlmLoss = Tensor.crossEntropy(tokens, targets: masked.map { batch.maskedTargets[$0] })
      let pairLoss = Tensor.crossEntropy(order, targets: batch.labels)
      record.mlmLoss.append(mlmLoss.item)
      record.pairLoss.append(pairLoss.item)
      record.pairAccuracy.append(Float(right) / Float(batch.labels.count))
      return mlmLoss + pairLoss
    },
    onStep: { progress.advance(loss: $0.loss) })
  record.history = history
  return record
}

/// What a pre-trained model gets right on the held-out stories (or pairs of a learner's
/// text), hidden the BERT way.
struct Evaluation {
  /// The share of `[MASK]` positions whose original token is the model's first choice.
  var mlm: Double
  /// The same at positions replaced by a random token, and at chosen positions kept as
  /// they were.
  var random: Double
  var kept: Double
  /// The accuracy on the segment-pair task.
  var pair: Double
  /// How many `[MASK]` positions `mlm` was measured on.
  var masks: Int
  /// The encoder's parameters.
  var parameters: Int
  /// The baseline: the share of those positions where always guessing the commonest
  /// token of the pre-training text is right.
  var commonest: Double
}

/// The commonest token of the pre-training text as the models read it (`<unk>` for every
/// word not in the vocabulary, the `[SEP]` between two sentences not counted), counted
/// once on first use; ties go to the token first in alphabetical order.
var commonestID: Int?
func commonestToken() -> Int {
  if let commonestID { return commonestID }
  var counts: [Int: Int] = [:]
  for document in pretrainingDocuments {
    for token in document where token != Vocabulary.separator {
      counts[vocabulary.id(token), default: 0] += 1
    }
  }
  let commonest = counts.max {
    $0.value < $1.value
      || ($0.value == $1.value && vocabulary.tokens[$0.key] > vocabulary.tokens[$1.key])
  }!
  commonestID = commonest.key
  return commonestID!
}

/// Each held-out story (or pair) drawn five times (its own order swapped or kept, its own wrong
/// continuation, its own masks at each draw), so that a test has 1,000 pairs: one standard
/// error of a pair accuracy near 85 % is then about 1.1 points instead of 2.5.
let evaluationDraws = 5
func heldOutPairs() -> [[String]] {
  Array(repeating: stories.validation, count: evaluationDraws).flatMap { $0 }
}

/// Evaluates a model on the held-out stories or pairs (tokens always hidden 80-10-10, so
/// that all three kinds of position are measured, whatever the model was trained with).
func evaluate(_ model: PretrainingModel, task: PretrainingData.Task) -> Evaluation {
  var generator = lesson.random("evaluation \(task.rawValue)")
  let batch = PretrainingData.batch(
    heldOutPairs(), task: task, vocabulary: vocabulary, maskRate: 0.15, using: &generator)
  let chosen = batch.maskedPositions
  let (tokens, order) = withNoGrad {
    model(batch.inputs, segments: batch.segments, predictingAt: chosen)
  }
  let guesses = Dictionary(uniqueKeysWithValues: zip(chosen, tokens.argmax(axis: -1)))
  func accuracy(_ kind: PretrainingData.Hidden) -> Double {
    let positions = batch.positions(hidden: kind)
    let right = positions.filter { guesses[$0] == batch.maskedTargets[$0] }.count
    return Double(right) / Double(Swift.max(positions.count, 1))
  }
  let pair =
    Double(zip(order.argmax(axis: -1), batch.labels).filter { $0 == $1 }.count)
    / Double(batch.labels.count)
  let masks = batch.positions(hidden: .mask)
  let commonest = masks.filter { batch.maskedTargets[$0] == commonestToken() }.count
  return Evaluation(
    mlm: accuracy(.mask), random: accuracy(.random), kept: accuracy(.kept), pair: pair,
    masks: masks.count, parameters: model.encoder.parameterCount,
    commonest: Double(commonest) / Double(Swift.max(masks.count, 1)))
}

func percent(_ v: Double) -> String { String(format: "%.1f %%", 100 * v) }

var bert: PretrainingModel!
var albert: PretrainingModel!
var bertPretraining: Pretraining!
/// A BERT-small trained on NSP instead of SOP, for the section on NSP.
var nsp: PretrainingModel!
var nspPretraining: Pretraining!
/// What pre-training gave each of the four models, in the order of the table.
var pretrained: [(name: String, model: PretrainingModel, result: Evaluation)] = []

/// Cell 5's words on what each of ALBERT's ideas saves: about the built-in vocabulary, or
/// any.
var savingProse: String {
  builtIn
    ? """
    These models have a \
    vocabulary of under two hundred tokens (cell 4 prints it), so their embedding is a small part of them \
    and factorizing it saves little — unlike BERT-base's 30,522-token table (cell 2) — \
    while a 16-number word vector is a real squeeze; sharing stores one layer instead of \
    \(depth.value). The line under the table gives each idea's saving and its cost in \
    masked words restored — one run's figures: two BERT-smalls that differ only in their \
    initial weights can differ by five points (`--set embedding=32` makes "factorized \
    only" such a twin), so the guide lists them over ten seeds.
    """
    : """
    The vocabulary of your data (cell 4 prints its size) sets the embedding's share, \
    `V × H` against about `12·H²` per layer: the larger `V`, the more factorizing saves; \
    sharing stores one layer instead of \(depth.value). The line under the table gives each \
    idea's saving and its cost in masked words restored — one run's figures: two \
    BERT-smalls that differ only in their initial weights can differ by several points.
    """
}

/// What the guide found about the two masking rules, true of the built-in data only.
let maskingNote =
  builtIn
  ? " (on these reviews and this budget neither rule pre-trains the better classifier "
    + "reliably; the guide has the figures over five seeds)" : ""

lesson.cell(
  "BERT and ALBERT, small, side by side",
  """
  All read `[CLS] first [SEP] second [SEP]`. **MLM**: 15 % of the tokens are chosen, \
  and the model predicts the original at each (its output layer reuses the word \
  embeddings). Here every chosen token becomes `[MASK]`. BERT and ALBERT do otherwise: \
  80 % of the chosen tokens become `[MASK]`, 10 % a random token and 10 % stay as they \
  are (`--set masking=80-10-10`). Their reason: the text a model is fine-tuned on has \
  no `[MASK]`; if only masks are ever asked about, nothing asks the model to keep a \
  useful representation of the words it can see. The table measures every model at all \
  three kinds of position — masked, replaced by a random token, kept — so compare the \
  last columns under both settings, and the fine-tuning table at the end\(maskingNote).
  **SOP**: half of the pairs are swapped, and the model says from `[CLS]` whether they \
  are in order. Training on both objectives at once makes each model a multi-task learner.

  Four models, the same data and steps: BERT-small (`E = H = \(hidden.value)`, \
  \(depth.value) layers of their own), ALBERT-small (`E = \(embedding.value)`, one layer \
  shared by all \(depth.value) depths), and each of ALBERT's two ideas on its own — the \
  direction of the ALBERT paper's own ablations (its Tables 3 and 4). All four apply \
  \(depth.value) layers to every token, so they do the same work; only what they store \
  differs. They train two at a time, one per core: each draws from its own generator, so \
  the numbers are those of four runs one after another (`--quick` trains the first two \
  only). Accuracies are measured on the \(heldOutText). Their layers normalise after \
  each residual sum (post-LN, lesson 4), as BERT's and ALBERT's do, so `--save DIR` \
  writes BERT-small and ALBERT-small as folders Hugging Face's `transformers` loads as \
  they are (docs/INTEROP.md).

  What each idea saves depends on where the parameters are. \(savingProse) A fifth \
  model is trained here too, on NSP instead of SOP; it waits for the section on NSP.
  """
) { out in
  var generator = lesson.random("models")
  // BERT-small and ALBERT-small, then (not under --quick) each idea alone.
  let variants =
    [(false, false), (true, true)] + (lesson.isQuick ? [] : [(true, false), (false, true)])
  let models = variants.map { factorized, shared in
    PretrainingModel(configuration(factorized: factorized, shared: shared), using: &generator)
  }
  bert = models[0]
  albert = models[1]
  // A fifth model, BERT-small trained on NSP, waits for the section on NSP. It needs
  // more steps than SOP, so it goes first and the others share the second core.
  var nspGenerator = lesson.random("nsp model")
  nsp = PretrainingModel(configuration(factorized: false, shared: false), using: &nspGenerator)
  let progress = out.progress(
    "pre-training \(models.count + 1) models", total: models.count * steps.value + nspSteps.value)
  // With --load, BERT-small and ALBERT-small (models 0 and 1) are read instead of trained.
  if let loadFolder {
    for (model, name) in [(bert!, "bert-small"), (albert!, "albert-small")] {
      do {
        try HuggingFaceFolder.load(
          model, tokens: vocabulary.tokens, from: "\(loadFolder)/\(name)")
      } catch let error as HuggingFaceError {
        throw UsageError("--load \(loadFolder): \(error)")
      }
    }
    out.print("loaded BERT-small and ALBERT-small from \(loadFolder); their pre-training skipped")
  }
  let runs = try Parallelism.map(1 + models.count) { index in
    if index == 0 {
      return try pretrain(nsp, task: .nextSentence, steps: nspSteps.value, progress: progress)
    }
    if loadFolder != nil && index <= 2 { return Pretraining(history: TrainingHistory()) }
    return try pretrain(models[index - 1], task: .sentenceOrder, progress: progress)
  }
  nspPretraining = runs[0]
  bertPretraining = runs[1]
  // Rows in the order of the two ideas: neither, factorization, sharing, both.
  let order = lesson.isQuick ? [0, 1] : [0, 2, 3, 1]
  var rows: [[String]] = []
  var series: [LinePlot.Series] = []
  pretrained = []
  for index in order {
    let (model, run) = (models[index], runs[index + 1])
    let name = model.encoder.configuration.name
    let result = evaluate(model, task: .sentenceOrder)
    pretrained.append((name, model, result))
    rows.append([
      name, "\(model.encoder.configuration.embeddingSize)",
      model.encoder.configuration.sharedLayers ? "yes" : "no",
      groupedDigits(model.encoder.parameterCount),
      run.mlmLoss.isEmpty ? "loaded" : String(format: "%.3f", Pretraining.final(run.mlmLoss)),
      run.pairLoss.isEmpty ? "loaded" : String(format: "%.3f", Pretraining.final(run.pairLoss)),
      percent(result.mlm),
      percent(result.random), percent(result.kept), percent(result.pair),
    ])
    if index < 2 && !run.mlmLoss.isEmpty {
      let curve = run.history.smoothedTrainCurve(window: Swift.max(steps.value / 40, 1))
      series.append(.init(name, curve.loss, xs: curve.steps))
    }
  }
  let bertResult = pretrained[0].result
  let albertResult = pretrained[pretrained.count - 1].result
  if let saveFolder {
    // Each folder's model card carries the scores just measured. The two are saved as one:
    // an interrupted save leaves both folders as they were.
    let copies = stories.heldOutOverlap { $0 }.validation
    let source = corpusPath.map { "pairs of sentences of \($0)" } ?? "stories"
    func scores(_ result: Evaluation) -> String {
      "on the lesson's \(stories.validation.count) validation \(source) (seed \(lesson.seed); "
        + "\(copies) of them also occur in the pre-training text), masked-word accuracy "
        + "\(percent(result.mlm)) at [MASK] and sentence-order accuracy \(percent(result.pair))"
    }
    try HuggingFaceFolder.save(
      [
        (bert!, scores(bertResult), "\(saveFolder)/bert-small"),
        (albert!, scores(albertResult), "\(saveFolder)/albert-small"),
      ], tokens: vocabulary.tokens, padID: vocabulary.padID)
    out.printLive(
      "saved \(saveFolder)/bert-small and \(saveFolder)/albert-small (config.json, "
        + "model.safetensors, vocab.txt, tokenizer files, model card)")
  }
  let commonest = bertResult.commonest
  let commonestName =
    builtIn
    ? "always the commonest word"
    : "always the commonest token, \(vocabulary.tokens[commonestToken()])"
  rows.append([commonestName, "", "", "", "", "", percent(commonest), "", "", ""])
  rows.append(["a coin flip (SOP)", "", "", "", "", "", "", "", "", "50.0 %"])
  if !series.isEmpty {
    out.plot(
      LinePlot(series, title: "pre-training loss (MLM + SOP)", height: 7, xLabel: "step"))
  }
  out.table(
    [
      "model", "E", "shared", "encoder parameters", "MLM loss", "SOP loss", "at [MASK]",
      "at random", "kept", "SOP accuracy",
    ], rows)
  let mlmError = (commonest * (1 - commonest) / Double(bertResult.masks)).squareRoot()
  out.print(
    "losses: the last ten training steps; accuracies: the \(heldOutText), the original "
      + "token restored where it was masked (\(bertResult.masks) positions, one standard error "
      + String(format: "about %.1f points", 100 * mlmError)
      + "), replaced by a random token, or kept")
  // What each idea saves and what it costs, against BERT-small.
  func saved(_ row: Int) -> String {
    groupedDigits(bertResult.parameters - pretrained[row].result.parameters)
  }
  func cost(_ row: Int) -> String {
    String(format: "%+.1f", 100 * (pretrained[row].result.mlm - bertResult.mlm))
  }
  if lesson.isQuick {
    out.print(
      "against BERT-small: ALBERT-small saves \(saved(1)) parameters, at [MASK] \(cost(1)) "
        + "points (each idea alone is trained in the default run)")
  } else {
    out.print(
      "against BERT-small: factorization alone saves \(saved(1)) parameters, at [MASK] "
        + "\(cost(1)) points; sharing alone saves \(saved(2)), \(cost(2)) points; both save "
        + "\(saved(3)), \(cost(3)) points")
  }
  // Both models against the baselines, by three standard errors of the measured share.
  let pairError = (0.25 / Double(heldOutPairs().count)).squareRoot()
  // ALBERT-small, with one shared layer and a 16-number embedding, learns words more
  // slowly: after the few steps of --quick it is still at the baseline, so the claim is
  // made for BERT-small, and ALBERT-small's row is there to read.
  out.check(
    "mlm-beats-commonest-word", bertResult.mlm > commonest + 3 * mlmError,
    "BERT-small restores masked words better than always guessing the commonest word, by "
      + "three standard errors",
    control: .setting("--set steps=1", "one step of pre-training has learned no words"),
    onOtherData: "a text of many rare words leaves few masked words a small model can guess")
  out.check(
    "sop-above-chance", Swift.min(bertResult.pair, albertResult.pair) > 0.5 + 3 * pairError,
    "both models tell the order of \(ownText == nil ? "held-out story pairs" : heldOutText) "
      + "above chance, by three standard errors",
    control: .setting("--set steps=1", "one step of pre-training has learned no order"),
    onOtherData: "in real text the order of two sentences is often marked by little a small "
      + "model learns in a few steps",
    // Under --quick the order is learned at about the last steps, sooner at some seeds than
    // at others: the claim is the default run's.
    notVerifiedHere: lesson.isQuick
      ? "verified in the default run; \(steps.value) steps are at the edge of learning it" : nil)
  out.check(
    "albert-smaller", albert.encoder.parameterCount * 2 < bert.encoder.parameterCount,
    "ALBERT-small has less than half of BERT-small's parameters",
    control: .setting(
      "--set layers=1 --set embedding=32", "one layer and E = H leave nothing to share or factor"))
}

lesson.cell(
  "What masked-language modelling taught",
  ownText != nil
    ? """
    Pre-training never saw a label; it learned by restoring hidden words. Below, for a few \
    held-out pairs of your text, one word of the first sentence is hidden (its longest \
    word in the vocabulary), and BERT-small gives its five likeliest fillers and the rank \
    of the hidden word among all the tokens of the vocabulary. The pre-training table \
    measured the same over every held-out pair; here you can read what the model puts in \
    the gap: the commonest tokens, words of the right kind, or the word itself. Compare \
    shorter and longer pre-training (`--set steps=400`, `--set steps=2000`).
    """
    : """
    Pre-training never saw a sentiment label. Yet to restore "the plot was [MASK] . we left \
    smiling ." the model must guess a *positive* adjective, and for "… we left early ." a \
    negative one. Below, BERT-small's five likeliest fillers for a few gaps, then a count \
    over every subject and verdict: is the likeliest of the twenty adjectives on the \
    verdict's side? Chance is half. The sentiment of a gap is one of the later things MLM \
    picks up — after which words can follow which — so compare shorter and longer \
    pre-training (`--set steps=400`, `--set steps=2000`).
    """
) { out in
  guard ownText == nil else {
    showFillers(out)
    return
  }
  /// The model's probabilities for the one `[MASK]` in a two-sentence text whose tokens
  /// are separated by spaces (the tokenizer would split `[MASK]` into three).
  func fill(_ text: String) -> Tensor {
    let tokens = text.split(separator: " ").map(String.init)
    let split = tokens.firstIndex(of: ".")! + 1
    let (input, segments) = PretrainingData.layout(Array(tokens[..<split]), Array(tokens[split...]))
    let batch = PaddedBatch([vocabulary.encode(input)], padID: vocabulary.padID)
    let position = input.firstIndex(of: Vocabulary.mask)!
    return withNoGrad {
      bert(batch, segments: segments, predictingAt: [position]).tokens.softmax().reshaped([-1])
    }
  }
  let adjectives = ReviewCorpus.positive + ReviewCorpus.negative
  let ids = vocabulary.encode(adjectives)
  /// The likeliest of the twenty adjectives for the gap, and its side.
  func likeliestAdjective(_ p: Tensor) -> String {
    let best = ids.indices.max { p[ids[$0]] < p[ids[$1]] }!
    return "\(adjectives[best]) (\(best < ReviewCorpus.positive.count ? "positive" : "negative"))"
  }
  for text in [
    "the plot was [MASK] . we left smiling .", "the plot was [MASK] . we left early .",
    "the music was [MASK] and charming . i would watch it again .",
    "the ending was not [MASK] . i want my money back .",
  ] {
    let p = fill(text)
    let top = p.scalars.indices.sorted { p[$0] > p[$1] }.prefix(5)
    out.print(
      text.replacingOccurrences(of: "[MASK]", with: "____") + "\n  → "
        + top.map { "\(vocabulary.tokens[$0]) \(String(format: "%.2f", p[$0]))" }.joined(
          separator: ", ") + "\n  likeliest adjective: \(likeliestAdjective(p))")
  }
  var right = 0
  var total = 0
  for thing in ReviewCorpus.things {
    for (side, verdicts) in ReviewCorpus.verdicts.enumerated() {
      for verdict in verdicts {
        let p = fill("\(thing) was [MASK] . \(verdict)")
        let best = ids.indices.max { p[ids[$0]] < p[ids[$1]] }!
        total += 1
        if (best < ReviewCorpus.positive.count) == (side == 0) { right += 1 }
      }
    }
  }
  out.print(
    "likeliest adjective on the verdict's side: \(right) of \(total) (\(percent(Double(right) / Double(total))))"
  )
}

/// Cell 6 on a learner's text: BERT-small's fillers for one hidden word of a few held-out
/// pairs.
func showFillers(_ out: CellOutput) {
  // The first four different ones: copies of a pair are held out together.
  var distinct: [[String]] = []
  for document in stories.validation where distinct.count < 4 && !distinct.contains(document) {
    distinct.append(document)
  }
  for document in distinct {
    let (first, second) = PretrainingData.halves(document)
    // The longest word the model knows, the first of them on a tie.
    let known = first.indices.filter { vocabulary.contains(first[$0]) }
    guard let longest = known.map({ first[$0].count }).max() else { continue }
    let hidden = known.first { first[$0].count == longest }!
    var masked = first
    masked[hidden] = Vocabulary.mask
    let (input, segments) = PretrainingData.layout(masked, second)
    let batch = PaddedBatch([vocabulary.encode(input)], padID: vocabulary.padID)
    let p = withNoGrad {
      bert(batch, segments: segments, predictingAt: [hidden + 1]).tokens.softmax().reshaped([-1])
    }
    let ranked = p.scalars.indices.sorted { p[$0] > p[$1] }
    let rank = ranked.firstIndex(of: vocabulary.id(first[hidden]))! + 1
    masked[hidden] = "____"
    out.print(
      (masked + second).joined(separator: " ") + "\n  → "
        + ranked.prefix(5).map { "\(vocabulary.tokens[$0]) \(String(format: "%.2f", p[$0]))" }
        .joined(separator: ", ")
        + "\n  the hidden word, \"\(first[hidden])\", is choice \(rank) of \(vocabulary.count)")
  }
}

lesson.cell(
  "Why sentence order, not next sentence",
  ownText == nil
    ? """
    BERT was pre-trained with **next-sentence prediction (NSP)**: is the second segment \
    the true continuation, or the second sentence of another document? A wrong \
    continuation nearly always names other people, another thing, often another topic — \
    so NSP can be answered without knowing anything about order. A rule with no training \
    at all shows it: *say "continuation" when the segments share at least two content \
    words*. **SOP** closes that shortcut: both segments come from the same story, only the \
    order changes, so the same rule is reduced to guessing.
    """
    : """
    BERT was pre-trained with **next-sentence prediction (NSP)**: is the second segment \
    the true continuation, or the second sentence of another document? When documents \
    differ in topic, a wrong continuation can be spotted without knowing anything about \
    order. A rule with no training at all tests it on your pairs: *say "continuation" \
    when the segments share at least two content words* — here, words other than your \
    text's 30 commonest. **SOP** closes that shortcut: both segments come from the same \
    pair, only the order changes, so the same rule is reduced to guessing. How well \
    shared words answer NSP depends on your text: how much neighbouring sentences share, \
    and how much sentences of different paragraphs do.
    """
) { out in
  // On a learner's text, its 30 commonest words stand in for the function words.
  let function: Set<String> =
    ownText == nil
    ? ["the", ".", "saw", "over", Vocabulary.classification, Vocabulary.separator]
    : Set(Vocabulary.specials + Vocabulary(pretrainingDocuments, maximumSize: 30).tokens)
  func overlapRule(_ task: PretrainingData.Task) -> Double {
    var generator = lesson.random("evaluation \(task.rawValue)")
    let batch = PretrainingData.batch(
      stories.validation, task: task, vocabulary: vocabulary, maskRate: 0, using: &generator)
    var right = 0
    for row in 0..<batch.inputs.batch {
      var words: [Set<Int>] = [[], []]
      for i in 0..<batch.inputs.lengths[row] {
        let id = batch.inputs.ids[row * batch.inputs.length + i]
        if !function.contains(vocabulary.tokens[id]) {
          words[batch.segments[row * batch.inputs.length + i]].insert(id)
        }
      }
      // The control of the check below needs no shared word at all: always "continuation".
      let needed = out.isControl("nsp-shortcut") ? 0 : 2
      let guess = words[0].intersection(words[1]).count >= needed ? 1 : 0
      if guess == batch.labels[row] { right += 1 }
    }
    return Double(right) / Double(batch.labels.count)
  }
  let ruleOnNSP = overlapRule(.nextSentence)
  let ruleOnSOP = overlapRule(.sentenceOrder)
  out.table(
    ["", "NSP", "SOP"], [["shared-words rule", percent(ruleOnNSP), percent(ruleOnSOP)]])
  out.check(
    "nsp-shortcut", ruleOnNSP >= 0.9 && ruleOnSOP < 0.6,
    "shared words answer NSP but not SOP: NSP can be passed without knowing any order",
    control: .sabotage("the rule needs no shared word, so it always says continuation"),
    onOtherData: "neighbouring sentences may share fewer than two words, and sentences of "
      + "different paragraphs of one topic may share more")
}

lesson.cell(
  "A model trained on NSP",
  ownText != nil
    ? """
    The fifth model of the pre-training cell: a BERT-small trained on MLM and NSP instead \
    of SOP, for \(nspSteps.value) steps (`nsp-steps`) against SOP's \(steps.value). Below, \
    it and the SOP-trained BERT-small, each tested on both tasks with the held-out pairs \
    of your text. The question the table answers: does a model that has *learned* NSP \
    know anything about order? The ALBERT paper asked the same on real text (its Table \
    5): its NSP-trained model scored 52.0 % on SOP — chance — while its SOP-trained \
    model scored 78.9 % on NSP. The lines under the table say what happened here; a \
    small model and a short pre-training may learn neither task, and then the table \
    cannot answer.
    """
    : """
    The fifth model of the pre-training cell: a BERT-small trained on MLM and NSP instead \
    of SOP, for \(nspSteps.value) steps (`nsp-steps`) against SOP's \(steps.value), because \
    NSP is learned slowly here: the model first picks up the coarsest shortcut (a \
    review's verdict does not follow a story, a story sentence does not follow a review), \
    and only later learns to match the words of two story sentences, which is what the \
    held-out stories test. Below, it and the SOP-trained BERT-small, each tested on both \
    tasks. The question the table answers: does a model that has *learned* NSP know \
    anything about order? The ALBERT paper asked the same on real text (its Table 5): its \
    NSP-trained model scored 52.0 % on SOP — chance — while its SOP-trained model scored \
    78.9 % on NSP. The line under the table says how far the SOP model carries over to NSP \
    here; why might real text and these stories differ?
    """
) { out in
  let window = Swift.max(Swift.max(steps.value, nspSteps.value) / 40, 1)
  var curves: [LinePlot.Series] = [
    .init(
      "NSP", TrainingHistory.smoothed(nspPretraining.pairAccuracy, window: window),
      xs: TrainingHistory.smoothedSteps(count: nspSteps.value, window: window))
  ]
  if !bertPretraining.pairAccuracy.isEmpty {  // empty when BERT-small was loaded
    curves.append(
      .init(
        "SOP", TrainingHistory.smoothed(bertPretraining.pairAccuracy, window: window),
        xs: TrainingHistory.smoothedSteps(count: steps.value, window: window)))
  }
  out.plot(
    LinePlot(
      curves, title: "pair accuracy on training batches, each model on its own task", height: 7,
      xLabel: "step"))
  let sopOnSOP = evaluate(bert, task: .sentenceOrder).pair
  let sopOnNSP = evaluate(bert, task: .nextSentence).pair
  let nspOnNSP = evaluate(nsp, task: .nextSentence).pair
  let nspOnSOP = evaluate(nsp, task: .sentenceOrder).pair
  out.table(
    ["trained on", "tested on NSP", "tested on SOP"],
    [
      ["NSP", percent(nspOnNSP), percent(nspOnSOP)], ["SOP", percent(sopOnNSP), percent(sopOnSOP)],
      ["NSP, in the ALBERT paper (Table 5)", "", "52.0 %"],
      ["SOP, in the ALBERT paper (Table 5)", "78.9 %", ""],
    ])
  out.print(
    "\(heldOutText), \(heldOutPairs().count) pairs per test (each of the "
      + "\(stories.validation.count) drawn \(evaluationDraws) times); a guess scores 50 % "
      + "(one standard error √(0.25 / \(heldOutPairs().count)) = "
      + String(format: "%.1f", 100 * (0.25 / Double(heldOutPairs().count)).squareRoot())
      + " points)")
  let guessError = binomialError(0.5, heldOutPairs().count)
  let transfer = (sopOnNSP - 0.5) / guessError
  out.print(
    "the SOP model on NSP: \(percent(sopOnNSP)), "
      + (sopOnSOP < 0.5 + 3 * guessError
        ? "but at this budget it has not learned SOP itself (\(percent(sopOnSOP))): nothing to "
          + "carry over"
        : abs(transfer) < 2
          ? "within two standard errors of a guess: here SOP carried nothing over to NSP"
          : String(
            format: "%+.1f points from a guess (%.1f standard errors)", 100 * (sopOnNSP - 0.5),
            transfer)
            + (sopOnNSP > 0.5 ? ": some carried over, against the paper's 78.9 %" : "")))
  if nspOnNSP < 0.8 && lesson.isQuick {
    out.print(
      "the NSP model has not learned NSP at \(nspSteps.value) steps (\(percent(nspOnNSP)); the "
        + "default run's check asks 80 %), so the table cannot answer the question at this "
        + "budget; the default run trains it longer and "
        + (builtIn ? "checks it" : "says whether it learned it"))
  } else if nspOnNSP < 0.8 {
    out.print(
      "the NSP model has not learned NSP at \(nspSteps.value) steps (\(percent(nspOnNSP)); the "
        + "check below asks 80 %), so the table cannot answer the question at this budget "
        + "(more steps: --set nsp-steps=N)")
  }
  if !lesson.isQuick {
    // The control of this check puts the SOP model in the NSP model's place.
    let tested = out.isControl("nsp-model-blind-to-order") ? sopOnSOP : nspOnSOP
    out.check(
      "nsp-model-learns-nsp", nspOnNSP >= 0.8,
      "the NSP model has learned NSP: at least 80 % on \(heldOutText), whose wrong "
        + "continuations are other \(ownText == nil ? "stories" : "pairs") (a guess scores 50 %)",
      control: .setting("--set nsp-steps=1", "one step of pre-training teaches no NSP"),
      onOtherData: "a wrong continuation from the same text can be hard to tell from the true one")
    // Blind to order is only news for a model that learned NSP: an untrained one is blind
    // to everything, so the check also asks for the NSP score of the check above.
    out.check(
      "nsp-model-blind-to-order", tested < 0.6 && nspOnNSP >= 0.8,
      "yet the NSP model, at \(percent(nspOnNSP)) on NSP, is near chance on SOP "
        + "(\(percent(tested))): learning NSP taught it no order",
      control: .sabotage("the SOP model is tested in the NSP model's place"),
      learnedNothing: .setting(
        "--set nsp-steps=1", "an NSP model after one step is blind to order and to NSP"),
      onOtherData: "the claim needs a model that learned NSP (the check above), and one that "
        + "learned it on real text may have picked up some order too")
    out.check(
      "sop-model-learns-order", sopOnSOP >= 0.9,
      ownText == nil
        ? "the SOP model has learned the order of the plots' stages"
        : "the SOP model has learned the order of your pairs: at least 90 % on SOP",
      control: .setting("--set steps=1", "one step of pre-training teaches no order"),
      onOtherData: "the order of two real sentences is often not marked by anything a small "
        + "model learns")
  }
}

// MARK: Fine-tuning

/// The opening of the fine-tuning section: the task.
let payoff =
  builtIn
  ? "sentiment with only a few labelled reviews. We put a two-way classifier"
  : "\(ownLabels == nil ? "sentiment" : "your labels") with only a few labelled examples. "
    + "We put a classifier of \(labelNames.count) classes"
/// What the section says pre-training taught: on the built-in data, what the guide shows.
let carriedOver =
  builtIn
  ? "What did pre-training teach that helps? To restore a masked adjective from its "
    + "neighbour (\"clever and [MASK]\") or from the verdict, the model is pushed to tell "
    + "positive adjectives from negative ones — without ever seeing a label. The probe above "
    + "measured how far it got; the table below shows that what pre-training built, this and "
    + "the rest, carries over to a labelled task."
  : "Whether pre-training on \(ownText == nil ? "the built-in stories and reviews" : "your text") "
    + "helps with these labels is what the table below measures: it helps when restoring "
    + "hidden words of that text taught the encoder something the labels depend on."

lesson.markdown(
  """
  ## Pre-train, then fine-tune

  Now the payoff: \(payoff) \
  on the pooled `[CLS]` vector and train the whole model on the labels, starting (a) from \
  random weights, (b) from the pre-trained BERT-small with one learning rate, (c) from \
  the same with **layer-wise learning-rate decay**, a fine-tuning practice (ULMFiT's \
  discriminative fine-tuning, later BERT and ELECTRA recipes; not part of ALBERT): the \
  new classifier learns at the full rate, the pooler at `decay` times it, the top \
  encoder layer at `decay²`, and so on down to the embeddings, so the general features \
  of the lower layers move least. It also lowers the mean rate, so a difference may \
  come from the smaller steps as much as from their shape; and (d) from the pre-trained \
  ALBERT-small, to see what its savings cost on a task. Pre-training and fine-tuning \
  are *decoupled*: one expensive pre-training serves many cheap fine-tunings. \
  \(carriedOver)
  """)

let trials = lesson.isQuick ? 1 : 4
let runsText =
  trials == 1 ? "once" : "\(trials) times (other classifier weights, other batch orders)"

/// The labelled and the test reviews (or texts of a learner's file) of the fine-tuning
/// cell. The generated reviews are cut by their text, so every copy of a review is in one
/// part — the grammar is small and repeats reviews, and a test review that is also a
/// labelled one is not held out. Two thirds of the different texts form the pool of
/// labelled examples, shuffled; the first `labels` of it are used, so changing `labels`
/// never changes the (at most) 500 test reviews.
struct FineTuningSplits {
  let labelled: [Review]
  let test: [Review]
  /// How many test reviews are also among the labelled ones (0, by construction).
  let overlap: Int

  /// The pool of labelled examples and the held-out part, each shuffled.
  static func parts(_ reviews: [Review]) -> (pool: [Review], held: [Review]) {
    var generator = lesson.random("fine-tuning split")
    let parts = Splits(
      reviews, keepingCopiesOf: \.text, trainFraction: 2.0 / 3, validationFraction: 0,
      using: &generator)
    var pool = parts.train
    var held = parts.test
    generator.shuffle(&pool)
    generator.shuffle(&held)
    return (pool, held)
  }

  init(_ reviews: [Review], labels: Int) {
    let (pool, held) = Self.parts(reviews)
    labelled = Array(pool.prefix(labels))
    test = Array(held.prefix(500))
    let seen = Set(labelled.map(\.text))
    overlap = test.filter { seen.contains($0.text) }.count
  }
}

/// The most word tokens of a text the classifier reads: with `[CLS]` and `[SEP]`, the
/// models' 64 positions. A longer text (a learner's, never a built-in review) is cut there.
let longestText = 62

/// `[CLS] review [SEP]` for each review, padded into one batch.
func classificationBatch(_ reviews: [Review]) -> PaddedBatch {
  PaddedBatch(
    reviews.map {
      vocabulary.encode(
        [Vocabulary.classification] + Tokenizer.words($0.text).prefix(longestText)
          + [Vocabulary.separator])
    }, padID: vocabulary.padID)
}

/// One fine-tuning run: which test reviews it classified right, how many parameters it
/// trained, and how long a step took.
struct FineTuningRun {
  var right: [Bool]
  var trainable: Int
  var secondsPerStep: Double

  var accuracy: Double { Double(right.filter { $0 }.count) / Double(right.count) }
}

/// Fine-tunes a classifier (of sentiment, or of a learner's labels) on `configuration`'s
/// encoder. It reuses from
/// `source` what `recipe` says (nothing, everything, or the word vectors) and trains the
/// rest; each depth's learning rate is `decay` times the one above (1: one rate for all).
/// Run `run` of every start draws the same initial weights, classifier and batches, so
/// runs pair up across starts.
func fineTune(
  _ configuration: EncoderConfiguration, _ recipe: FineTuningRecipe,
  from source: TransformerEncoderModel?, decay: Float, run: Int, on splits: FineTuningSplits,
  progress: Notebook.Progress
) throws -> FineTuningRun {
  var generator = lesson.random("fine-tune \(run)")
  let encoder = TransformerEncoderModel(configuration, using: &generator)
  let classifier = SequenceClassifier(
    encoder: encoder, classes: labelNames.count, using: &generator)
  let trained = recipe.prepare(classifier, from: source)
  let groups = ParameterGroup.layerwise(trained, learningRate: 1e-3, decay: decay)
  let train = splits.labelled
  let started = Date()
  // A frozen encoder gives each review the same [CLS] vector at every step, so a linear
  // probe computes them once and trains its classifier on them.
  let features =
    recipe == .linearProbe
    ? withNoGrad { classifier.features(classificationBatch(train)) } : nil
  try TrainingLoop(steps: fineTuneSteps.value, clipNorm: 1).run(
    model: classifier, optimizer: AdamW(groups: groups, weightDecay: 0.01),
    loss: { _ in
      let picked = (0..<32).map { _ in generator.index(train.count) }
      let targets = picked.map { train[$0].label }
      if let features {
        return Tensor.crossEntropy(
          classifier.head(features.indexSelect(axis: 0, indices: picked)), targets: targets)
      }
      return Tensor.crossEntropy(
        classifier(classificationBatch(picked.map { train[$0] })), targets: targets)
    },
    onStep: { progress.advance(loss: $0.loss) })
  let seconds = Date().timeIntervalSince(started) / Double(fineTuneSteps.value)
  classifier.eval()
  let predicted = withNoGrad { classifier(classificationBatch(splits.test)).argmax(axis: -1) }
  return FineTuningRun(
    right: zip(predicted, splits.test).map { $0 == $1.label },
    trainable: trained.joined().reduce(0) { $0 + $1.count }, secondsPerStep: seconds)
}

/// Each start's fine-tuning runs, run by run, and the reviews they used: the cells after
/// the fine-tuning cell compare with them.
var fineTuned: [(name: String, runs: [FineTuningRun])] = []
var fineTuningSplits: FineTuningSplits!

lesson.cell(
  ownLabels == nil
    ? "Sentiment from \(labels.value) labels" : "Your labels, from \(labels.value) examples",
  ownLabels == nil
    ? """
    Each start is fine-tuned \(runsText) for the same steps on the same \(labels.value) \
    labelled reviews, and tested on 500 new ones: BERT-small from scratch and pre-trained, \
    and the pre-trained ALBERT-small. The runs are independent, so they too go two at a time.
    """
    : """
    Two thirds of your file's different texts form the pool of labelled examples, the \
    rest the test texts (at most 500), every copy of a text in one part. Each start is \
    fine-tuned \(runsText) for the same steps on the same \(labels.value) labelled texts \
    (all of the pool, if it holds fewer), and tested on the test texts: BERT-small from \
    scratch and pre-trained, and the pre-trained ALBERT-small. Compare them with always \
    answering the commonest label of the labelled texts. The runs are independent, so they \
    too go two at a time.
    """
) { out in
  let splits = FineTuningSplits(reviews, labels: labels.value)
  fineTuningSplits = splits
  if ownLabels != nil { try describeLabelledTexts(out, splits) }
  out.print(
    "test \(ownLabels == nil ? "reviews" : "texts") also in training (among the "
      + "\(splits.labelled.count) labelled): \(splits.overlap) of \(splits.test.count)")
  let (bertSmall, albertSmall) = (bert.encoder, albert.encoder)
  let starts:
    [(name: String, encoder: TransformerEncoderModel, recipe: FineTuningRecipe, decay: Float)] = [
      ("BERT-small from scratch", bertSmall, .scratch, 1),
      // The control of the pre-training check starts this row from scratch too.
      (
        "BERT-small pre-trained, one rate", bertSmall,
        out.isControl("pre-training-helps") ? .scratch : .full, 1
      ),
      ("BERT-small pre-trained, decay \(decay.value)", bertSmall, .full, decay.value),
      ("ALBERT-small pre-trained, one rate", albertSmall, .full, 1),
    ]
  let jobs = starts.indices.flatMap { start in (0..<trials).map { (start, $0) } }
  let progress = out.progress(
    "fine-tuning \(jobs.count) runs", total: jobs.count * fineTuneSteps.value)
  let results = try Parallelism.map(jobs.count) { job in
    let (start, run) = jobs[job]
    let s = starts[start]
    return try fineTune(
      s.encoder.configuration, s.recipe, from: s.encoder, decay: s.decay, run: run, on: splits,
      progress: progress)
  }
  fineTuned = starts.indices.map { start in
    (starts[start].name, Array(results[(start * trials)..<((start + 1) * trials)]))
  }
  /// Each start's test accuracy, run by run.
  let runs = fineTuned.map { $0.runs.map(\.accuracy) }
  let means = runs.map { $0.reduce(0, +) / Double(trials) }
  var rows = starts.indices.map {
    [starts[$0].name, percent(means[$0]), runs[$0].map(percent).joined(separator: ", ")]
  }
  if !builtIn {
    // The baseline: always the label commonest among the labelled examples.
    let labelled = splits.labelled.map(\.label)
    let commonest = labelNames.indices.max { a, b in
      labelled.filter { $0 == a }.count < labelled.filter { $0 == b }.count
    }!
    let share =
      Double(splits.test.filter { $0.label == commonest }.count) / Double(splits.test.count)
    rows.append(["always the commonest label (\(labelNames[commonest]))", percent(share), ""])
  }
  out.table(["start", "mean test accuracy", "runs"], rows)
  if lesson.isQuick {
    out.print(
      "under --quick, \(steps.value) pre-training steps are too few for the pre-trained starts "
        + "to gain much; the default run's 1,000 steps "
        + (builtIn ? "show the difference" : "may show more"))
  }
  func points(_ x: Double) -> String { String(format: "%+.1f", 100 * x) }
  out.print(
    "pre-trained minus scratch: \(points(means[1] - means[0])) points; decay minus one rate: "
      + "\(points(means[2] - means[1])); ALBERT-small minus BERT-small, both pre-trained: "
      + "\(points(means[3] - means[1]))")
  if !lesson.isQuick {
    // Run t of every start shares its classifier's initial weights and its batches, so
    // the runs are compared in pairs: the spread of the paired differences gives the
    // standard error, without the run-to-run luck both starts share.
    let error = PairedDifference(runs[1], runs[0]).standardError
    out.print(
      String(
        format: "standard error of BERT-small pre-trained minus scratch, from the %d paired "
          + "runs: %.1f points", trials, 100 * error))
    // A size and a count: more than 5 points on average, and ahead in all paired runs but
    // at most one (for two equal starts, a chance of (trials + 1) in 2^trials: 5 in 16 with
    // four runs; the size does most of the work). Four runs are few: with test reviews
    // that are never labelled ones, scratch comes out ahead in one run of four at some seeds.
    let ahead = zip(runs[1], runs[0]).filter { $0 > $1 }.count
    out.print("pre-trained ahead of scratch in \(ahead) of \(trials) paired runs")
    // The paired runs share one pre-trained encoder, so beating scratch in all of them can
    // also come from that encoder's initial draw; the check therefore also asks that
    // pre-training taught it something: masked words restored three standard errors above
    // always guessing the commonest word, as the check on MLM asks.
    let masked = pretrained[0].result
    let maskedError =
      (masked.commonest * (1 - masked.commonest) / Double(Swift.max(masked.masks, 1)))
      .squareRoot()
    out.print(
      "BERT-small's masked-word accuracy at [MASK] on \(heldOutText): \(percent(masked.mlm)) "
        + "(always guessing the commonest word: \(percent(masked.commonest)))")
    out.check(
      "pre-training-helps",
      ahead >= trials - 1 && means[1] - means[0] > 0.05
        && masked.mlm > masked.commonest + 3 * maskedError,
      "the pre-trained encoder beats training from scratch on \(splits.labelled.count) labels "
        + "by more "
        + "than 5 points on average, ahead in at least \(trials - 1) of \(trials) paired runs "
        + "(here \(ahead)), and its pre-training restores masked words better than guessing the "
        + "commonest word (by three standard errors)",
      control: .sabotage(
        "the pre-trained start is replaced by a fresh BERT-small, drawn as the scratch one is"),
      learnedNothing: .setting(
        "--set steps=1 --set nsp-steps=1", "one pre-training step teaches the encoder nothing"),
      onOtherData: "pre-training helps only where restoring words of its text taught what the "
        + "labels depend on, and \(trials) runs on a few test texts are a noisy measure")
  }
}

/// Cell 10 with a learner's labelled texts: the labels' shares, any label the labelled
/// examples lack, and how many texts are cut or also occur in the pre-training text.
func describeLabelledTexts(_ out: CellOutput, _ splits: FineTuningSplits) throws {
  let present = Set(splits.labelled.map(\.label))
  guard present.count >= 2 else {
    throw UsageError(
      "\(labelledPath!): the \(splits.labelled.count) labelled texts have only the label "
        + "'\(labelNames[present.first!])'; add texts of the other labels, or more with "
        + "--set labels=N")
  }
  out.print(
    "labelled \(splits.labelled.count), test \(splits.test.count); share of each label among "
      + "the labelled: "
      + labelNames.indices.map { id in
        let share = Double(splits.labelled.filter { $0.label == id }.count)
        return String(
          format: "%@ %.1f %%", labelNames[id], 100 * share / Double(splits.labelled.count))
      }.joined(separator: ", "))
  let missing = labelNames.indices.filter { !present.contains($0) }
  if !missing.isEmpty {
    out.print(
      "no labelled example of " + missing.map { "'\(labelNames[$0])'" }.joined(separator: ", ")
        + ": the classifier cannot learn " + (missing.count == 1 ? "it" : "them")
        + " (--set labels=N takes more)")
  }
  let texts = (splits.labelled + splits.test).map { Tokenizer.words($0.text) }
  let cut = texts.filter { $0.count > longestText }.count
  if cut > 0 {
    out.print(
      "\(cut) of the \(texts.count) texts are longer than \(longestText) words; the "
        + "classifier reads their first \(longestText)")
  }
  // Not labels leaking: pre-training reads text, never a label. But a test text that was
  // also a pre-training sentence is not new to the encoder.
  let sentences = Set(
    pretrainingDocuments.flatMap {
      let (first, second) = PretrainingData.halves($0)
      return [first, second]
    })
  let inPretraining = splits.test.filter { sentences.contains(Tokenizer.words($0.text)) }.count
  out.print(
    "test texts that are also a sentence of the pre-training text: \(inPretraining) of "
      + "\(splits.test.count)")
}

// MARK: Zero-shot

/// The prompts of the zero-shot cell: the verdict slot of the pre-training text after the
/// review and before it, then an adjective slot in a sentence pre-training never put
/// after a review.
let prompts = [
  ClozePrompt("we left [MASK] .", place: .afterText, positive: "smiling", negative: "early"),
  ClozePrompt("we left [MASK] .", place: .beforeText, positive: "smiling", negative: "early"),
  ClozePrompt("the movie was [MASK] .", place: .afterText, positive: "good", negative: "bad"),
]

/// The zero-shot accuracy of each prompt on the reviews in neither the pre-training text
/// nor the labels, the majority class's share there, and one standard error near 50 %.
var zeroShot: [Double] = []
var zeroShotMajority = 0.0
var zeroShotError = 0.0

/// A binomial standard error: of a share `p` measured on `n` items.
func binomialError(_ p: Double, _ n: Int) -> Double { (p * (1 - p) / Double(n)).squareRoot() }

/// The share of `items` whose entry of `right` is true.
func share(_ right: [Bool], _ items: [Int]) -> Double {
  Double(items.filter { right[$0] }.count) / Double(items.count)
}

/// The mean over fine-tuning runs of their accuracy on `items` of the test reviews.
func meanShare(_ runs: [FineTuningRun], _ items: [Int]) -> Double {
  runs.map { share($0.right, items) }.reduce(0, +) / Double(runs.count)
}

/// The fine-tuning cell's test reviews, and which of them also occur as a sentence of the
/// pre-training text or among the labelled reviews: those are not held out from a model
/// that read them.
struct HeldOut {
  let texts: [[String]]
  let labels: [Int]
  let inPretraining: Int
  let inLabels: Int
  /// The test reviews in neither.
  let unseen: [Int]

  init(_ splits: FineTuningSplits) {
    texts = splits.test.map { Tokenizer.words($0.text) }
    labels = splits.test.map(\.label)
    func key(_ tokens: [String]) -> String { tokens.joined(separator: " ") }
    let pretraining = Set(pretrainingDocuments.flatMap { Corruption.sentences($0).map(key) })
    let labelled = Set(splits.labelled.map { key(Tokenizer.words($0.text)) })
    let seen = texts.map { (pretraining.contains(key($0)), labelled.contains(key($0))) }
    inPretraining = seen.filter { $0.0 }.count
    inLabels = seen.filter { $0.1 }.count
    unseen = texts.indices.filter { !seen[$0].0 && !seen[$0].1 }
  }

  /// Whether each predicted class is the review's label.
  func right(_ predicted: [Int]) -> [Bool] { zip(predicted, labels).map { $0 == $1 } }

  /// The share of the commoner label among `items`.
  func majorityShare(_ items: [Int]) -> Double {
    let positive = share(labels.map { $0 == 1 }, items)
    return Swift.max(positive, 1 - positive)
  }
}

/// BERT-small drawn as in the pre-training cell, after a single pre-training step: a
/// model that has learned nothing, for the learned-nothing baseline.
func pretrainedForOneStep(progress: Notebook.Progress) throws -> PretrainingModel {
  var generator = lesson.random("models")
  let model = PretrainingModel(configuration(factorized: false, shared: false), using: &generator)
  _ = try pretrain(model, task: .sentenceOrder, steps: 1, progress: progress)
  return model
}

lesson.cell(
  "Zero-shot: a prompt instead of labels",
  !builtIn
    ? """
    Fine-tuning needed labels. A pre-trained model can sometimes answer with *none* — \
    **zero-shot** — when a **cloze prompt** turns the task into a gap its MLM head fills: \
    after a review, `we left [MASK] .`, positive when `P(smiling) > P(early)`. That works \
    only when pre-training tied the task to words in such a place. This lesson's prompts \
    were written for the built-in reviews and the verdicts of the built-in pre-training \
    text, and neither your labels nor your text gives them a meaning, so this cell runs \
    only on the built-in data: run the lesson without `--corpus` and `--labelled` to see it.
    """
    : """
    Fine-tuning needed \(labels.value) labels. Can the pre-trained BERT-small classify \
    reviews with *none* — **zero-shot**? Pre-training showed it reviews followed by \
    verdicts: "… we left smiling ." after praise, "… we left early ." after complaints. So \
    we write the review, then the **cloze prompt** `we left [MASK] .`, and ask the MLM head \
    which word fits the gap: positive when `P(smiling) > P(early)`. No label is used; the \
    model only completes text of the kind it was trained on. The prompt is our choice, and \
    the answer can depend on it, so we try three: the verdict after the review (as in \
    pre-training), the verdict *before* it (as in SOP's swapped pairs, half of what \
    pre-training saw), and a second review sentence `the movie was [MASK] .` with good / \
    bad — a place where no pre-training text put an adjective after a review. Compare the \
    rows with chance, with the majority class, with the models fine-tuned on \
    \(labels.value) labels (the same 500 test reviews), and with the same prompts on a \
    BERT-small after one pre-training step, which has learned nothing. The grammar is \
    small, so some test reviews also occur in the pre-training text (with their verdict); \
    the split of cell 10 keeps them out of the labelled ones, and the column "in neither" \
    keeps only the reviews that are in neither.
    """
) { out in
  guard builtIn else {
    out.print("skipped: the prompts need the built-in reviews and pre-training text")
    return
  }
  let test = HeldOut(fineTuningSplits)
  out.print(
    "test reviews also in the pre-training text: \(test.inPretraining) of \(test.texts.count); "
      + "also among the \(labels.value) labelled: \(test.inLabels); in neither: "
      + "\(test.unseen.count)")
  // Each prompt's right answers, from the pre-trained BERT-small and from one that has
  // learned nothing.
  let oneStep = try pretrainedForOneStep(progress: out.progress("one pre-training step", total: 1))
  let right = [bert!, oneStep].map { model in
    prompts.map { test.right($0.classify(test.texts, model: model, vocabulary: vocabulary)) }
  }
  let (all, unseen) = (Array(test.texts.indices), test.unseen)
  let majority = [all, unseen].map(test.majorityShare)
  var rows = prompts.indices.map { i in
    [
      prompts[i].description, "\(prompts[i].positive) / \(prompts[i].negative)",
      percent(share(right[0][i], all)), percent(share(right[0][i], unseen)),
      percent(share(right[1][i], unseen)),
    ]
  }
  rows.append(["chance", "", "50.0 %", "50.0 %", "50.0 %"])
  rows.append(["always the majority class", "", percent(majority[0]), percent(majority[1]), ""])
  for start in fineTuned.prefix(2) {
    rows.append([
      "\(start.name), \(labels.value) labels", "", percent(meanShare(start.runs, all)),
      percent(meanShare(start.runs, unseen)), "",
    ])
  }
  out.table(
    ["prompt (TEXT: the review)", "positive / negative", "all test", "in neither", "one step"],
    rows)
  zeroShot = prompts.indices.map { share(right[0][$0], unseen) }
  zeroShotMajority = majority[1]
  zeroShotError = binomialError(0.5, unseen.count)
  let best = zeroShot.max()!
  out.print(
    String(
      format: "on the %d reviews in neither, one standard error of a share near 50 %% is %.1f "
        + "points; the prompts span %.1f %% to %.1f %%; the majority class scores %.1f %%; "
        + "\"one step\": BERT-small after a single pre-training step",
      unseen.count, 100 * zeroShotError, 100 * zeroShot.min()!, 100 * best, 100 * majority[1]))
  // Shown, not claimed: at this pre-training budget a prompt is rarely ahead (the guide
  // gives ten seeds), and among three prompts one can clear two standard errors by luck.
  func list(_ indices: [Int]) -> String {
    indices.isEmpty
      ? "none" : indices.map { "\"\(prompts[$0].description)\"" }.joined(separator: ", ")
  }
  let ahead = prompts.indices.filter { zeroShot[$0] > majority[1] + 2 * zeroShotError }
  let below = prompts.indices.filter { zeroShot[$0] < 0.5 - 2 * zeroShotError }
  out.print(
    "ahead of the majority class by more than two standard errors: \(list(ahead)); below "
      + "chance by more than two: \(list(below)). Zero-shot is shown here, not claimed: after "
      + "\(steps.value) pre-training steps the MLM head has barely tied a review's sentiment to "
      + "its verdict (cell 6 probed the same link the other way), and with three prompts to "
      + "choose from, one can clear two standard errors by luck")
}

// MARK: Training in parts

/// The labels the fine-tuning cells train on, in their prose: a learner's pool can hold
/// fewer than `labels`.
var sameLabels: String { ownLabels == nil ? "\(labels.value) labels" : "labelled texts" }

/// What each recipe takes from pre-training.
let reused: [FineTuningRecipe: String] = [
  .full: "encoder", .linearProbe: "encoder (frozen)", .wordVectors: "word table (frozen)",
  .scratch: "nothing",
]

func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

/// `a − b` in points, with its paired standard error when there are runs enough for one.
func pairedText(_ a: [Double], _ b: [Double]) -> String {
  guard a.count >= 2 else { return String(format: "%+.1f", 100 * (mean(a) - mean(b))) }
  let paired = PairedDifference(a, b)
  return String(format: "%+.1f (SE %.1f)", 100 * paired.mean, 100 * paired.standardError)
}

/// The runs of the training-in-parts cell, by recipe, for the closing table.
var partRuns: [FineTuningRecipe: [FineTuningRun]] = [:]

lesson.cell(
  "Training in parts",
  """
  Pre-training trained every part of BERT-small at once; the task need not. **Training in \
  parts** (hierarchical training) trains some parts, freezes them, and trains the rest \
  later or not at all. Three ways to meet the same \(sameLabels), paired run by \
  run with the fine-tuning cell (same classifier weights, same batches): **full \
  fine-tuning**, the pre-trained row of cell 10, reuses the whole pre-trained encoder and trains all of \
  it; a **linear probe** freezes the pre-trained encoder and trains only the classifier \
  on its `[CLS]` vector, so it asks how much of the task the encoder's features already \
  carry; **embeddings only** reuses just the pre-trained word vectors (frozen) in a fresh \
  encoder whose other parts start from scratch — the older recipe of pre-trained word \
  embeddings. A frozen part needs no gradient, so the probe's steps skip the backward \
  pass through the encoder; the step times go to the terminal beside the progress bar, \
  as timings change from run to run. What to look for: the trainable parameters, and how \
  far each row lies from full fine-tuning and from scratch, against its paired standard \
  error.
  """
) { out in
  let splits = fineTuningSplits!
  let bertSmall = bert.encoder
  // The control of the check below trains the probe's encoder too: full fine-tuning.
  let probe: FineTuningRecipe = out.isControl("freezing-costs") ? .full : .linearProbe
  let recipes: [(FineTuningRecipe, TransformerEncoderModel)] = [
    (probe, bertSmall), (.wordVectors, bertSmall),
  ]
  let jobs = recipes.indices.flatMap { recipe in (0..<trials).map { (recipe, $0) } }
  let progress = out.progress(
    "fine-tuning \(jobs.count) runs in parts", total: jobs.count * fineTuneSteps.value)
  let results = try Parallelism.map(jobs.count) { job in
    let (recipe, run) = jobs[job]
    return try fineTune(
      bertSmall.configuration, recipes[recipe].0, from: recipes[recipe].1, decay: 1, run: run,
      on: splits, progress: progress)
  }
  partRuns = [.full: fineTuned[1].runs, .scratch: fineTuned[0].runs]
  for (index, recipe) in [FineTuningRecipe.linearProbe, .wordVectors].enumerated() {
    partRuns[recipe] = Array(results[(index * trials)..<((index + 1) * trials)])
  }
  let order: [FineTuningRecipe] = [.full, .linearProbe, .wordVectors, .scratch]
  let accuracies = order.map { partRuns[$0]!.map(\.accuracy) }
  out.table(
    [
      "recipe", "reuses", "trainable parameters", "backward through the encoder",
      "mean test accuracy", "minus full", "minus scratch",
    ],
    order.indices.map { row in
      [
        order[row].rawValue, reused[order[row]]!, groupedDigits(partRuns[order[row]]![0].trainable),
        order[row] == .linearProbe ? "no" : "yes", percent(mean(accuracies[row])),
        row == 0 ? "" : pairedText(accuracies[row], accuracies[0]),
        row == 3 ? "" : pairedText(accuracies[row], accuracies[3]),
      ]
    })
  out.printTiming(
    "seconds per fine-tuning step, two runs at a time: "
      + order.map {
        String(
          format: "%@ %.1f ms", $0.rawValue,
          1000 * mean(partRuns[$0]!.map(\.secondsPerStep)))
      }.joined(separator: ", "))
  out.print(
    "points of test accuracy on the \(splits.test.count) test "
      + "\(ownLabels == nil ? "reviews" : "texts"), mean of \(trials) paired "
      + (trials == 1 ? "run" : "runs") + "; the standard errors are of the paired differences")
  let frozenCost = mean(accuracies[0]) - mean(accuracies[1])
  guard trials >= 2 else {
    out.print(
      String(
        format: "one run each under --quick: full fine-tuning minus the linear probe %+.1f "
          + "points, shown, not claimed (no spread to measure it against)", 100 * frozenCost))
    return
  }
  let frozen = PairedDifference(accuracies[0], accuracies[1])
  out.check(
    "freezing-costs", frozen.isClearlyPositive,
    String(
      format: "freezing the pre-trained encoder costs accuracy: full fine-tuning is ahead of "
        + "the linear probe by %.1f points, more than two paired standard errors (%.1f), "
        + "training %@ parameters instead of %@", 100 * frozen.mean, 100 * frozen.standardError,
      groupedDigits(partRuns[.full]![0].trainable),
      groupedDigits(partRuns[.linearProbe]![0].trainable)),
    control: .sabotage("the probe's encoder is trained too: full fine-tuning in its place"),
    learnedNothing: .setting("--set finetune-steps=1", "one fine-tuning step teaches neither"),
    onOtherData: "where the pre-trained features already carry the labels, a probe on them "
      + "can do as well as training the whole encoder")
}

lesson.cell(
  "Five ways to decouple, measured",
  """
  This lesson has now shown five ways of loosening the ties between a model's parts and \
  its tasks: **pre-train, then fine-tune** (one training without labels serves the task), \
  **weight sharing** (the depth of the computation no longer sets the parameter count), \
  **multi-task** pre-training (MLM and SOP from one model), **training in parts** (freeze \
  what was learned, train the rest), and **zero-shot** use (no task training at all). The \
  table gathers, from this run, what each did here against its baseline; "helped" means \
  ahead by more than two standard errors, "cost" behind by as much.
  """
) { out in
  func points(_ x: Double) -> String { String(format: "%+.1f", 100 * x) }
  func judged(_ a: [Double], _ b: [Double]) -> (text: String, verdict: String) {
    guard a.count >= 2 else {
      return (points(a[0] - b[0]) + " points (one run)", "one run: not judged")
    }
    let d = PairedDifference(a, b)
    let verdict = d.isClearlyPositive ? "helped" : d.isClearlyNegative ? "cost" : "within 2 SE"
    return (points(d.mean) + String(format: " points (SE %.1f)", 100 * d.standardError), verdict)
  }
  let accuracy = fineTuned.map { $0.runs.map(\.accuracy) }
  let pretraining = judged(accuracy[1], accuracy[0])
  let sharing = judged(accuracy[3], accuracy[1])
  let probe = judged(partRuns[.linearProbe]!.map(\.accuracy), accuracy[1])
  let words = judged(partRuns[.wordVectors]!.map(\.accuracy), accuracy[0])
  let bertResult = pretrained[0].result
  let albertResult = pretrained[pretrained.count - 1].result
  // Each objective counts as learned by the pre-training cell's own tests: three standard
  // errors above the commonest word (MLM) and above chance (SOP).
  let maskError = binomialError(bertResult.commonest, Swift.max(bertResult.masks, 1))
  let learned = [
    ("MLM", bertResult.mlm > bertResult.commonest + 3 * maskError),
    ("SOP", bertResult.pair > 0.5 + 3 * binomialError(0.5, heldOutPairs().count)),
  ]
  let multiTaskVerdict =
    learned.allSatisfy(\.1)
    ? "both learned; no one-task model to compare"
    : learned.map { "\($0.0) \($0.1 ? "learned" : "not learned (within 3 SE)")" }
      .joined(separator: ", ")
  var rows = [
    [
      "pre-train, then fine-tune", "10", "BERT-small from scratch",
      pretraining.text + " of test accuracy", pretraining.verdict,
    ],
    [
      "weight sharing (with factorization)", "5, 10", "BERT-small, both pre-trained",
      groupedDigits(bertResult.parameters - albertResult.parameters) + " parameters fewer; "
        + sharing.text + " of test accuracy", sharing.verdict,
    ],
    [
      "multi-task (MLM + SOP)", "5", "commonest word; chance",
      "one model: at [MASK] \(percent(bertResult.mlm)) (\(percent(bertResult.commonest))), "
        + "SOP \(percent(bertResult.pair)) (50.0 %)",
      multiTaskVerdict,
    ],
    [
      "training in parts: linear probe", "12", "full fine-tuning",
      probe.text + " with " + groupedDigits(partRuns[.linearProbe]![0].trainable)
        + " trainable parameters", probe.verdict,
    ],
    [
      "training in parts: word vectors only", "12", "BERT-small from scratch",
      words.text, words.verdict,
    ],
  ]
  if let verdictPrompt = zeroShot.first {  // the prompt fixed in advance: the verdict slot
    let zeroShotVerdict =
      verdictPrompt > zeroShotMajority + 2 * zeroShotError
      ? "helped" : verdictPrompt < zeroShotMajority - 2 * zeroShotError ? "cost" : "within 2 SE"
    rows.append([
      "zero-shot (\"\(prompts[0].description)\")", "11", "majority class",
      String(
        format: "%.1f %% against %.1f %% (SE %.1f)", 100 * verdictPrompt, 100 * zeroShotMajority,
        100 * zeroShotError), zeroShotVerdict,
    ])
  } else {
    rows.append(["zero-shot", "11", "majority class", "needs the built-in data", "not run"])
  }
  out.table(["idea", "cell", "against", "here", "verdict"], rows)
}

lesson.markdown(
  builtIn
    ? """
    ## Summary

    - Parameter counts follow from the configuration: `V·H` (or `V·E + E·H`) for the \
    embedding, about `12·H²` per layer, `L` layers (or one, shared).
    - **Factorized embeddings** untie the embedding size `E` from the hidden size `H`: \
    BERT-base's 23.4M-number word table becomes 3.9M. **Cross-layer sharing** stores one \
    layer instead of `L`: its 85.1M numbers of layers become 7.1M. ALBERT-base has about \
    9× fewer parameters than BERT-base; it is not 9× faster — fewer parameters is not less \
    computation: every layer is still applied, and ALBERT-xxlarge, with `H = 4096`, does \
    about 8× the layer multiply-adds per token of BERT-large (the "work per token" column).
    - **The trade-off**: ALBERT-small stores 40 % of BERT-small's parameters and does about \
    the same work per token; the line under the pre-training table says what each idea \
    cost in masked words at this run, and the fine-tuning line what the pre-trained \
    ALBERT-small gives up against BERT-small (the guide has both over ten seeds).
    - **MLM** chooses 15 % of the tokens and predicts the original at each; BERT's rule \
    hides them 80 % `[MASK]`, 10 % random, 10 % kept, so that every visible word may be a \
    question. The table after pre-training shows what each model gets right at each kind \
    of position, against the commonest-word baseline.
    - Pre-training objectives: **MLM** predicts hidden words; **SOP** asks for the order of \
    two segments of one text, which no cue but the order answers; **NSP** can be passed by \
    noticing that the segments come from different texts, so it teaches little about order.
    - **Decoupling**, five ways: pre-training is done once and fine-tuning many times; \
    weight sharing decouples the depth of the computation from the number of parameters \
    (and factorization the embedding size from the hidden size); one model learns two \
    objectives (multi-task); parts can be trained separately and frozen (training in \
    parts); a pre-trained model can be asked a task it was never trained on (zero-shot). \
    Which of them helped at this run, and by how much, is the table of the last cell — \
    computed from this run's numbers, each against its baseline with its standard error.
    - **Zero-shot** by a cloze prompt reads the answer off the MLM head, with no label; it \
    needs pre-training to have tied the task to words the head can predict, and the \
    prompt's wording moves the result (cell 11 shows how much at this run).
    - **Training in parts**: a linear probe trains only the classifier and skips the \
    backward pass through the encoder; what that saves and what it gives up against full \
    fine-tuning is the table of cell 12.
    - **Pre-train, then fine-tune**: one pre-training on unlabelled text serves many tasks; \
    with few labels the pre-trained encoder beats one trained from scratch (the default \
    run checks it on 100), and what carried over \
    is everything pre-training shaped — word vectors, attention patterns — of which the \
    probe measured one piece. Layer-wise learning-rate decay \
    moves the lower layers least; whether it beats one rate on this small encoder is the \
    line under the table (the guide gives its spread over ten seeds) — try other decays and \
    more labels.

    ## Try this

    - `swift run -c release albert --set embedding=4`: an even thinner embedding. What does MLM lose?
    - `swift run -c release albert --set labels=600`: more labels. Does pre-training still matter?
    - `swift run -c release albert --set steps=2000`: longer pre-training. Does the probe \
    find the sentiment? Does the NSP model learn to match words, and does it then do better \
    on SOP?
    - `swift run -c release albert --set decay=0.5`: a steep decay. Which layers can still learn?
    - `swift run -c release albert --set masking=80-10-10`: BERT's masking rule. What \
    happens to the "at random" and "kept" columns, and to fine-tuning?
    """
    : """
    ## Summary

    The results of this run are your data's: the table of the last cell gathers them, \
    each against its baseline, and a check above marked "not so on this text" is a \
    finding of the built-in run that your data did not bear out. What does not depend on \
    the data:

    - Parameter counts follow from the configuration: `V·H` (or `V·E + E·H`) for the \
    embedding, about `12·H²` per layer, `L` layers (or one, shared).
    - **Factorized embeddings** untie the embedding size `E` from the hidden size `H`: \
    BERT-base's 23.4M-number word table becomes 3.9M. **Cross-layer sharing** stores one \
    layer instead of `L`: its 85.1M numbers of layers become 7.1M. Fewer parameters is \
    not less computation: every layer is still applied. With your vocabulary, the line \
    under the pre-training table says what each idea saved and cost at this run.
    - **MLM** chooses 15 % of the tokens and predicts the original at each; BERT's rule \
    hides them 80 % `[MASK]`, 10 % random, 10 % kept. **SOP** asks for the order of two \
    neighbouring sentences, which no cue but the order answers; **NSP** can be passed by \
    noticing that the segments come from different texts — cell 7 measured how far \
    shared words go on your pairs.
    - **Decoupling**, five ways: pre-train once and fine-tune many times; share weights; \
    learn two objectives in one model; train parts separately and freeze them; ask a task \
    with no training (zero-shot, which needs prompts tied to the pre-training text, so it \
    ran only on the built-in data).
    - **Pre-train, then fine-tune** helps when restoring words of the pre-training text \
    taught what the labels depend on; cell 10 says whether it did here, against training \
    from scratch and the commonest label.

    ## Try this

    - `\(ownCommand) --set steps=2000`: longer pre-training. Do MLM and SOP improve, and \
    does fine-tuning gain from it?
    - `\(ownCommand) --set labels=400`: more labels (if your file has them). Does \
    pre-training still matter?
    - `\(ownCommand) --set embedding=4`: an even thinner embedding. What does MLM lose \
    with your vocabulary?
    - `swift run -c release albert`: the built-in run, whose every figure the guide explains.
    """)

lesson.quiz([
  Question(
    "With V = 30000, E = 128 and H = 768, how many numbers does the factorized word embedding hold (the V × E table and the E → H projection with its bias, V·E + E·H + H)?",
    number: 3_939_072, tolerance: 0.5,
    explanation: "30000 · 128 + 128 · 768 + 768 = 3,840,000 + 98,304 + 768 (the bias)."),
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
  Question(
    "A linear probe freezes an encoder with H = 32 and trains only a two-class linear classifier on its [CLS] vector. How many parameters does it train?",
    number: 66, tolerance: 0.5,
    explanation: "A 32 × 2 weight and 2 biases: 64 + 2 = 66 (cell 12's table)."),
  Question(
    "A cloze prompt classifies by log P(smiling) − log P(early) at the mask. Why can it compare the two logits instead of the probabilities?",
    choices: [
      "both probabilities come from one softmax, so its normaliser cancels in the difference",
      "the logits of a pre-trained model are already probabilities",
      "the mask position has no softmax",
    ],
    answer: 0,
    explanation:
      "log P(w) = logit(w) − log Σ exp(logits); the second term is the same for both words."),
])

lesson.run()
