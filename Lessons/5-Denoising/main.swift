// Lesson 5: denoising autoencoders.
//
//     swift run -c release denoising
//
// z = encoder(x), x̂ = decoder(z), L = loss(x, x̂): what a sentence code holds, and how
// an encoder-decoder transformer learns by restoring corrupted text.
import Course
import Foundation
import LanguageModels
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  catalog: .denoising,
  introduction: """
    An *autoencoder* learns without labels: an encoder squeezes the input into a small \
    code `z = encoder(x)`, a decoder rebuilds it, `x̂ = decoder(z)`, and training lowers \
    the reconstruction loss `L = loss(x, x̂)`. A *denoising* autoencoder first damages the \
    input and must rebuild the original — it cannot just copy, it must understand. By the \
    end of this lesson you will be able to train a sentence autoencoder and explore its \
    code space (neighbours, a 2-D map, interpolation, sampling, codes as features), apply \
    the five corruptions the BART paper compares, and train an encoder–decoder transformer \
    that restores masked words.

    It builds on lesson 3 (recurrent networks, teacher forcing) and lesson 4 (attention).
    """)

let aeSteps = lesson.knob(
  "ae-steps", default: 600, quick: 250, range: 1...100_000, help: "autoencoder training steps")
let latentSize = lesson.knob(
  "latent", default: 16, range: 2...256, help: "size of the sentence code z")
let steps = lesson.knob(
  "steps", default: 500, quick: 200, range: 1...100_000,
  help: "denoising transformer training steps")
let layers = lesson.knob("layers", default: 1, range: 1...6, help: "encoder and decoder layers")
let corruptionName = lesson.knob(
  "corruption", default: Corruption.tokenMasking.rawValue,
  choices: Corruption.allCases.map { $0.rawValue },
  help: "the corruption the transformer trains on")
let rate = lesson.knob("rate", default: 0.15, range: 0.01...0.9, help: "share of tokens corrupted")
let documentCount = lesson.knob(
  "documents", default: 1500, quick: 1000, range: 100...100_000,
  help: "two-sentence documents to generate")
let corpusPath = lesson.option(
  "corpus", valueName: "FILE",
  help: "train on your own text (wrapped prose, Markdown or one sentence per line): its "
    + "sentences of 3 to 20 words (longer ones cut into segments), and pairs of neighbouring "
    + "ones in a paragraph as documents")
lesson.runsOnOwnData = corpusPath != nil
/// The corruption of now (read by the cell that asks, so `set corruption=…` re-runs it).
var corruption: Corruption { Corruption(rawValue: corruptionName.value)! }

/// The longest sentence taken from a learner's file, in word tokens: the autoencoder's
/// code and the transformer's 64 positions are sized for short sentences.
let longestSentence = 20
/// A learner's text, read before any cell: its sentences that fit, and its documents (two
/// neighbouring sentences of one paragraph, pairs not overlapping, so that no sentence is
/// in two documents).
struct OwnText {
  var sentences: [String]
  var documents: [[String]]
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
    // Sentences longer than the model takes are cut into segments of running text.
    let (read, cutSentences, segments) = file.cuttingSentences(longerThan: longestSentence)
    func fits(_ text: String) -> Bool {
      (3...longestSentence).contains(Tokenizer.words(text).count)
    }
    let documents = read.neighbouringPairs(words: 3...longestSentence).map { $0.first + $0.second }
    let kept = read.sentences.filter(fits)
    // Distinct ones: copies stay in one split, so only different sentences and documents
    // fill the held-out splits.
    let distinctSentences = Set(kept).count
    let distinctDocuments = Set(documents).count
    guard distinctSentences >= 50, distinctDocuments >= 50 else {
      throw CorpusError(
        "\(corpusPath) has \(distinctSentences) different sentences of 3 to \(longestSentence) "
          + "words (longer ones cut into segments) and \(distinctDocuments) different pairs of them in one paragraph (read as "
          + "\(read.layout.rawValue)); the lesson needs at least 50 of each: use a longer text, "
          + "with paragraphs of several sentences separated by blank lines")
    }
    ownText = OwnText(
      sentences: kept, documents: documents, leftOut: read.sentences.count - kept.count,
      summary: file.summary, cut: (cutSentences, segments))
  } catch {
    lesson.refuse("\(error)")
  }
}
// About 6 operations per parameter per token: the autoencoder (about 40,000 parameters,
// batches of 32 sentences of about 12 tokens), then the transformer (about 15,000 + 20,500
// per layer, 32 documents of about 44 tokens in and out) trained once in full and six times
// for a third of its steps in the comparison.
// Checked before the first cell and after every `set`.
lesson.constraint {
  lesson.longTraining(
    operations: 6 * 32 * 12 * 40_000 * Double(aeSteps.value) + 6 * 32 * 44
      * (15_000 + 20_500 * Double(layers.value)) * 3 * Double(steps.value),
    settings: "\(aeSteps.value) autoencoder steps, \(steps.value) steps, \(layers.value) layers",
    shorten: "lower --set steps, --set ae-steps or --set layers")
}

// MARK: Part 1 — the plain autoencoder

var vocabulary: Vocabulary!
var sentences: Splits<Sentence>!
var reviews: Splits<Review>!
var autoencoder: SentenceAutoencoder!
/// The same network as `autoencoder` before any training: what its codes hold by chance.
var untrained: SentenceAutoencoder!

func ids(_ text: String) -> [Int] { vocabulary.encode(Tokenizer.words(text)) }
func words(_ ids: [Int]) -> String { vocabulary.decode(ids).joined(separator: " ") }

