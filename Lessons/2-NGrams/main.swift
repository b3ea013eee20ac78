// Lesson 2: n-gram language models.
//
//     swift run -c release ngrams
//
// Predict the next token from the few tokens before it by counting; smooth the counts;
// measure with perplexity; generate text; and watch the counts run out as n grows.
import Foundation
import LanguageModels
import Notebook
import TensorCore
import TextData

let lesson = Lesson(
  "Lesson 2: n-gram language models",
  summary: "predict the next word by counting what followed the last few words",
  introduction: """
    A *language model* gives a probability to every possible next token, given the text so \
    far. An *n-gram* model looks only at the last `n − 1` tokens and estimates the \
    probabilities by counting how often each token followed them in a training text. By \
    the end of this lesson you will be able to count n-grams, smooth them, measure a model \
    with perplexity, generate sentences from it, and explain why bigger n stops helping.

    It builds on lesson 1: there, word order was thrown away; here we keep a little of it.
    """)

let level = lesson.knob("level", default: "word", choices: ["word", "char"], help: "token level")
let maximumOrder = lesson.knob("n", default: 5, range: 1...8, help: "the largest n to try")
let k = lesson.knob("k", default: 0.01, range: 1e-6...10, help: "add-k smoothing constant")
let sentenceCount = lesson.knob(
  "sentences", default: 3000, quick: 800, range: 50...100_000,
  help: "sentences to generate for the built-in corpus")
let corpusPath = lesson.option(
  "corpus", valueName: "FILE", help: "train on your own UTF-8 text file, one sentence per line")
lesson.runsOnOwnData = corpusPath != nil

let tokenLevel = TokenLevel(rawValue: level.value)!
var corpus: LanguageModelCorpus
if let corpusPath {
  do {
    corpus = LanguageModelCorpus(
      lines: try TextFile.lines(at: corpusPath), level: tokenLevel, seed: lesson.seed)
    try corpus.requireSize(order: maximumOrder.value, path: corpusPath)
  } catch {
    lesson.refuse("\(error)")
    corpus = LanguageModelCorpus(lines: [], level: tokenLevel, seed: 0)
  }
} else {
  corpus = LanguageModelCorpus.builtIn(
    count: sentenceCount.value, level: tokenLevel, seed: lesson.seed)
}
let endID = corpus.vocabulary.endID
/// V: the number of tokens a model can predict.
let wittenBellModelSize = NGramModel(
  order: 1, smoothing: .wittenBell, sentences: [], vocabulary: corpus.vocabulary
).vocabularySize

lesson.cell(
  "The corpus",
  """
  Short sentences, split 80/10/10 into training, validation and test text. The \
  vocabulary comes from the training split only; anything else becomes `<unk>`.
  """
) { out in
  out.print(
    corpusPath.map { "corpus: \($0)" } ?? "corpus: \(sentenceCount.value) generated sentences")
  if corpus.splitLines > 0 {
    let limit = LanguageModelCorpus.maximumTokens(tokenLevel)
    out.print(
      "\(corpus.splitLines) lines longer than \(limit) tokens were split into pieces of \(limit)")
  }
  for text in corpus.trainText.prefix(4) { out.print("  \(text)") }
  out.print(
    "training sentences \(corpus.train.count), tokens predicted \(corpus.trainTokens);",
    "vocabulary \(corpus.vocabulary.count) (\(level.value) level)")
}