lesson.cell(
  ownText == nil ? "Sentences and reviews" : "Your sentences",
  ownText == nil
    ? """
    The autoencoder reads the topic sentences of lessons 2 and 3 and the reviews of lesson \
    1, without their topics or labels: it learns from text alone. We keep the labels aside \
    to see later what the codes captured.
    """
    : """
    The autoencoder reads your file's sentences of 3 to \(longestSentence) words (a code of \
    \(latentSize.value) numbers is too small for a paragraph); a longer sentence is cut into \
    segments of running text that take its place. They are split into training, validation \
    and test sentences. It learns from text alone.
    """
) { out in
  var generator = lesson.random("text")
  if let ownText {
    // A learner's sentences, with no topic (every one is topic 0) and no reviews.
    sentences = Splits(
      ownText.sentences.map { Sentence(text: $0, topic: 0) }, keepingCopiesOf: \.text,
      using: &generator)
    reviews = Splits([Review](), keepingCopiesOf: \.text, using: &generator)
    vocabulary = Vocabulary(sentences.train.map { Tokenizer.words($0.text) }, maximumSize: 3_000)
    out.print("corpus: \(corpusPath!), read as \(ownText.summary)")
    if ownText.cut.sentences > 0 {
      out.print(
        "\(ownText.cut.sentences) sentences longer than \(longestSentence) words were cut into "
          + "\(ownText.cut.segments) segments of running text, at a comma, semicolon or colon "
          + "where one falls late enough, else at the \(longestSentence)th word")
    }
    out.print(
      "\(ownText.sentences.count) sentences or segments of 3 to \(longestSentence) words kept, "
        + "\(ownText.leftOut) shorter ones left out; \(sentences.train.count) to "
        + "train on; vocabulary \(vocabulary.count)"
        + (vocabulary.count == 3_000 + 7 ? " (the 3,000 commonest words, the rest <unk>)" : ""))
    out.print("sentences: " + sentences.overlapSummary(\.text))
    return
  }
  // Copies of a sentence or review go to one split: no held-out text was trained on.
  sentences = Splits(
    SentenceCorpus.generate(count: lesson.isQuick ? 800 : 2000, using: &generator),
    keepingCopiesOf: \.text, using: &generator)
  reviews = Splits(
    ReviewCorpus.generate(count: lesson.isQuick ? 600 : 1500, using: &generator),
    keepingCopiesOf: \.text, using: &generator)
  vocabulary = Vocabulary(
    sentences.train.map { Tokenizer.words($0.text) }
      + reviews.train.map { Tokenizer.words($0.text) })
  out.print(
    "\(sentences.train.count) sentences and \(reviews.train.count) reviews to train on; vocabulary \(vocabulary.count)"
  )
  out.print("sentences: " + sentences.overlapSummary(\.text))
  out.print("reviews: " + reviews.overlapSummary(\.text))
}

lesson.cell(
  "Train the sentence autoencoder",
  """
  A GRU encoder turns a sentence into a code of \(latentSize.value) numbers; a GRU decoder, \
  starting from the code and reading it again at every step, rebuilds the sentence with \
  *teacher forcing* (it reads the true previous word at each step). The code is the only \
  path from input to output, so everything the decoder needs must fit in it. Look at the \
  reconstructions, and where they slip.
  """
) { out in
  var generator = lesson.random("autoencoder")
  autoencoder = SentenceAutoencoder(
    vocabularySize: vocabulary.count, embeddingSize: 32, hiddenSize: 64,
    latentSize: latentSize.value,
    using: &generator)
  var same = lesson.random("autoencoder")
  untrained = SentenceAutoencoder(
    vocabularySize: vocabulary.count, embeddingSize: 32, hiddenSize: 64,
    latentSize: latentSize.value,
    using: &same)
  let texts = sentences.train.map { ids($0.text) } + reviews.train.map { ids($0.text) }
  var sampler = BatchSampler(count: texts.count, batchSize: 32, using: &generator)
  let progress = out.progress("autoencoder", total: aeSteps.value)
  let history = try TrainingLoop(
    steps: aeSteps.value, clipNorm: 1,
    schedule: .cosine(totalSteps: aeSteps.value, minimumFactor: 0.1)
  ).run(
    model: autoencoder, optimizer: Adam(autoencoder.parameters(), learningRate: 0.01),
    loss: { _ in autoencoder.loss(sampler.next().map { texts[$0] }, vocabulary: vocabulary) },
    onStep: { progress.update($0.step + 1, loss: $0.loss) })
  out.plot(
    LinePlot(
      [.init("train", history.smoothedTrainLoss(window: Swift.max(aeSteps.value / 60, 1)))],
      title: "reconstruction loss per sentence", height: 6, logScale: true))
  for sentence in sentences.validation.prefix(3) {
    let code = autoencoder.encode([ids(sentence.text)], vocabulary: vocabulary).reshaped([-1])
    out.print(
      "\(sentence.text)\n  → \(words(autoencoder.decode(code, vocabulary: vocabulary, maximumLength: 20)))"
    )
  }
  // What training bought: the share of the words of 100 validation sentences that come
  // back in their place, from the trained network and from the same network untrained.
  func rebuilt(_ model: SentenceAutoencoder) -> Double {
    let held = sentences.validation.prefix(100).map { ids($0.text) }
    let z = withNoGrad { model.encode(held, vocabulary: vocabulary) }
    let decoded = model.decode(codes: z, vocabulary: vocabulary, maximumLength: 24)
    var right = 0
    for i in held.indices {
      right += zip(decoded[i], held[i]).filter { $0 == $1 }.count
    }
    return Double(right) / Double(held.reduce(0) { $0 + $1.count })
  }
  let trainedRate = rebuilt(autoencoder)
  let untrainedRate = rebuilt(untrained)
  out.print(
    String(
      format:
        "words of %d validation sentences rebuilt in place: trained %.1f %%, untrained %.1f %%",
      Swift.min(100, sentences.validation.count), 100 * trainedRate, 100 * untrainedRate))
  out.check(
    "rebuilds-sentences", trainedRate > untrainedRate + 0.3,
    "training is what rebuilds sentences: over 30 points more of their words come back in place than untrained",
    control: .setting("--set ae-steps=1", "one step of training rebuilds nothing"),
    onOtherData: "long and varied sentences are hard to squeeze into a code this small")
}

func codes(_ texts: [String], of model: SentenceAutoencoder = autoencoder) -> [[Double]] {
  withNoGrad {
    let z = model.encode(texts.map(ids), vocabulary: vocabulary)
    return (0..<texts.count).map { i in (0..<latentSize.value).map { Double(z[i, $0]) } }
  }
}

lesson.cell(
  ownText == nil ? "Similar sentences lie close" : "Which sentences lie close",
  ownText == nil
    ? """
    For a sentence, the new sentences whose codes (centred on their mean) point in the \
    most similar direction (cosine similarity). Neighbours share topic and structure. But \
    is that training's doing? The fair baseline is the same network before training: its \
    random features still depend on which words occur, and in this text the words give \
    the topic away. Compare the two rows of the table before crediting the training.
    """
    : """
    For a held-out sentence, the other held-out sentences whose codes (centred on their \
    mean) point in the most similar direction (cosine similarity). Your sentences carry \
    no topic to score the neighbours by: read them, and judge what the code keeps.
    """
) { out in
  // 600 new sentences, so that a difference of a few points is more than noise: none of
  // them a training sentence, and no two alike (a copy would be its own nearest neighbour).
  // On a learner's text: the validation sentences, held out by construction.
  var fresh = lesson.random("neighbours")
  let training = Set(sentences.train.map(\.text))
  var seen = Set<String>()
  let probe =
    ownText != nil
    ? Array(sentences.validation.filter { seen.insert($0.text).inserted }.prefix(600))
    : Array(
      SentenceCorpus.generate(count: 4_000, using: &fresh).filter {
        !training.contains($0.text) && seen.insert($0.text).inserted
      }.prefix(600))
  let pool = probe.map { $0.text }
  // Centre the codes: every code shares a large common part, which would make all
  // cosines close to 1 and hide the differences we care about.
  func centred(_ model: SentenceAutoencoder) -> [[Double]] {
    let raw = codes(pool, of: model)
    let centre = (0..<latentSize.value).map { j in
      raw.reduce(0) { $0 + $1[j] } / Double(raw.count)
    }
    return raw.map { code in zip(code, centre).map { $0 - $1 } }
  }
  func cosine(_ a: [Double], _ b: [Double]) -> Double {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return dot / Swift.max(na * nb, 1e-12)
  }
  /// The other sentences, most similar first, with their similarity to sentence `q`.
  func neighbours(_ q: Int, _ pooled: [[Double]]) -> [(index: Int, similarity: Double)] {
    pool.indices.filter { $0 != q }.map { ($0, cosine(pooled[q], pooled[$0])) }
      .sorted { $0.similarity > $1.similarity }
  }
  let trainedCodes = centred(autoencoder)
  for q in 0..<2 {
    out.print("\(pool[q])")
    for (i, similarity) in neighbours(q, trainedCodes).prefix(3) {
      out.print(String(format: "  %.2f  ", similarity) + pool[i])
    }
  }
  guard ownText == nil else { return }
  // Over every validation sentence: does its nearest neighbour share its topic? With five
  // topics drawn evenly, a random neighbour would about one time in five. The same
  // network before training is the baseline: what random features of the words give.
  let topics = probe.map { $0.topic }
  /// The share of sentences whose nearest neighbour (by cosine; ties to the first) has the
  /// same topic.
  func share(_ pooled: [[Double]], _ topics: [Int] = topics) -> Double {
    let agreeing = pool.indices.filter { q in
      let nearest = pool.indices.filter { $0 != q }.max {
        cosine(pooled[q], pooled[$0]) < cosine(pooled[q], pooled[$1])
      }!
      return topics[nearest] == topics[q]
    }.count
    return Double(agreeing) / Double(pool.count)
  }
  let trainedShare = share(trainedCodes)
  // The control of the check below shuffles the topics, so agreement falls to chance.
  var shuffler = lesson.random("control")
  let untrainedShare = share(
    centred(untrained),
    out.isControl("words-give-topic") ? topics.shuffled(using: &shuffler) : topics)
  let n = Double(pool.count)
  let error = (trainedShare * (1 - trainedShare) / n + untrainedShare * (1 - untrainedShare) / n)
    .squareRoot()
  out.table(
    ["codes", "nearest neighbour of the same topic"],
    [
      ["trained encoder", String(format: "%.1f %%", 100 * trainedShare)],
      ["the same encoder untrained", String(format: "%.1f %%", 100 * untrainedShare)],
      ["a random sentence", "about 20 %"],
    ])
  out.print(
    String(
      format:
        "%d new sentences (none in training, no two alike); trained minus untrained: %+.1f "
        + "points (standard error %.1f)",
      pool.count, 100 * (trainedShare - untrainedShare), 100 * error))
  out.check(
    "words-give-topic", untrainedShare >= 0.8,
    "even untrained, the encoder's codes put a same-topic sentence nearest for at least 80 % "
      + "of sentences: the words alone give the topic away",
    control: .sabotage("the topics are shuffled, so agreement falls to chance"))
}

/// On a learner's text the map has no topics to mark.
let mapNote =
  ownText == nil
  ? ""
  : " Your sentences have no topic, so all carry one mark: look for clumps, then read what "
    + "the sentences of a clump share."

lesson.cell(
  "A map of the codes",
  """
  The codes have \(latentSize.value) dimensions; *principal component analysis* finds the two \
  directions along which they vary most, and we plot every validation sentence there, \
  marked by the topic it came from (which the model never saw).\(mapNote)
  """
) { out in
  let projected = PCA.project(codes(sentences.validation.map { $0.text }))
  out.plot(
    ScatterPlot(
      xs: projected.map { $0[0] }, ys: projected.map { $0[1] },
      classes: sentences.validation.map { $0.topic },
      classNames: ownText == nil ? SentenceCorpus.topics : ["sentence"],
      title: "sentence codes, first two principal components", height: 14))
}