lesson.cell(
  "Counting",
  """
  Unigrams are single tokens, bigrams pairs of neighbours. Every sentence gets `<s>` in \
  front (a start to condition on) and `</s>` at the end (so the model also learns when \
  to stop).
  """
) { out in
  let bigrams = NGramModel(
    order: 2, smoothing: .wittenBell, sentences: corpus.train, vocabulary: corpus.vocabulary)
  let unigram = corpus.vocabulary.ordinaryIDs.map { ($0, bigrams.count([], $0)) }
    .sorted { $0.1 > $1.1 }.prefix(8)
  out.plot(
    BarChart(
      labels: unigram.map { corpus.vocabulary.tokens[$0.0] }, values: unigram.map { Double($0.1) },
      title: "most frequent tokens"))
  var pairs: [(String, Int)] = []
  for first in [corpus.vocabulary.startID] + corpus.vocabulary.ordinaryIDs {
    for second in bigrams.predictable {
      let c = bigrams.count([first], second)
      if c > 0 {
        pairs.append(("\(corpus.vocabulary.tokens[first]) \(corpus.vocabulary.tokens[second])", c))
      }
    }
  }
  pairs.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
  out.table(
    ["bigram", "count"], pairs.prefix(6).map { [$0.0, "\($0.1)"] }, title: "most frequent bigrams")
}

lesson.cell(
  "The bigram table",
  """
  Dividing each bigram count by the count of its first token gives the maximum-likelihood \
  estimate `P(next | previous) = c(previous, next) / c(previous)`. Each row is a \
  distribution over the next token. Most cells are empty: most pairs never occur.
  """
) { out in
  let model = NGramModel(
    order: 2, smoothing: .addK(1e-12), sentences: corpus.train, vocabulary: corpus.vocabulary)
  let frequent = corpus.vocabulary.ordinaryIDs.sorted { model.count([], $0) > model.count([], $1) }
    .prefix(8)
  let rows = [corpus.vocabulary.startID] + frequent
  let columns = Array(frequent) + [endID]
  let table = rows.map { r in columns.map { c in model.probability(c, context: [r]) } }
  out.plot(
    Heatmap(
      table, rowLabels: rows.map { corpus.vocabulary.tokens[$0] },
      columnLabels: columns.map { corpus.vocabulary.tokens[$0] },
      title: "P(column | row), maximum likelihood", showValues: tokenLevel == .char, range: 0...1))
}

lesson.markdown(
  """
  ## Perplexity, and the trouble with zeros

  To compare models we measure how surprised they are by held-out text. With `N` \
  predicted tokens, **perplexity** is `exp(−(1/N) Σ ln P(token | context))`: the number of \
  equally likely choices the model is, on average, hesitating between. A model that \
  guesses uniformly among `V` tokens has perplexity `V`; lower is better.

  Maximum-likelihood counts give probability 0 to any n-gram not seen in training, and a \
  single 0 makes the held-out perplexity infinite. The larger n, the more held-out \
  n-grams are new.
  """)

lesson.cell(
  "How many held-out n-grams are new",
  "For each n, the share of validation positions whose context never occurred in training."
) { out in
  let rows = (1...maximumOrder.value).map { n -> [String] in
    let model = NGramModel(
      order: n, smoothing: .wittenBell, sentences: corpus.train, vocabulary: corpus.vocabulary)
    let unseen = model.unseenContextRate(corpus.validation, endID: endID)
    return ["\(n)", groupedDigits(model.distinctNGrams), String(format: "%.1f %%", 100 * unseen)]
  }
  out.table(["n", "distinct n-grams in training", "validation contexts never seen"], rows)
}

var addKResults: [(train: Double, validation: Double)] = []
var wittenBellResults: [(train: Double, validation: Double)] = []