lesson.cell(
  "Between two sentences, and out of nowhere",
  """
  Decoding codes on the straight line between two sentences' codes, and codes drawn at \
  random (each dimension from a normal distribution fitted to the training codes). \
  Sampling is hit-and-miss: a plain autoencoder puts no *prior* on its codes — nothing \
  in its training asks the space between training codes to decode to sentences — so a \
  drawn code may land where the decoder never learned to go. A *variational* \
  autoencoder adds that prior: it trains the codes to follow a normal distribution, so \
  that codes drawn from it decode to text. We count how many samples are sentences the \
  model trained on, and how many are new; read the new ones and judge them.
  """
) { out in
  let ends = [sentences.validation[0].text, sentences.validation[1].text]
  let pair = withNoGrad { autoencoder.encode(ends.map(ids), vocabulary: vocabulary) }
  out.print("from: " + ends[0])
  out.print("to:   " + ends[1])
  for t in stride(from: 0.0, through: 1.0, by: 0.25) {
    let z = withNoGrad {
      pair.selected(axis: 0, index: 0) * Float(1 - t) + pair.selected(axis: 0, index: 1) * Float(t)
    }
    out.print(
      String(format: "t = %.2f  ", t)
        + words(autoencoder.decode(z, vocabulary: vocabulary, maximumLength: 20)))
  }
  let training = codes(sentences.train.prefix(500).map { $0.text })
  var mean = [Double](repeating: 0, count: latentSize.value)
  var std = [Double](repeating: 0, count: latentSize.value)
  for code in training {
    for j in 0..<latentSize.value { mean[j] += code[j] / Double(training.count) }
  }
  for code in training {
    for j in 0..<latentSize.value {
      let deviation: Double = code[j] - mean[j]
      std[j] += deviation * deviation / Double(training.count)
    }
  }
  std = std.map { $0.squareRoot() }
  var generator = lesson.random("samples")
  let seen = Set(sentences.train.map { Tokenizer.words($0.text).joined(separator: " ") })
  let samples = (0..<20).map { _ in
    let noise = Tensor.normal([latentSize.value], using: &generator).scalars
    let z = Tensor(
      (0..<latentSize.value).map { Float(mean[$0] + std[$0] * Double(noise[$0])) },
      shape: [latentSize.value])
    return words(autoencoder.decode(z, vocabulary: vocabulary, maximumLength: 20))
  }
  for sample in samples.prefix(4) {
    out.print("sampled   " + sample + (seen.contains(sample) ? "   (a training sentence)" : ""))
  }
  let repeated = samples.filter { seen.contains($0) }.count
  out.print(
    "of \(samples.count) sampled codes, \(repeated) decode to a training sentence and "
      + "\(samples.count - repeated) to text the model never trained on")
}

lesson.cell(
  "The code as features",
  """
  The autoencoder never saw a sentiment label. Does its code carry sentiment anyway? A \
  logistic regression on the \(latentSize.value) numbers of a review's code tries to learn \
  it — the idea of *pre-training*: learn representations from unlabelled text, then use \
  them for a task with few labels. The honest comparisons: the same encoder untrained, \
  and lesson 1's word counts. We test on 1,000 new reviews; a guess is right half the \
  time give or take one standard error, `√(0.25 / 1000)` or 1.6 points, so we count a \
  code as carrying sentiment only when it beats both a coin and the majority answer by \
  three standard errors (4.7 points).
  """
) { out in
  guard ownText == nil else {
    out.print(
      "skipped on your text: this cell needs texts with labels (the built-in reviews' "
        + "sentiment); lesson 1 classifies a labelled file of yours")
    return
  }
  var fresh = lesson.random("probe test")
  let testReviews = ReviewCorpus.generate(count: 1_000, using: &fresh)
  // The control of this cell's check trains every probe on shuffled labels: nothing to learn.
  var shuffler = lesson.random("control")
  let trainLabels =
    out.isControl("random-code-carries-sentiment")
    ? reviews.train.map { $0.label }.shuffled(using: &shuffler) : reviews.train.map { $0.label }
  let labels = Tensor(trainLabels.map { Float($0) }, shape: [reviews.train.count, 1])
  let actual = testReviews.map { $0.label }
  /// Test accuracy of a logistic regression trained on `features` of the training reviews.
  func probeAccuracy(_ features: ([Review]) -> Tensor) throws -> Double {
    let train = withNoGrad { features(reviews.train) }
    let test = withNoGrad { features(testReviews) }
    var generator = lesson.random("probe")
    let probe = Linear(train.shape[1], 1, using: &generator)
    try TrainingLoop(steps: 300).run(
      optimizer: Adam(probe.parameters(), learningRate: 0.05),
      loss: { _ in Tensor.binaryCrossEntropyWithLogits(probe(train), labels) })
    let predicted = withNoGrad { probe(test).scalars.map { $0 > 0 ? 1 : 0 } }
    return BinaryMetrics(predicted: predicted, actual: actual).accuracy
  }
  func code(_ model: SentenceAutoencoder) -> ([Review]) -> Tensor {
    { model.encode($0.map { ids($0.text) }, vocabulary: vocabulary) }
  }
  let trained = try probeAccuracy(code(autoencoder))
  let random = try probeAccuracy(code(untrained))
  let counts = try probeAccuracy { reviews in
    Tensor(
      reviews.flatMap { BagOfWords.counts(Tokenizer.words($0.text), vocabulary: vocabulary) },
      shape: [reviews.count, vocabulary.count])
  }
  let baseline = majorityBaseline(trainLabels: reviews.train.map { $0.label }, labels: actual)
  out.table(
    ["features", "test accuracy"],
    [
      ["none (majority baseline)", String(format: "%.1f %%", 100 * baseline)],
      [
        "\(latentSize.value)-number code, untrained encoder",
        String(format: "%.1f %%", 100 * random),
      ],
      [
        "\(latentSize.value)-number code, trained encoder",
        String(format: "%.1f %%", 100 * trained),
      ],
      [
        "word counts (\(vocabulary.count) numbers, lesson 1)",
        String(format: "%.1f %%", 100 * counts),
      ],
    ])
  // The standard error of an accuracy near 50 % on 1,000 reviews, and of a difference of two.
  let error = (0.25 / Double(testReviews.count)).squareRoot()
  let gain = trained - random
  let twoErrors = 2 * error * 2.0.squareRoot()
  out.print(
    String(
      format: "trained minus untrained: %+.1f points; two standard errors of a difference: %.1f",
      100 * gain, 100 * twoErrors))
  let verdict =
    gain > twoErrors
    ? "raised" : gain < -twoErrors ? "lowered" : "changed nothing measurable in"
  out.print(
    "so training the encoder to rebuild sentences \(verdict) what a probe reads of sentiment "
      + "from its code (the difference is \(abs(gain) > twoErrors ? "more" : "less") than two "
      + "standard errors)")
  let floor = Swift.max(baseline, 0.5)
  out.check(
    "random-code-carries-sentiment", random > floor + 3 * error,
    "even the untrained encoder's code carries sentiment: "
      + String(format: "%.1f %% against %.1f %%", 100 * random, 100 * floor)
      + ", more than three standard errors above a guess",
    control: .sabotage("the probe is trained on shuffled labels"))
}

// MARK: Part 2 — denoising