lesson.cell(
  "Add-k smoothing",
  """
  Add-k pretends every token followed every context `k` more times than it did: \
  `P(w | h) = (c(h, w) + k) / (c(h) + k·V)`. Nothing is 0 any more. Compare the curves: \
  without smoothing, the training text gets easier and easier to predict as n grows \
  (longer contexts fit it better), but the validation perplexity turns back up — its \
  contexts get too rare, and the model falls back on the flat `k` for most of them.
  """
) { out in
  var unsmoothedTrain: [Double] = []
  addKResults = (1...maximumOrder.value).map { n in
    let model = NGramModel(
      order: n, smoothing: .addK(k.value), sentences: corpus.train, vocabulary: corpus.vocabulary)
    // On its own training text every n-gram was seen, so k = 0 is exact maximum
    // likelihood. The control of the check below uses k = 1 instead, which it must catch.
    let unsmoothed = NGramModel(
      order: n, smoothing: .addK(out.isControl("train-never-rises") ? 1 : 0),
      sentences: corpus.train, vocabulary: corpus.vocabulary)
    unsmoothedTrain.append(unsmoothed.perplexity(corpus.train, endID: endID))
    return (
      model.perplexity(corpus.train, endID: endID),
      model.perplexity(corpus.validation, endID: endID)
    )
  }
  out.table(
    ["n", "train, no smoothing", "train, add-k", "validation, add-k"],
    addKResults.enumerated().map {
      [
        "\($0.offset + 1)", String(format: "%.3f", unsmoothedTrain[$0.offset]),
        String(format: "%.3f", $0.element.train), String(format: "%.3f", $0.element.validation),
      ]
    })
  let xs = (1...maximumOrder.value).map(Double.init)
  out.plot(
    LinePlot(
      [
        .init("train, no smoothing", unsmoothedTrain, xs: xs),
        .init("validation, add-k", addKResults.map { $0.validation }, xs: xs),
      ],
      title: "perplexity by n", height: 8, logScale: true, xLabel: "n"))
  // A theorem, checked up to rounding: a longer context never fits its own training text
  // worse by maximum likelihood.
  out.check(
    "train-never-rises",
    zip(unsmoothedTrain, unsmoothedTrain.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-12) },
    "without smoothing, training perplexity never rises as n grows",
    control: .sabotage("add-k with k = 1 stands in for no smoothing"))
  let best = addKResults.map { $0.validation }.min()!
  if tokenLevel == .word && maximumOrder.value >= 3 {
    out.check(
      "add-k-rises", addKResults.last!.validation > best,
      "with add-k, validation perplexity rises again at n = \(maximumOrder.value)",
      control: .setting("--set n=3", "n = 3 is still the best n: the curve has not turned yet"),
      onOtherData: "on a large text longer contexts can keep helping")
  }
}

lesson.cell(
  "Interpolation: back off to shorter contexts",
  """
  Better than a flat `k`: when a long context is rare, trust the shorter one more. \
  *Witten–Bell interpolation* mixes the n-gram estimate with the (n−1)-gram estimate, \
  giving the shorter one more weight the more different tokens followed the context \
  (a context followed by many different tokens is likely to be followed by new ones). \
  Now longer contexts help until the data runs out, and never hurt much.
  """
) { out in
  // The control of the last check here fits every "interpolated" model at n = 1: no
  // context at all, which add-k at its best n must beat.
  let unigramOnly = out.isControl("interpolation-beats-add-k")
  wittenBellResults = (1...maximumOrder.value).map { n in
    let model = NGramModel(
      order: unigramOnly ? 1 : n, smoothing: .wittenBell, sentences: corpus.train,
      vocabulary: corpus.vocabulary)
    return (
      model.perplexity(corpus.train, endID: endID),
      model.perplexity(corpus.validation, endID: endID)
    )
  }
  let xs = (1...maximumOrder.value).map(Double.init)
  out.plot(
    LinePlot(
      [
        .init("add-k validation", addKResults.map { $0.validation }, xs: xs),
        .init("Witten-Bell validation", wittenBellResults.map { $0.validation }, xs: xs),
      ],
      title: "validation perplexity by n", height: 8, logScale: true, xLabel: "n"))
  var rows: [[String]] = [
    ["uniform guess (V)", "\(wittenBellModelSize)"]
  ]
  let bestAddK = addKResults.enumerated().min { $0.element.validation < $1.element.validation }!
  let bestWB = wittenBellResults.enumerated().min { $0.element.validation < $1.element.validation }!
  rows.append([
    "best add-k (n = \(bestAddK.offset + 1))", String(format: "%.3f", bestAddK.element.validation),
  ])
  rows.append([
    "best Witten-Bell (n = \(bestWB.offset + 1))",
    String(format: "%.3f", bestWB.element.validation),
  ])
  if corpusPath == nil {
    rows.append([
      "best possible (from the grammar)",
      String(format: "%.3f", SentenceCorpus.bestPerplexity(level: tokenLevel)),
    ])
  }
  out.table(["model", "validation perplexity"], rows)
  out.check(
    "interpolation-beats-add-k", bestWB.element.validation <= bestAddK.element.validation,
    "interpolation beats add-k at its best n",
    control: .sabotage("every interpolated model is fitted at n = 1, without context"),
    onOtherData: "on a tiny text add-k's best n can come out ahead")
}