lesson.markdown(
  ownText == nil
    ? """
    ## Learning by restoring

    A denoising autoencoder reads a *corrupted* text and writes the original. Our \
    documents are two sentences saying the same thing in two orders ("the puppies are \
    playing in the garden . in the garden , the puppies are playing ."), so a hidden word \
    can be found again — if the model learns where to look. BART, an encoder–decoder \
    transformer, was pre-trained with a family of corruptions; here they all are, on one \
    document.
    """
    : """
    ## Learning by restoring

    A denoising autoencoder reads a *corrupted* text and writes the original. Here a \
    document is two neighbouring sentences of one of your paragraphs, each of 3 to \
    \(longestSentence) words. Unlike the built-in documents, which say everything twice, \
    a hidden word of yours can be found again only from its context. BART, an \
    encoder–decoder transformer, was pre-trained with a family of corruptions; here they \
    all are, on one document.
    """)

var documents: Splits<[String]>!

lesson.cell(
  "Five corruptions the BART paper compares, and a sixth",
  """
  The BART paper compares five ways to corrupt a text (Lewis et al. 2019, section 2.2); \
  the released BART uses two of them, text infilling and sentence permutation (section \
  5.1). *Token \
  masking* keeps the length. *Token deletion* leaves no trace of where words were. *Text \
  infilling* replaces spans whose lengths are drawn from a Poisson distribution with \
  mean 3 by one `[MASK]` each; a span of length 0 inserts a `[MASK]` that hides nothing, \
  so the model must learn how many words are missing, if any. *Sentence permutation* \
  shuffles the sentences; *document rotation* starts the text at a random token. The \
  sixth, *span masking*, is not BART's: here every span is 2 or 3 tokens long and becomes \
  one `[MASK]`. It is related to T5's span corruption, whose span lengths vary (mean 3), \
  each span becoming its own sentinel token, with a target of the dropped spans only. \
  Every corruption is random and can leave a text as it was — \
  rotation when it starts at the first token, permutation of two sentences half of the \
  time — so below each is shown at its first draw that changes the document, and the \
  table counts how often a draw changes nothing.
  """
) { out in
  var generator = lesson.random("documents")
  let all =
    ownText.map { Array($0.documents.prefix(documentCount.value)) }
    ?? SentenceCorpus.documents(count: documentCount.value, using: &generator).map {
      Tokenizer.words($0.text)
    }
  documents = Splits(all, using: &generator)
  if let ownText {
    out.print(
      "\(all.count) documents of two neighbouring sentences from your paragraphs"
        + (all.count < ownText.documents.count
          ? " (the first \(all.count) of \(ownText.documents.count); --set documents=N for more)"
          : ""))
  }
  out.print("documents: " + documents.overlapSummary { $0 })
  let example = documents.validation[0]
  let kinds = Corruption.bart + [.spanMasking]
  var shown = lesson.random("show")
  out.print("original              " + example.joined(separator: " "))
  for kind in kinds {
    var corrupted = kind.apply(example, rate: 0.3, using: &shown)
    var unchanged = 0
    while corrupted == example && unchanged < 100 {
      unchanged += 1
      corrupted = kind.apply(example, rate: 0.3, using: &shown)
    }
    let note =
      unchanged == 0
      ? "" : "   (after \(unchanged) draw\(unchanged == 1 ? "" : "s") that changed nothing)"
    out.print(
      kind.rawValue.padding(toLength: 22, withPad: " ", startingAt: 0)
        + corrupted.joined(separator: " ") + note)
  }
  // How often one draw at the training rate leaves a validation document unchanged.
  var draws = lesson.random("no-ops")
  out.table(
    ["corruption", "one of BART's", "documents left unchanged at rate \(rate.value)"],
    kinds.map { kind in
      let same = documents.validation.filter {
        kind.apply($0, rate: rate.value, using: &draws) == $0
      }
      return [
        kind.rawValue, kind.isBART ? "yes" : "no",
        String(format: "%.1f %%", 100 * Double(same.count) / Double(documents.validation.count)),
      ]
    })
}

var transformer: DenoisingTransformer!
var documentVocabulary: Vocabulary!

func corrupt(_ texts: [[String]], with kind: Corruption, _ generator: inout SplitMix64) -> [[Int]] {
  texts.map { documentVocabulary.encode(kind.apply($0, rate: rate.value, using: &generator)) }
}

func trainTransformer(_ kind: Corruption, steps: Int, purpose: String, out: CellOutput) throws -> (
  DenoisingTransformer, TrainingHistory
) {
  var generator = lesson.random(purpose)
  let model = DenoisingTransformer(
    vocabularySize: documentVocabulary.count, dimension: 32, heads: 4, layers: layers.value,
    maxLength: 64, using: &generator)
  let clean = documents.train.map(documentVocabulary.encode)
  var sampler = BatchSampler(count: clean.count, batchSize: 32, using: &generator)
  let progress = out.progress(kind.rawValue, total: steps)
  let history = try TrainingLoop(
    steps: steps, clipNorm: 1,
    schedule: .cosine(totalSteps: steps, warmupSteps: steps / 20, minimumFactor: 0.1)
  ).run(
    model: model, optimizer: Adam(model.parameters(), learningRate: 0.01),
    loss: { _ in
      let batch = sampler.next()
      return model.loss(
        corrupted: corrupt(batch.map { documents.train[$0] }, with: kind, &generator),
        original: batch.map { clean[$0] },
        vocabulary: documentVocabulary)
    },
    onStep: { progress.update($0.step + 1, loss: $0.loss) })
  return (model, history)
}

/// A validation document with token masking at `rate`, drawn until at least two tokens
/// are masked, so that the cells below have something to show.
func maskedExample(_ index: Int, rate: Double, _ generator: inout SplitMix64) -> [String] {
  let original = documents.validation[index]
  var noisy = Corruption.tokenMasking.apply(original, rate: rate, using: &generator)
  while noisy.filter({ $0 == Vocabulary.mask }).count < 2 {
    noisy = Corruption.tokenMasking.apply(original, rate: rate, using: &generator)
  }
  return noisy
}

lesson.cell(
  "Train the encoder–decoder",
  """
  The encoder reads the corrupted document (\(corruption.rawValue), \(Int(rate.value * 100)) %); \
  the decoder writes the original token by token, with teacher forcing, attending to the \
  encoder through cross-attention. The loss of a document is the *sum* of its tokens' \
  losses: by the chain rule, `P(document) = Π P(tokenₜ | tokens before t, input)`, so the \
  sum of `−log P(tokenₜ | …)` is exactly `−log P(document)`. Summing (rather than \
  averaging) gives every token, in a long document or a short one, the same weight. \
  Below, every token of a masked validation document with its loss: where is the \
  model unsure?
  """
) { out in
  documentVocabulary = Vocabulary(documents.train)
  let (model, history) = try trainTransformer(
    corruption, steps: steps.value, purpose: "transformer", out: out)
  transformer = model
  out.print("parameters: \(groupedDigits(model.parameterCount))")
  let curve = history.smoothedTrainCurve(window: Swift.max(steps.value / 60, 1))
  out.plot(
    LinePlot(
      [.init("train", curve.loss, xs: curve.steps)],
      title: "sequence loss (sum over tokens)", height: 6, logScale: true, xLabel: "step"))
  var damage = lesson.random("per-token")
  let noisy = maskedExample(0, rate: 0.3, &damage)
  let original = documentVocabulary.encode(documents.validation[0])
  let (source, inputs, targets) = DenoisingTransformer.batches(
    [documentVocabulary.encode(noisy)], [original], documentVocabulary)
  let perToken = withNoGrad {
    Tensor.crossEntropy(
      transformer(source: source, targetInputs: inputs), targets: targets, reduction: .none
    ).scalars
  }
  out.plot(
    AlignedRows(
      labels: ["input", "target", "loss"],
      rows: [
        noisy + [""], documentVocabulary.decode(targets),
        perToken.map { String(format: "%.2f", $0) },
      ],
      title: "each target token's loss, −log P(token | tokens before it, input):"))
  let masked = noisy.indices.filter { noisy[$0] == Vocabulary.mask }
  let visible = perToken.indices.filter { !masked.contains($0) }
  out.print(
    String(
      format:
        "their sum, the sequence loss: %.3f = −log P(document); mean at the %d masks %.3f, at the %d other tokens %.3f",
      perToken.reduce(0, +), masked.count,
      masked.map { perToken[$0] }.reduce(0, +) / Float(masked.count),
      visible.count, visible.map { perToken[$0] }.reduce(0, +) / Float(visible.count)))
}

/// The standard error of a share `p` measured on `n` trials (binomial).
func standardError(_ p: Double, _ n: Int) -> Double {
  (p * (1 - p) / Double(Swift.max(n, 1))).squareRoot()
}

/// The built-in documents say everything twice; a learner's do not.
let forcingNote =
  ownText == nil
  ? ", and our documents say everything twice, so it may copy the word from its own true "
    + "prefix without looking at the encoder"
  : ", which may help it guess"