lesson.cell(
  "Generating text",
  """
  A language model can write: draw the next token from `P(· | context)`, append it, \
  repeat until `</s>`. Unigrams produce word salad; each extra token of context makes the \
  text more local-grammatical — and, for large n, more a copy of the training text.
  """
) { out in
  var generator = lesson.random("sampling")
  for n in [1, 2, 3, maximumOrder.value] where n <= maximumOrder.value {
    let model = NGramModel(
      order: n, smoothing: .wittenBell, sentences: corpus.train, vocabulary: corpus.vocabulary)
    for _ in 0..<2 {
      let ids = model.sample(
        endID: endID, maximumLength: tokenLevel == .word ? 20 : 80, using: &generator)
      out.print("n = \(n): \(tokenLevel.join(corpus.vocabulary.decode(ids)))")
    }
  }
}

lesson.markdown(
  """
  ## Summary

  - An n-gram model predicts the next token from the previous `n − 1` by counting.
  - **Maximum likelihood** gives unseen n-grams probability 0; **add-k** and \
  **interpolation** fix that, interpolation far better.
  - **Perplexity** measures surprise on held-out text; the uniform model scores `V`.
  - Longer contexts fit the training text better but are seen too rarely: the table \
  grows with every extra token of context, while the data does not.

  **What it cannot do.** Each context is counted on its own: seeing "the puppies are \
  sleeping" teaches nothing about "the kittens are sleeping". The next lesson *shares* \
  what is learned across contexts with a recurrent network.

  ## Try this

  - `swift run -c release ngrams --set level=char --set n=8`: letters instead of words. \
  Where does the validation curve turn?
  - `swift run -c release ngrams --set k=1`: classic add-one smoothing. How much worse?
  - `swift run -c release ngrams --set sentences=300`: less data. Which n is best now?
  - `swift run -c release ngrams --corpus my-text.txt`: your own text, one sentence per line.
  """)

lesson.quiz([
  Question(
    "A uniform model over V = 50 tokens: what is its perplexity?",
    number: 50, tolerance: 1e-9,
    explanation: "Every token has probability 1/50, so exp(−ln(1/50)) = 50."),
  Question(
    "Why does an unsmoothed n-gram model give infinite held-out perplexity?",
    choices: [
      "one unseen n-gram has probability 0, and ln 0 = −∞", "the vocabulary grows",
      "the training text is too long",
    ],
    answer: 0,
    explanation: "Perplexity averages −ln P over every token; a single zero makes it infinite."),
  Question(
    "With add-k smoothing, c(h, w) = 1, c(h) = 3, k = 1 and V = 4: what is P(w | h)?",
    number: 2.0 / 7, tolerance: 1e-6, explanation: "(1 + 1) / (3 + 1·4) = 2/7."),
  Question(
    "Why does held-out perplexity rise again for large n?",
    choices: [
      "long contexts are rarely seen, so most predictions fall back on smoothing",
      "the model forgets short contexts", "training perplexity rises too",
    ],
    answer: 0,
    explanation: "The number of possible contexts grows exponentially with n; the data does not."),
])

lesson.run()