lesson.cell(
  "Restoring masked words",
  """
  On held-out documents, each token hidden with probability \(Int(rate.value * 100)) %: how often \
  is the original word the model's choice at a `[MASK]`? Measured two ways. With \
  *teacher forcing* the decoder reads the true words before the mask\(forcingNote). \
  *Free-running*, the decoder writes the whole document from its \
  own guesses (greedy decoding), so a right word at a mask must come through the \
  encoder. Then a few documents restored free-running — the decoder writes every word \
  again, so it can also change one it could read — and where it looks in the input while \
  it writes one of them.
  """
) { out in
  var generator = lesson.random("evaluation")
  let clean = documents.validation.map(documentVocabulary.encode)
  let noisy = corrupt(documents.validation, with: .tokenMasking, &generator)
  let forced = transformer.maskedTokenAccuracy(
    corrupted: noisy, original: clean, vocabulary: documentVocabulary)
  let free = transformer.freeRunningMaskedAccuracy(
    corrupted: noisy, original: clean, vocabulary: documentVocabulary)
  let forcedShare = Double(forced.right) / Double(Swift.max(forced.total, 1))
  let freeShare = Double(free.right) / Double(Swift.max(free.total, 1))
  out.table(
    ["masked words restored", "right", "of", "share", "standard error"],
    [
      [
        "teacher forcing", "\(forced.right)", "\(forced.total)",
        String(format: "%.1f %%", 100 * forcedShare),
        String(format: "%.1f", 100 * standardError(forcedShare, forced.total)),
      ],
      [
        "free-running", "\(free.right)", "\(free.total)",
        String(format: "%.1f %%", 100 * freeShare),
        String(format: "%.1f", 100 * standardError(freeShare, free.total)),
      ],
    ])
  var shown = lesson.random("shown")
  let inputs = (0..<3).map {
    corruption.apply(documents.validation[$0], rate: rate.value, using: &shown)
  }
  let restored = transformer.restore(
    batch: inputs.map(documentVocabulary.encode), vocabulary: documentVocabulary, maximumLength: 40)
  for (input, output) in zip(inputs, restored) {
    out.print("input     " + input.joined(separator: " "))
    out.print("restored  " + documentVocabulary.decode(output).joined(separator: " "))
  }
  // The decoder writes every word again, not only the masked ones: count both (where the
  // corruption keeps every word in its place).
  let originals = (0..<3).map { documentVocabulary.encode(documents.validation[$0]) }
  if corruption == .tokenMasking {
    var (masks, right, read, changed) = (0, 0, 0, 0)
    for (input, (original, output)) in zip(inputs, zip(originals, restored)) {
      for t in original.indices {
        let same = t < output.count && output[t] == original[t]
        if input[t] == Vocabulary.mask {
          masks += 1
          right += same ? 1 : 0
        } else {
          read += 1
          changed += same ? 0 : 1
        }
      }
    }
    out.print(
      "the decoder rewrites whole documents: in these 3, it wrote the original word at "
        + "\(right) of \(masks) masks and changed \(changed) of the \(read) words it could read")
  } else {
    let exact = zip(restored, originals).filter { $0 == $1 }.count
    out.print("the decoder rewrites whole documents: \(exact) of these 3 come back exactly")
  }
  if corruption == .tokenMasking {
    out.check(
      "restores-masks", freeShare >= 0.8,
      "free-running, the model restores at least 80 % of masked tokens on held-out documents",
      control: .setting("--set steps=1", "one training step leaves the model untrained"),
      onOtherData: "a text that does not repeat itself leaves a hidden word to be guessed "
        + "from its context, which is much harder")
  }

  // Cross-attention: at every masked position, the share of the decoder's attention
  // (last layer, mean over heads) on the input positions that hold the missing word,
  // minus the share uniform attention would give them. One difference per mask.
  let last = transformer.decoderLayers.count - 1
  _ = withNoGrad {
    let (source, targetInputs, _) = DenoisingTransformer.batches(noisy, clean, documentVocabulary)
    return transformer(source: source, targetInputs: targetInputs)
  }
  let weights = transformer.decoderLayers[last].lastCrossAttentionWeights!
  let (heads, rows, columns) = (weights.shape[1], weights.shape[2], weights.shape[3])
  let w = weights.scalars
  var shares: [Double] = []
  var uniform: [Double] = []
  for (b, (input, target)) in zip(noisy, clean).enumerated() where input.count == target.count {
    for t in target.indices where input[t] == documentVocabulary.maskID {
      let holders = input.indices.filter { input[$0] == target[t] }
      guard !holders.isEmpty else { continue }
      let mass = (0..<heads).reduce(0.0) { total, h in
        let row = ((b * heads + h) * rows + t) * columns
        return total + holders.reduce(0.0) { $0 + Double(w[row + $1]) }
      }
      shares.append(mass / Double(heads))
      uniform.append(Double(holders.count) / Double(input.count))
    }
  }
  let differences = zip(shares, uniform).map { $0 - $1 }
  let mean = differences.reduce(0, +) / Double(differences.count)
  let spread = differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  let error = (spread / Double(differences.count - 1) / Double(differences.count)).squareRoot()
  out.print(
    String(
      format: "cross-attention at %d masks whose word is visible elsewhere in the input: "
        + "%.1f %% of it on the positions holding that word; uniform attention would put "
        + "%.1f %% there (difference %+.1f points, standard error %.1f)",
      differences.count, 100 * shares.reduce(0, +) / Double(shares.count),
      100 * uniform.reduce(0, +) / Double(uniform.count), 100 * mean, 100 * error))
  // After the short training of --quick the attention is often still spread out, so the
  // claim is checked on the full run only.
  if !lesson.isQuick {
    out.check(
      "attends-to-the-word", mean > 3 * error,
      "at a mask, the decoder attends to the positions holding the missing word more than "
        + "uniform attention would, by more than three standard errors",
      control: .setting("--set steps=1", "an untrained decoder attends without regard to the word"),
      onOtherData: "in a text that seldom repeats a word there is little to attend to")
  }

  // The second document above, drawn: rows are the words the decoder wrote (fed back to
  // it, as when it wrote them), columns the input.
  let input = inputs[1]
  let written = restored[1]
  guard !written.isEmpty else {
    out.print("the decoder wrote nothing for the second document: no attention to draw")
    return
  }
  _ = withNoGrad {
    let (source, targetInputs, _) = DenoisingTransformer.batches(
      [documentVocabulary.encode(input)], [written], documentVocabulary)
    return transformer(source: source, targetInputs: targetInputs)
  }
  let one = transformer.decoderLayers[last].lastCrossAttentionWeights!
  let meanOverHeads = written.indices.map { t in
    input.indices.map { s in
      (0..<heads).reduce(0.0) { $0 + Double(one[0, $1, t, s]) } / Double(heads)
    }
  }
  // A mark where the input held a [MASK] in the same place (only token masking keeps places).
  let keepsPlaces = corruption == .tokenMasking
  out.plot(
    Heatmap(
      meanOverHeads,
      rowLabels: written.indices.map {
        (keepsPlaces && $0 < input.count && input[$0] == Vocabulary.mask ? "▸ " : "  ")
          + documentVocabulary.decode([written[$0]])[0]
      },
      columnLabels: input,
      title: "cross-attention while writing the second document above"
        + (keepsPlaces ? " (▸: at a mask)" : "") + "; columns: its input",
      range: 0...1))
}

lesson.cell(
  "What each corruption teaches",
  """
  A fresh model per corruption, each trained for a third of the steps, then measured on \
  600 new documents that are not in the training split: the share of documents it restores \
  exactly from its own corruption, and the share of masked words it restores, teacher \
  forced and free-running. Read the free-running column to compare corruptions: it is \
  the one that needs the encoder. Differences smaller than two standard errors are \
  noise at this size.
  """
) { out in
  if lesson.isQuick {
    out.print("skipped under --quick (it trains six models)")
    return
  }
  var rows: [[String]] = []
  var freeRunning: [Corruption: (share: Double, error: Double)] = [:]
  // 600 new documents, none of them in the training split: enough masked words
  // (about 1,500) for differences of a few points to stand out of the noise.
  var fresh = lesson.random("compare documents")
  let seen = Set(documents.train)
  var sample: [[String]] = []
  // On a learner's text: its held-out documents (validation and test), which no model
  // trained on.
  if ownText != nil { sample = documents.validation + documents.test }
  while sample.count < 600 && ownText == nil {
    for document in SentenceCorpus.documents(count: 500, using: &fresh) {
      let tokens = Tokenizer.words(document.text)
      if !seen.contains(tokens) && sample.count < 600 { sample.append(tokens) }
    }
  }
  let clean = sample.map(documentVocabulary.encode)
  func cell(_ right: Int, _ total: Int) -> String {
    let p = Double(right) / Double(Swift.max(total, 1))
    return String(format: "%.1f ± %.1f %%", 100 * p, 100 * standardError(p, total))
  }
  for kind in Corruption.bart + [.spanMasking] {
    let (model, _) = try trainTransformer(
      kind, steps: Swift.max(steps.value / 3, 1), purpose: "compare", out: out)
    var generator = lesson.random("compare evaluation")
    let own = corrupt(sample, with: kind, &generator)
    let restored = model.restore(
      batch: own, vocabulary: documentVocabulary, maximumLength: clean.map(\.count).max()! + 4)
    let exact = zip(restored, clean).filter { $0 == $1 }.count
    let masked = corrupt(sample, with: .tokenMasking, &generator)
    let forced = model.maskedTokenAccuracy(
      corrupted: masked, original: clean, vocabulary: documentVocabulary)
    let free = model.freeRunningMaskedAccuracy(
      corrupted: masked, original: clean, vocabulary: documentVocabulary)
    let share = Double(free.right) / Double(Swift.max(free.total, 1))
    freeRunning[kind] = (share, standardError(share, free.total))
    rows.append([
      kind.rawValue + (kind.isBART ? "" : " (not BART's)"), cell(exact, sample.count),
      cell(forced.right, forced.total), cell(free.right, free.total),
    ])
  }
  out.table(
    ["trained on", "restored exactly", "masked, teacher forced", "masked, free-running"], rows)
  out.print("\(sample.count) new documents; ± one standard error")
  // Token masking against the best of the corruptions that never show a [MASK].
  let masking = freeRunning[.tokenMasking]!
  let rival = [Corruption.tokenDeletion, .sentencePermutation, .documentRotation].max {
    freeRunning[$0]!.share < freeRunning[$1]!.share
  }!
  let margin = masking.share - freeRunning[rival]!.share
  let marginError =
    (masking.error * masking.error + freeRunning[rival]!.error * freeRunning[rival]!.error)
    .squareRoot()
  out.print(
    String(
      format: "free-running, token masking minus the best model that never saw a [MASK] (%@): "
        + "%+.1f points (standard error %.1f)",
      rival.rawValue, 100 * margin, 100 * marginError))
  out.check(
    "masking-teaches-masks", margin > 2 * marginError,
    "free-running, the model trained on token masking restores more masked words than every "
      + "model trained without [MASK] (deletion, permutation, rotation), by two standard errors",
    control: .setting("--set steps=3", "one training step per model: none has learned anything"),
    onOtherData: "on another text the models' ranking after these steps can differ")
}

lesson.markdown(
  """
  ## Summary
  \(ownText == nil ? "" : "\nThe findings below are those of the built-in run (the default run, seed 0, as the guide gives them); the cells above show which of them your text bears out.\n")
  - An autoencoder learns a **code** `z = encoder(x)` from which `decoder(z)` rebuilds \
  `x`; training lowers `L = loss(x, x̂)` with teacher forcing.
  - Training is what lets the decoder **rebuild** a sentence from its code; the same \
  network untrained rebuilds almost nothing.
  - **Neighbours** in code space share a topic, but so they do for the untrained \
  network: here the words give the topic away, so the fair baseline is the same model \
  before training. **Interpolating** and **sampling** codes write new sentences.
  - As a **feature** for sentiment, the code carries a signal even untrained. Training \
  it to rebuild sentences is not training it for sentiment: cell 6 prints whether that \
  raised the signal, lowered it or changed nothing measurable. What a representation \
  keeps depends on what it was trained for.
  - A **denoising** autoencoder restores corrupted input. The BART paper's five corruptions are \
  token masking, token deletion, text infilling (Poisson-length spans, empty ones \
  included, one `[MASK]` each), sentence permutation and document rotation; any of them \
  can leave a document unchanged, and the table of cell 8 says how often.
  - The **sequence loss** is the sum of per-token losses, `−log P(sequence)`; cell 9 \
  prints how it splits between the masks and the other tokens of one document.
  - **Teacher forcing flatters** a model whose target repeats its input: measure \
  restoration free-running, where the answer must come through the encoder. Measured \
  so, the model trained on token masking restores more masked words than the models \
  trained on deletion, permutation or rotation (cell 11 prints the margin and its \
  standard error).
  - At a mask, the decoder's cross-attention leans toward the input positions that hold \
  the missing word, by the margin cell 10 prints, though it is spread over the document \
  rather than pinned to one place.

  **From here to BERT.** Token masking with the decoder taken away is *masked language \
  modelling*: an encoder alone reads the masked text and predicts only the masked \
  positions. That is how BERT and ALBERT are pre-trained — autoencoding language models, \
  denoising autoencoders without a decoder. **What it cannot do cheaply.** Models like \
  this grow large fast: most parameters sit in the embedding table and in layer after \
  layer of weights. Lesson 6 makes them lean: ALBERT factorizes the embedding and shares \
  one layer across the stack.

  ## Try this

  - `swift run -c release denoising --set corruption=text-infilling`: train on infilling. How \
  do the restorations change?
  - `swift run -c release denoising --set latent=2`: a two-number code. What survives?
  - `swift run -c release denoising --set rate=0.5`: hide half of the words.
  - `swift run -c release denoising --corpus my-text.txt`: your own text (its sentences of \
  3 to 20 words, and pairs of neighbouring ones as documents). How much of a hidden word \
  comes back when the text does not say everything twice?
  """)

lesson.quiz([
  Question(
    "Why is the training loss computed for each token the decoder generates?",
    choices: [
      "the chain rule makes −log P(sequence) the sum of −log P(token | previous tokens)",
      "to make the loss smaller", "because the encoder needs it",
    ],
    answer: 0, explanation: "Each term scores one prediction; their sum scores the whole sequence."),
  Question(
    "What is teacher forcing?",
    choices: [
      "the decoder reads the true previous token during training, not its own guess",
      "the teacher labels the data", "training with a larger model first",
    ],
    answer: 0,
    explanation: "It keeps early mistakes from derailing the rest of a training sequence."),
  Question(
    "A model trained only on document rotation restores masked words well with teacher "
      + "forcing but worse free-running. Why?",
    choices: [
      "with teacher forcing the decoder reads the true words, which each document repeats",
      "free-running decoding is slower", "rotation hides more words than masking",
    ],
    answer: 0,
    explanation:
      "Its own true prefix already holds the answer; free-running, only the encoder can supply it."),
  Question(
    "Which corruption keeps the length of the input?",
    choices: ["token masking", "token deletion", "text infilling"],
    answer: 0,
    explanation: "Each masked token is replaced by one [MASK]; nothing is removed or merged."),
  Question(
    "Why must the code z be small for the autoencoder to be useful?",
    choices: [
      "so the model must compress, keeping what it needs to rebuild the input",
      "to train faster", "so that the decoder can be bigger",
    ],
    answer: 0,
    explanation: "A code as large as the input could copy it without learning anything about it. "
      + "Similar inputs lying close is no proof of learning: on the lesson's sentences, cell 3 "
      + "shows the untrained encoder puts them close as well."),
])

lesson.run()
