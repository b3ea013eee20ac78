// Lesson 2: n-gram language models.
//
//     swift run -c release ngrams
//
// Predict the next token from the few tokens before it by counting; smooth the counts;
// measure with perplexity; generate text; and watch the counts run out as n grows.
import Course
import Foundation
import LanguageModels
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  catalog: .ngrams,
  introduction: """
    A *language model* gives a probability to every possible next token, given the text so \
    far. An *n-gram* model looks only at the last `n − 1` tokens and estimates the \
    probabilities by counting how often each token followed them in a training text. By \
    the end of this lesson you will be able to count n-grams, smooth them, measure a model \
    with perplexity, generate sentences from it, and explain why bigger n stops helping.

    It builds on lesson 1: there, word order was thrown away; here we keep a little of it.
    """)

let level = lesson.knob(
  "level", default: "word", choices: ["word", "char", "bpe"],
  help: "token level: words, characters, or subwords learned from the training split")
let merges = lesson.knob(
  "merges", default: 256, range: 1...4000, help: "subword merges learned at the bpe level")
let maximumOrder = lesson.knob(
  "n", default: 6, range: 2...16,
  help: "the largest n to try (the lesson uses bigrams, so at least 2)")
let k = lesson.knob("k", default: 0.01, range: 1e-6...10, help: "add-k smoothing constant")
let minimumCount = lesson.knob(
  "min-count", default: 1, range: 1...1000,
  help: "tokens seen fewer times than this in training become <unk>")
let sentenceCount = lesson.knob(
  "sentences", default: 3000, quick: 800, range: 50...100_000,
  help: "sentences to generate for the built-in corpus")
let corpusPath = lesson.option(
  "corpus", valueName: "FILE",
  help: "train on your own UTF-8 text: wrapped prose, Markdown or one sentence per line")
lesson.runsOnOwnData = corpusPath != nil

/// The token level of now (read by the cell that asks, so a `set level=…` re-runs it).
var tokenLevel: TextTokenizer.Level { TextTokenizer.Level(rawValue: level.value)! }
/// How a learner's file was read (wrapped prose, Markdown or one sentence per line).
var reading: ReadText? = nil
/// Corpora already built, by their settings: the constraint below and the cells share them.
var builtCorpora: [String: LanguageModelCorpus] = [:]
/// The corpus with a given minimum count, at a given level (the cell on `<unk>` and the
/// final comparison build it with others).
func makeCorpus(minimumCount: Int, level: TextTokenizer.Level = tokenLevel) throws
  -> LanguageModelCorpus
{
  let key = "\(level.rawValue) \(minimumCount) \(merges.value) \(sentenceCount.value)"
  if let built = builtCorpora[key] { return built }
  guard let corpusPath else {
    let corpus = LanguageModelCorpus.builtIn(
      count: sentenceCount.value, level: level, minimumCount: minimumCount,
      merges: merges.value, seed: lesson.seed)
    builtCorpora[key] = corpus
    return corpus
  }
  // Read once: the cell on `<unk>` builds corpora at other minimum counts from it.
  let read =
    try reading
    ?? TextFile.read(at: corpusPath).first(lesson.isQuick ? TextFile.quickSentences : .max)
  reading = read
  let corpus = LanguageModelCorpus(
    lines: read.sentences, level: level, minimumCount: minimumCount, merges: merges.value,
    seed: lesson.seed)
  builtCorpora[key] = corpus
  return corpus
}
// The text must hold enough to count up to n, and counting must not take over half an
// hour: checked before the first cell and again after every `set`. What counting costs:
// every training character is counted into each order of this lesson's models and of the
// last table's three levels (up to 6, 16 and 10), about 40 updates, at a conservative half
// a million updates a second (Vim's 104,000-word manual: 36 s estimated, 32 s measured).
lesson.constraint {
  let text = try makeCorpus(minimumCount: minimumCount.value)
  guard let corpusPath else { return nil }
  try text.requireSize(order: maximumOrder.value, path: corpusPath)
  let characters = text.trainText.reduce(0) { $0 + $1.count }
  return lesson.longRun(
    seconds: Double(characters) * Double(maximumOrder.value + 6 + 16 + 10) / 500_000,
    settings: "\(groupedDigits(characters)) characters of training text, n up to "
      + "\(maximumOrder.value)",
    shorten: "use --quick, a smaller --set n, or a part of the file (head -c 2000000 "
      + "\(corpusPath) > part.txt)", what: "counting")
}
/// The text of this run, built by the first cell, and what it sets up.
var corpus: LanguageModelCorpus!
var endID = 0
/// Every model of this lesson comes from one count of the training text, at the largest n.
var counted: NGramModel!
/// V: the number of tokens a model can predict.
var modelSize = 0

lesson.cell(
  "The corpus",
  """
  Short sentences, split 80/10/10 into training, validation and test text. The \
  vocabulary comes from the training split only (at the word and char levels, anything \
  else becomes `<unk>`; subwords spell anything). Copies of one sentence are kept in one \
  split, so no held-out sentence was seen in training.
  """
) { out in
  corpus = try makeCorpus(minimumCount: minimumCount.value)
  endID = corpus.vocabulary.endID
  counted = NGramModel(
    order: maximumOrder.value, smoothing: .wittenBell, sentences: corpus.train,
    vocabulary: corpus.vocabulary)
  modelSize = counted.vocabularySize
  if let corpusPath {
    out.print("corpus: \(corpusPath), read as \(reading?.summary ?? "sentences")")
  } else {
    out.print(
      "corpus: \(sentenceCount.value) sentences drawn from a grammar that can make "
        + "\(groupedDigits(SentenceCorpus.course.distinctSentences))")
  }
  if corpus.splitLines > 0 {
    let limit = LanguageModelCorpus.maximumCharacters
    out.print(
      "\(corpus.splitLines) lines longer than \(limit) characters were cut into pieces at a "
        + "space before the limit")
  }
  for text in corpus.trainText.prefix(4) { out.print("  \(text)") }
  out.print(
    "training sentences \(corpus.train.count), tokens predicted \(corpus.trainTokens);",
    "vocabulary \(corpus.vocabulary.count) (\(level.value) level)")
  let lines = corpus.trainText.count + corpus.validationText.count + corpus.testText.count
  out.print("distinct sentences \(corpus.distinctLines) of \(lines); \(corpus.overlapSummary)")
}

lesson.cell(
  "Counting",
  """
  Unigrams are single tokens, bigrams pairs of neighbours. Every sentence gets `<s>` in \
  front (a start to condition on) and `</s>` at the end (so the model also learns when \
  to stop).
  """
) { out in
  let bigrams = counted.with(order: 2)
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

/// A perplexity for a table: three decimals, in scientific notation past a million (a
/// 25-digit integer says nothing a reader can use), "∞" where a token had probability 0.
func finite(_ value: Double) -> String {
  !value.isFinite
    ? "∞" : value >= 1e6 ? String(format: "%.3e", value) : String(format: "%.3f", value)
}

/// The grammar's own perplexity per token on the built-in text, the floor no model can go
/// below (known at word and char level; a subword's is not worked out).
var bestPossible: Double? {
  corpusPath == nil && tokenLevel != .bpe
    ? SentenceCorpus.course.bestPerplexity(level: tokenLevel == .word ? .word : .char) : nil
}

/// A token as a heatmap label: a space is drawn as `␣`.
func label(_ id: Int) -> String {
  let token = corpus.vocabulary.tokens[id]
  return token == " " ? "␣" : token
}

lesson.cell(
  "The bigram table",
  """
  Dividing each bigram count by the count of its first token gives the maximum-likelihood \
  estimate `P(next | previous) = c(previous, next) / c(previous)`. Each row is a \
  distribution over the next token. At character level we can draw the whole table; at \
  word or subword level we draw the rows of a few frequent tokens and the columns of the tokens that \
  follow them. Look at how empty the table is: most pairs never occur.
  """
) { out in
  let model = counted.with(order: 2, smoothing: .addK(0))
  let contexts = [corpus.vocabulary.startID] + corpus.vocabulary.ordinaryIDs
  let seenCells = contexts.reduce(0) { total, h in
    total + model.predictable.filter { model.count([h], $0) > 0 }.count
  }
  let frequent = corpus.vocabulary.ordinaryIDs.sorted { model.count([], $0) > model.count([], $1) }
  var rows: [Int]
  var columns: [Int]
  if tokenLevel == .char && frequent.count <= 40 {
    rows = [corpus.vocabulary.startID] + frequent
    columns = frequent + [endID]
  } else {
    // Rows: frequent words whose likeliest follower has P ≥ 0.2 (a row spread thinly over
    // many followers is blank at this scale); columns: the two likeliest followers of each,
    // in order of first appearance, so that every row has mass among the columns shown.
    func followers(_ h: Int) -> [Int] {
      model.predictable.filter { model.count([h], $0) > 0 }
        .sorted { model.count([h], $0) > model.count([h], $1) }
    }
    let peaked = frequent.filter { h in
      followers(h).first.map { model.probability($0, context: [h]) >= 0.2 } ?? false
    }
    rows = [corpus.vocabulary.startID] + peaked.prefix(9)
    columns = []
    for h in rows {
      for w in followers(h).prefix(2) where !columns.contains(w) { columns.append(w) }
    }
    columns = Array(columns.prefix(14))
    if let thin = frequent.first(where: { !peaked.contains($0) }) {
      let next = followers(thin)
      out.print(
        "left out, among others: '\(label(thin))', followed by \(next.count) different tokens, "
          + "the likeliest with P = "
          + String(format: "%.3f", next.first.map { model.probability($0, context: [thin]) } ?? 0))
    }
  }
  let table = rows.map { r in columns.map { c in model.probability(c, context: [r]) } }
  out.plot(
    Heatmap(
      table, rowLabels: rows.map(label), columnLabels: columns.map(label),
      title: "P(column | row), maximum likelihood", range: 0...1))
  out.print(
    "the full table has \(groupedDigits(contexts.count)) rows × \(groupedDigits(modelSize)) "
      + "columns = \(groupedDigits(contexts.count * modelSize)) cells; "
      + "\(groupedDigits(seenCells)) were seen in training "
      + "(\(String(format: "%.1f", 100 * Double(seenCells) / Double(contexts.count * modelSize))) %)"
  )
}

/// Bigram counts of `sentences` as a table, `[rows, columns]`, with every previous token
/// mapped to a row by `row` and every next token to a column by `column`.
func bigramTable(
  _ sentences: [[Int]], rows: Int, columns: Int, row: (Int) -> Int, column: (Int) -> Int
) -> [Double] {
  var table = [Double](repeating: 0, count: rows * columns)
  for sentence in sentences {
    var previous = corpus.vocabulary.startID
    for w in sentence + [endID] {
      table[row(previous) * columns + column(w)] += 1
      previous = w
    }
  }
  return table
}

/// `exp(−Σ c·ln p / Σ c)`: the perplexity of a text with bigram counts `counts` under the
/// bigram probabilities `p`, both `[contexts, next]`.
func tablePerplexity(_ counts: [Double], _ p: [Double]) -> Double {
  var surprise = 0.0
  var total = 0.0
  for (c, q) in zip(counts, p) where c > 0 {
    surprise -= c * Foundation.log(q)
    total += c
  }
  return Foundation.exp(surprise / total)
}

lesson.cell(
  "The bigram table is a one-layer network",
  """
  The same table can be *learned*. Give each previous token `h` a row of `V` free numbers, \
  the logits, and let `P(w | h) = softmax(logits[h])[w]`: a single layer whose input is a \
  one-hot vector (an `Embedding(V, V)`). Train it by gradient descent on the negative \
  log-likelihood of the training bigrams. The likelihood is highest exactly at the counted \
  probabilities, so the network must arrive at the table above. A penalty `λ·Σ logits²` \
  pulls every row toward uniform, much as add-k's pseudo-counts do: watch the training \
  perplexity rise with `λ` as it does with `k`. (The counted table's validation perplexity \
  is infinite if a validation bigram never occurred in training; the network's is not, \
  because 300 steps leave every logit finite.)
  """
) { out in
  // One row and one column per token, or, for a large vocabulary, per frequent token with
  // the rest pooled in one `<unk>` row and column, so that the table stays small enough to
  // train in a second. Every model below uses the same table.
  let unigrams = counted.with(order: 1)
  let limit = 400
  let kept = Array(
    corpus.vocabulary.ordinaryIDs.sorted { unigrams.count([], $0) > unigrams.count([], $1) }
      .prefix(limit))
  // Rows are previous tokens (`<s>` but never `</s>`), columns next tokens (`</s>` but
  // never `<s>`): both have `size` entries, `<unk>` first.
  let unknown = corpus.vocabulary.unknownID
  let rowOf = Dictionary(
    ([unknown, corpus.vocabulary.startID] + kept).enumerated().map { ($1, $0) },
    uniquingKeysWith: { a, _ in a })
  let columnOf = Dictionary(
    ([unknown, endID] + kept).enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
  let size = kept.count + 2
  if kept.count < corpus.vocabulary.ordinaryIDs.count {
    out.print(
      "the \(kept.count) most frequent tokens keep their own row and column; the other "
        + "\(corpus.vocabulary.ordinaryIDs.count - kept.count) share <unk>'s; predicting one "
        + "of those is then predicting the pool, so this cell's perplexities are lower than "
        + "those of the cells below, which keep every token apart, and compare only with each other"
    )
  }
  let row = { (id: Int) in rowOf[id] ?? 0 }
  let column = { (id: Int) in columnOf[id] ?? 0 }
  let train = bigramTable(corpus.train, rows: size, columns: size, row: row, column: column)
  let validation = bigramTable(
    corpus.validation, rows: size, columns: size, row: row, column: column)
  /// A probability table made row by row from the training counts and their sum.
  func rows(_ p: (_ row: ArraySlice<Double>, _ total: Double) -> [Double]) -> [Double] {
    var result: [Double] = []
    for r in 0..<size {
      let row: ArraySlice<Double> = train[(r * size)..<((r + 1) * size)]
      result += p(row, row.reduce(0, +))
    }
    return result
  }
  let counting = rows { row, total in row.map { total > 0 ? $0 / total : 1 / Double(size) } }
  // The control trains for one step only: far from the counts, as the check must notice.
  let steps = out.isControl("network-learns-counts") ? 1 : 300
  let countTable = Tensor(train.map(Float.init), shape: [size, size])
  func network(penalty: Float) throws -> [Double] {
    let network = BigramNetwork(contexts: size, next: size)
    try TrainingLoop(steps: steps).run(
      model: network, optimizer: Adam(network.parameters(), learningRate: 0.5),
      loss: { _ in network.loss(counts: countTable, penalty: penalty) })
    return network.probabilities().flatMap { $0 }
  }
  let learned = try network(penalty: 0)
  var largest = 0.0
  for r in 0..<size where train[(r * size)..<((r + 1) * size)].contains(where: { $0 > 0 }) {
    for c in 0..<size {
      largest = Swift.max(largest, Swift.abs(learned[r * size + c] - counting[r * size + c]))
    }
  }
  var models: [(String, [Double])] = [
    ("counted, c(h, w) / c(h)", counting), ("network, λ = 0", learned),
  ]
  for penalty: Float in [1e-6, 1e-5] {
    models.append(("network, λ = \(penalty)", try network(penalty: penalty)))
  }
  for constant in [0.01, 0.1] {
    let smoothed = rows { row, total in
      row.map { ($0 + constant) / (total + constant * Double(size)) }
    }
    models.append(("add-k, k = \(constant)", smoothed))
  }
  let table = models.map { name, p in
    [
      name, String(format: "%.4f", tablePerplexity(train, p)),
      finite(tablePerplexity(validation, p)),
    ]
  }
  out.table(["bigram model", "train perplexity", "validation perplexity"], table)
  out.print(
    "largest difference between the network's and the counted probabilities: "
      + String(format: "%.4f", largest) + " after \(steps) steps")
  out.check(
    "network-learns-counts", largest < 0.01,
    "gradient descent on the log-likelihood arrives at the counted probabilities (within 0.01)",
    control: .sabotage("the network is trained for one step only"))
}

lesson.cell(
  "One sentence, three ways to say how surprised we are",
  """
  A model gives a sentence the product of the probabilities of its tokens. Take logs and \
  the product becomes a sum. The mean `−ln P` per token is the *cross-entropy* (in nats); \
  divided by `ln 2` it is in *bits per token*; and `exp` of it is the *perplexity*. All \
  three say the same thing. Here is a validation sentence under the bigram model \
  (Witten–Bell, below), token by token.
  """
) { out in
  let model = counted.with(order: 2, smoothing: .wittenBell)
  // The shortest validation sentence of three tokens or more with no `<unk>` (the first
  // of them), so the table stays short and every row is a real prediction; any shortest
  // sentence if there is none.
  let teaching = corpus.validation.filter {
    $0.count >= 3 && !$0.contains(corpus.vocabulary.unknownID)
  }
  let sentence = (teaching.isEmpty ? corpus.validation : teaching).min { $0.count < $1.count }!
  var previous = corpus.vocabulary.startID
  var rows: [[String]] = []
  var nats = 0.0
  for w in sentence + [endID] {
    let p = model.probability(w, context: [previous])
    nats -= Foundation.log(p)
    rows.append([
      "\(label(previous)) → \(label(w))", String(format: p < 1e-4 ? "%.2e" : "%.4f", p),
      String(format: "%.3f", -Foundation.log(p)), String(format: "%.3f", -Foundation.log2(p)),
    ])
    previous = w
  }
  out.table(["prediction", "P", "−ln P", "−log₂ P"], rows)
  let n = Double(sentence.count + 1)
  out.print(
    "P(sentence) = exp(−\(String(format: "%.3f", nats))) = \(String(format: "%.3g", Foundation.exp(-nats)))"
  )
  out.print(
    "cross-entropy = \(String(format: "%.3f", nats)) / \(Int(n)) = "
      + "\(String(format: "%.4f", nats / n)) nats = \(String(format: "%.4f", nats / n / Foundation.log(2))) bits per token"
  )
  out.print(
    "perplexity = exp(\(String(format: "%.4f", nats / n))) = 2^\(String(format: "%.4f", nats / n / Foundation.log(2))) = "
      + String(format: "%.3f", Foundation.exp(nats / n)))
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
  """
  For each n, two shares of the validation positions: those whose *context* (the `n − 1` \
  tokens before) never occurred in training, and those whose whole *n-gram* (context and \
  next token) never did. Maximum likelihood gives probability 0 to every position of the \
  second kind, including the many whose context it knows well.
  """
) { out in
  let rows = (1...maximumOrder.value).map { n -> [String] in
    let model = counted.with(order: n)
    let positions = model.seen(corpus.validation, endID: endID)
    func share(_ unseen: (NGramModel.Seen) -> Bool) -> String {
      String(
        format: "%.1f %%", 100 * Double(positions.filter(unseen).count) / Double(positions.count))
    }
    return [
      "\(n)", groupedDigits(model.distinctNGrams), share { $0.contextCount == 0 },
      share { $0.count == 0 },
    ]
  }
  out.table(["n", "distinct n-grams in training", "context never seen", "n-gram never seen"], rows)
}

var addKResults: [(train: Double, validation: Double)] = []
var wittenBellResults: [(train: Double, validation: Double)] = []

lesson.cell(
  "Add-k smoothing",
  """
  Add-k pretends every token followed every context `k` more times than it did: \
  `P(w | h) = (c(h, w) + k) / (c(h) + k·V)`. Nothing is 0 any more. Compare the curves: \
  without smoothing, the training text gets easier and easier to predict as n grows \
  (longer contexts fit it better). Whether add-k's validation perplexity follows it down \
  depends on how often the longer contexts were seen: the line under the plot says at \
  which n it is lowest, and whether it turns back up within the n tried.
  """
) { out in
  var unsmoothedTrain: [Double] = []
  addKResults = (1...maximumOrder.value).map { n in
    let model = counted.with(order: n, smoothing: .addK(k.value))
    // On its own training text every n-gram was seen, so k = 0 is exact maximum
    // likelihood. The control of the check below uses k = 1 instead, which it must catch.
    let unsmoothed = counted.with(
      order: n, smoothing: .addK(out.isControl("train-never-rises") ? 1 : 0))
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
  let bestOrder = addKResults.firstIndex { $0.validation == best }! + 1
  out.print(
    "add-k's validation perplexity is lowest at n = \(bestOrder) (\(String(format: "%.3f", best)))"
      + (bestOrder < maximumOrder.value
        ? " and turns back up to \(String(format: "%.3f", addKResults.last!.validation)) at "
          + "n = \(maximumOrder.value)"
        : ", the largest n tried: it has not turned back up"
          + (maximumOrder.value < 16 ? " (try a larger --set n)" : "")))
  if tokenLevel == .word && maximumOrder.value >= 2 {
    out.check(
      "add-k-rises", addKResults.last!.validation > best,
      "with add-k, validation perplexity rises again at n = \(maximumOrder.value)",
      control: .setting("--set n=2", "n = 2 is still the best n: the curve has not turned yet"),
      onOtherData: "on a large text longer contexts can keep helping")
  }
}

lesson.cell(
  "What add-k does to long contexts",
  """
  Two things can hurt add-k as n grows. A context never seen in training gets the \
  uniform `1/V` for every token. And a context seen only `c(h)` times gets `k·V` \
  pseudo-counts on top of its real ones, so the tokens that never followed it share \
  `k·(V − T(h)) / (c(h) + k·V)` of the probability (`T(h)` counts the different tokens \
  that did): when `c(h)` is small beside `k·V`, most of the probability goes to tokens \
  that never followed, and the true next token gets little. The table shows, for each n, \
  how many validation contexts are new, the median `c(h)` at validation positions, and \
  the mean share add-k moves to unseen tokens there: which of the two grows is what your \
  text decides. The *reconstituted count* `(c(h, w) + k)·c(h) / (c(h) + k·V)` says the \
  same per n-gram: how many of its real counts add-k still believes.
  """
) { out in
  let kV = k.value * Double(modelSize)
  var rows: [[String]] = []
  var example: (n: Int, seen: NGramModel.Seen)? = nil
  for n in 1...maximumOrder.value {
    let model = counted.with(order: n, smoothing: .addK(k.value))
    let positions = model.seen(corpus.validation, endID: endID)
    let contextCounts = positions.map(\.contextCount).sorted()
    let median = contextCounts[contextCounts.count / 2]
    let moved =
      positions.reduce(0.0) { $0 + model.addKUnseenMass($1, k: k.value) }
      / Double(positions.count)
    let unseen = Double(positions.filter { $0.contextCount == 0 }.count) / Double(positions.count)
    rows.append([
      "\(n)", String(format: "%.1f %%", 100 * unseen), "\(median)",
      String(format: "%.1f %%", 100 * moved), String(format: "%.3f", addKResults[n - 1].validation),
    ])
    if example == nil,
      let seen = positions.first(where: {
        $0.count == 1 && $0.contextCount >= 2 && $0.contextCount <= 5
      })
    {
      example = (n, seen)
    }
  }
  out.print("V = \(modelSize), k = \(k.value), so k·V = \(String(format: "%.3g", kV))")
  out.table(
    [
      "n", "unseen contexts", "median c(h)", "add-k mass on unseen tokens", "validation ppl",
    ], rows)
  if let (n, seen) = example {
    let c = Double(seen.contextCount)
    let reconstituted = (Double(seen.count) + k.value) * c / (c + kV)
    out.print(
      "example at n = \(n): an n-gram seen once, in a context seen \(seen.contextCount) times, "
        + "keeps a reconstituted count of \(String(format: "%.3f", reconstituted))")
  }
}

lesson.cell(
  "Interpolation: back off to shorter contexts",
  """
  Better than a flat `k`: when a long context is rare, trust the shorter one more. \
  *Witten–Bell interpolation* mixes the n-gram estimate with the (n−1)-gram estimate, \
  giving the shorter one more weight the more different tokens followed the context \
  (a context followed by many different tokens is likely to be followed by new ones). \
  How much longer contexts help, and what they cost once the data runs out, is in the \
  table under the plot.
  """
) { out in
  // The control of the last check here fits every "interpolated" model at n = 1: no
  // context at all, which add-k at its best n must beat.
  let unigramOnly = out.isControl("interpolation-beats-add-k")
  wittenBellResults = (1...maximumOrder.value).map { n in
    let model = counted.with(order: unigramOnly ? 1 : n, smoothing: .wittenBell)
    return (
      model.perplexity(corpus.train, endID: endID),
      model.perplexity(corpus.validation, endID: endID)
    )
  }
  let xs = (1...maximumOrder.value).map(Double.init)
  // The unigram's perplexity would squeeze the comparison into a row or two: the plot zooms
  // in on the range from the best value to three times it.
  let lowest = (addKResults + wittenBellResults).map(\.validation).min()!
  let best = bestPossible
  out.plot(
    LinePlot(
      [
        .init("add-k validation", addKResults.map { $0.validation }, xs: xs),
        .init("Witten-Bell validation", wittenBellResults.map { $0.validation }, xs: xs),
      ],
      title: "validation perplexity by n", height: 10, logScale: true, xLabel: "n",
      references: best.map { [.init("best possible", $0)] } ?? [],
      yRange: (Swift.min(lowest, best ?? lowest) * 0.95)...(3 * lowest)))
  out.table(
    ["n"] + (1...maximumOrder.value).map(String.init),
    [["Witten–Bell validation"] + wittenBellResults.map { finite($0.validation) }])
  let bestAddK = addKResults.map(\.validation).min()!
  let bestWB = wittenBellResults.map(\.validation).min()!
  let bestN = wittenBellResults.map(\.validation).firstIndex(of: bestWB)! + 1
  let last = wittenBellResults.last!.validation
  out.print(
    "Witten–Bell is lowest at n = \(bestN) (\(finite(bestWB)))"
      + (bestN == maximumOrder.value
        ? ", the largest n tried"
        : "; at n = \(maximumOrder.value) it is \(finite(last)), "
          + String(format: "%.1f %% higher", 100 * (last / bestWB - 1))))
  out.check(
    "interpolation-beats-add-k", bestWB <= bestAddK,
    "interpolation (\(String(format: "%.3f", bestWB))) beats add-k at its best n "
      + "(\(String(format: "%.3f", bestAddK)))",
    control: .sabotage("every interpolated model is fitted at n = 1, without context"),
    onOtherData: "on a tiny text add-k's best n can come out ahead")
}

lesson.cell(
  "Unknown words",
  """
  A token the training text never had is `<unk>`; so is any token seen fewer than \
  `min-count` times, if you raise it. At `min-count` 1, `<unk>` never occurs in training \
  at all, so the model gives it only what smoothing leaves over, and each `<unk>` in \
  held-out text costs a large surprise. Raising `min-count` folds rare words into one \
  token the model does see: the table shows what that does to perplexity, but \
  perplexities are comparable only over the same vocabulary. The fourth column is the \
  share of all the surprise `Σ −ln P` that falls on `<unk>` positions.
  """
) { out in
  if tokenLevel == .bpe {
    out.print(
      "at the bpe level every byte is a token, so nothing is <unk>: the next cell shows how; "
        + "run with --set level=word to see this table")
    return
  }
  var rows: [[String]] = []
  for minimum in Array(Set([1, 3, 10, 30, minimumCount.value])).sorted() {
    let variant: LanguageModelCorpus =
      minimum == minimumCount.value ? corpus : try makeCorpus(minimumCount: minimum)
    let model = NGramModel(
      order: Swift.min(3, maximumOrder.value), smoothing: .wittenBell, sentences: variant.train,
      vocabulary: variant.vocabulary)
    let unknown = variant.vocabulary.unknownID
    let tokens = variant.validation.reduce(0) { $0 + $1.count + 1 }
    let unknowns = variant.validation.reduce(0) { $0 + $1.filter { $0 == unknown }.count }
    // The share of the total surprise Σ −ln P that falls on <unk> positions.
    let scored = model.surprisals(variant.validation, endID: variant.vocabulary.endID)
    let surprise = scored.reduce(0.0) { $0 + $1.surprisal }
    let atUnknown = scored.filter { $0.token == unknown }.reduce(0.0) { $0 + $1.surprisal }
    rows.append([
      "\(minimum)", groupedDigits(variant.vocabulary.count),
      String(format: "%.2f %%", 100 * Double(unknowns) / Double(tokens)),
      String(format: "%.1f %%", 100 * atUnknown / Swift.max(surprise, 1e-300)),
      String(format: "%.3f", Foundation.exp(surprise / Double(tokens))),
    ])
  }
  out.table(
    [
      "min-count", "vocabulary", "validation <unk>", "−ln P at <unk>",
      "perplexity, n = \(Swift.min(3, maximumOrder.value))",
    ], rows)
}

lesson.cell(
  "Subwords: byte-pair encoding",
  """
  Between words (a large vocabulary, and `<unk>` for every word training never had) and \
  characters (a tiny vocabulary, long sequences) sit *subwords*. Byte-pair encoding \
  (BPE, as GPT-2 uses it) starts from the 256 bytes, so any text can be spelled, and \
  learns *merges* from the training split: count every pair of neighbouring symbols \
  (inside a word with the space before it, never across two words), make the commonest \
  pair one new symbol, spell the text again with it, repeat. A space is written `Ġ`, as \
  GPT-2 writes it. The first table shows the first merges learned from this training \
  text, each checked against a count made here, and one training sentence spelled after \
  each; the second what more merges do to the vocabulary and to the length of the text.
  """
) { out in
  let train = corpus.trainText
  let grown = Swift.max(merges.value, 1024)
  let learned = BytePairEncoding(learningFrom: train, merges: grown)
  // Every pre-token (a word with the space before it, a number, punctuation) and how often
  // the training text has it: merges never cross from one pre-token to the next.
  var pieces: [String: Int] = [:]
  for text in train {
    for piece in BytePairEncoding.pretokenize(text) { pieces[piece, default: 0] += 1 }
  }
  // The control counts pairs across word edges as well: the spelling of whole sentences.
  let acrossWords = out.isControl("merges-are-commonest-pairs")
  let units = acrossWords ? Dictionary(train.map { ($0, 1) }, uniquingKeysWith: +) : pieces
  let steps = Swift.min(6, learned.merges.count)
  // The example: a training sentence of three words or more and at most 34 characters (so
  // that the table fits) that the first merges shorten most, the shorter of two alike.
  let firstMerges = BytePairEncoding(merges: Array(learned.merges.prefix(steps)))
  func shortening(_ text: String) -> Int { text.utf8.count - firstMerges.encode(text).count }
  let example =
    train.prefix(3000).filter { $0.count <= 34 && Tokenizer.words($0).count >= 3 }.max {
      let (a, b) = (shortening($0), shortening($1))
      return a != b ? a < b : $0.count > $1.count
    } ?? train[0]
  var rows = [
    ["–", "the 256 bytes", "", BytePairEncoding(merges: []).encode(example).joined(separator: " ")]
  ]
  var agree = 0
  for step in 0..<steps {
    // The commonest neighbouring pair, counted over the text spelled with the merges so far.
    let before = BytePairEncoding(merges: Array(learned.merges.prefix(step)))
    var pairs: [String: Int] = [:]
    for (unit, count) in units {
      let symbols = before.encode(unit)
      for (a, b) in zip(symbols, symbols.dropFirst()) { pairs[a + " " + b, default: 0] += count }
    }
    let (left, right) = learned.merges[step]
    let count = pairs[left + " " + right] ?? 0
    if count == pairs.values.max() { agree += 1 }
    let after = BytePairEncoding(merges: Array(learned.merges.prefix(step + 1)))
    rows.append([
      "\(step + 1)", "\(left) + \(right) → \(left + right)", "\(count)",
      after.encode(example).joined(separator: " "),
    ])
  }
  out.table(["merge", "pair → new symbol", "count", "the sentence spelled with it"], rows)
  out.check(
    "merges-are-commonest-pairs", agree == steps,
    "each of the first \(steps) merges joins the commonest pair of the text spelled so far "
      + "(\(agree) of \(steps), counted in this cell)",
    control: .sabotage("the count runs across word edges, which BPE never merges"))
  // The vocabulary grows by one symbol per merge; the text gets shorter.
  let validationWords = corpus.validationText.reduce(0) { $0 + Tokenizer.words($1).count }
  let validationCharacters = corpus.validationText.reduce(0) { $0 + $1.count }
  var growth: [[String]] = []
  for m in Array(Set([0, 16, 64, 256, merges.value, learned.merges.count])).sorted()
  where m <= learned.merges.count {
    let bpe = BytePairEncoding(merges: Array(learned.merges.prefix(m)))
    let tokens = corpus.validationText.reduce(0) { $0 + bpe.encode($1).count }
    growth.append([
      "\(m)", "\(bpe.symbols.count)", groupedDigits(tokens),
      String(format: "%.2f", Double(tokens) / Double(Swift.max(validationWords, 1))),
      String(format: "%.2f", Double(validationCharacters) / Double(Swift.max(tokens, 1))),
    ])
  }
  out.table(
    ["merges", "vocabulary", "validation tokens", "tokens per word", "characters per token"],
    growth,
    title: "validation text (\(groupedDigits(validationWords)) words) spelled with more merges"
      + (learned.merges.count < grown
        ? "; no pair occurs twice after \(learned.merges.count) merges" : ""))
  // What subwords do to the words training never had.
  let bpe = BytePairEncoding(merges: Array(learned.merges.prefix(merges.value)))
  let known = Set(train.flatMap { Tokenizer.words($0) })
  let words = corpus.validationText.flatMap { Tokenizer.words($0) }
  let unseen = words.filter { !known.contains($0) }
  let share = 100 * Double(unseen.count) / Double(Swift.max(words.count, 1))
  out.print(
    "validation words never seen in training: \(groupedDigits(unseen.count)) of "
      + "\(groupedDigits(words.count)) "
      + "(\(String(format: "%.2f", share)) %)"
      + (unseen.isEmpty
        ? "; this text has none for <unk> to stand for, but a new word would be spelled "
          + "from the bytes and merges like any other"
        : ": at word level each is <unk>; with \(bpe.merges.count) merges each is spelled "
          + "from pieces training had, for example"))
  var shown: [String] = []
  for word in unseen where !shown.contains(word) && shown.count < 4 { shown.append(word) }
  for word in shown {
    out.print("  \(word) → \(bpe.encode(" " + word).joined(separator: " "))")
  }
  // Decoding gives back exactly what was encoded, on every held-out sentence.
  let joinWithSpaces = out.isControl("subwords-decode-exactly")
  let exact = corpus.validationText.filter { text in
    let tokens = bpe.encode(text)
    return (joinWithSpaces ? tokens.joined(separator: " ") : bpe.decode(tokens)) == text
  }.count
  out.check(
    "subwords-decode-exactly", exact == corpus.validationText.count,
    "decoding the subwords of a validation sentence gives it back exactly "
      + "(\(exact) of \(corpus.validationText.count))",
    control: .sabotage("the tokens are joined with spaces instead of decoded"))
}

lesson.cell(
  "The final comparison, on the test split",
  """
  We chose each model's n on the validation text, so its validation perplexity is a little \
  optimistic. The test split has not been used yet: we use it now, once, for the models \
  as chosen.
  """
) { out in
  let addKOrder =
    addKResults.indices.min { addKResults[$0].validation < addKResults[$1].validation }! + 1
  let wbOrder =
    wittenBellResults.indices.min {
      wittenBellResults[$0].validation < wittenBellResults[$1].validation
    }! + 1
  // Bits per character: the same total surprise in bits over the test text's characters
  // (each sentence end counted as one), comparable between word and character models.
  let tokens = corpus.test.reduce(0) { $0 + $1.count + 1 }
  func bits(_ perplexity: Double) -> String {
    String(
      format: "%.4f",
      LanguageModelCorpus.bitsPerCharacter(
        nats: Foundation.log(perplexity) * Double(tokens), text: corpus.testText))
  }
  var rows: [[String]] = [["uniform guess (V)", "–", "\(modelSize)", bits(Double(modelSize))]]
  for (name, order, smoothing) in [
    ("add-k, k = \(k.value)", addKOrder, Smoothing.addK(k.value)),
    ("Witten–Bell", wbOrder, Smoothing.wittenBell),
  ] {
    let perplexity = counted.with(order: order, smoothing: smoothing).perplexity(
      corpus.test, endID: endID)
    rows.append([name, "\(order)", String(format: "%.3f", perplexity), bits(perplexity)])
  }
  if corpusPath == nil && (minimumCount.value == 1 || tokenLevel != .word) {
    rows.append([
      "best possible (from the grammar)", "–",
      bestPossible.map { String(format: "%.3f", $0) } ?? "–",
      String(format: "%.4f", Foundation.log2(SentenceCorpus.course.bestPerplexity(level: .char))),
    ])
  }
  out.table(
    [
      "model", "n (chosen on validation)", "test perplexity per \(level.value)",
      "bits per character",
    ],
    rows)
  if Swift.max(addKOrder, wbOrder) == maximumOrder.value && maximumOrder.value < 16 {
    out.print(
      "chosen at n = \(maximumOrder.value), the largest n tried: a larger n may do better "
        + "(--set n=\(Swift.min(16, 2 * maximumOrder.value)))")
  }
}

lesson.cell(
  "Words, characters and subwords in one unit",
  """
  Perplexity per word and perplexity per character are different units: a word model \
  makes one prediction where a character model makes five or six. *Bits per character* \
  puts them on one scale: the test text's total surprise `−Σ log₂ P` divided by its \
  characters (each sentence end counted as one). Here the same sentences, split the same \
  way, are modelled at all three levels by Witten–Bell, each with its n chosen on \
  validation. The word level pays less than the text's full cost: `<unk>` hides the letters \
  of every word training never had (the last column says how many test tokens that is), \
  and words are lower-cased and read without their spaces, so capitals and spacing are \
  never predicted. The char and bpe levels predict every character as written.
  """
) { out in
  var rows: [[String]] = []
  var tests: [[String]] = []
  var tooSmall: [String] = []
  for other in TextTokenizer.Level.allCases {
    let variant: LanguageModelCorpus
    do {
      variant =
        other == tokenLevel
        ? corpus : try makeCorpus(minimumCount: minimumCount.value, level: other)
    } catch {
      // A small text can have enough tokens at one level and too few at another.
      rows.append([other.rawValue, "–", "–", "–", "–", "–", "too small (below)"])
      tooSmall.append("\(other.rawValue): \(error)")
      continue
    }
    tests.append(variant.testText)
    // Each level up to the n where lesson 2 and 3 look: longer contexts for shorter tokens.
    let largest = Swift.max(
      other == tokenLevel ? maximumOrder.value : 2, other == .word ? 6 : other == .char ? 16 : 10)
    let model = NGramModel(
      order: largest, smoothing: .wittenBell, sentences: variant.train,
      vocabulary: variant.vocabulary)
    let end = variant.vocabulary.endID
    // Each n's validation perplexity once; the first lowest is chosen.
    let validation = (1...largest).map {
      model.with(order: $0).perplexity(variant.validation, endID: end)
    }
    let order = validation.firstIndex(of: validation.min()!)! + 1
    let chosen = model.with(order: order)
    let perplexity = chosen.perplexity(variant.test, endID: end)
    let tokens = variant.test.reduce(0) { $0 + $1.count + 1 }
    let unknown = variant.test.reduce(0) {
      $0 + $1.filter { $0 == variant.vocabulary.unknownID }.count
    }
    let bits = LanguageModelCorpus.bitsPerCharacter(
      nats: Foundation.log(perplexity) * Double(tokens), text: variant.testText)
    rows.append([
      other.rawValue, groupedDigits(variant.vocabulary.count), groupedDigits(tokens),
      "\(order)\(order == largest ? " (largest tried)" : "")",
      String(format: "%.3f", perplexity), String(format: "%.4f", bits),
      unknown == 0
        ? "0" : "\(unknown) (\(String(format: "%.1f", 100 * Double(unknown) / Double(tokens))) %)",
    ])
  }
  out.table(
    [
      "level", "vocabulary", "test tokens", "n", "perplexity", "bits per char", "test <unk>",
    ], rows, title: "test split, Witten–Bell; perplexity is per token of the level")
  for problem in tooSmall { out.print(problem) }
  // Every level cuts long lines the same way, so the test texts agree; said, not assumed.
  if tests.count > 1 {
    let same = tests.allSatisfy { $0 == tests[0] }
    out.print(
      same
        ? "the \(tests.count == 3 ? "three" : "two") levels shown hold the same "
          + "\(tests[0].count) test sentences"
        : "the levels' test texts differ; their bits per character are not on the same text")
  }
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
  let tokenizer = corpus.tokenizer
  let seen = Set(corpus.trainText.map { tokenizer.join(tokenizer.tokenize($0)) })
  for n in Array(Set([1, 2, 3, maximumOrder.value].filter { $0 <= maximumOrder.value })).sorted() {
    let model = counted.with(order: n, smoothing: .wittenBell)
    for _ in 0..<2 {
      let ids = model.sample(
        endID: endID, maximumLength: tokenLevel == .word ? 20 : 80, using: &generator)
      let text = tokenizer.join(corpus.vocabulary.decode(ids))
      out.print("n = \(n): \(text)\(seen.contains(text) ? "   (a training sentence)" : "")")
    }
  }
}

lesson.markdown(
  """
  ## Summary

  - An n-gram model predicts the next token from the previous `n − 1` by counting; the \
  bigram table is also a one-layer network, and gradient descent on the log-likelihood \
  finds the same probabilities.
  - **Maximum likelihood** gives unseen n-grams probability 0; **add-k** and \
  **interpolation** fix that, interpolation far better.
  - **Perplexity**, cross-entropy and bits per token are one number in three units; the \
  uniform model's perplexity is `V`. Compare models on the same vocabulary, and on the \
  test split once their settings are chosen.
  - Longer contexts fit the training text better but are seen too rarely: add-k's \
  pseudo-counts swamp the few real counts of long contexts, while the table grows with \
  every extra token of context and the data does not.
  - **Subwords** (byte-pair encoding) are learned by merging the commonest neighbouring \
  pair, again and again: frequent words become one token, rare ones are spelled from \
  pieces, and nothing is `<unk>`. **Bits per character** compares models whose tokens \
  differ.

  **What it cannot do.** Each context is counted on its own: seeing "the puppies are \
  sleeping" teaches nothing about "the kittens are sleeping". And no n-gram can look \
  further back than `n − 1` tokens, however far the word that decides the next one is. \
  The next lesson *shares* what is learned across contexts, and carries the past in a \
  state, with a recurrent network.

  ## Try this

  - `swift run -c release ngrams --set level=char --set n=16`: letters instead of words, \
  and contexts up to 15 letters. At which n does add-k's validation curve turn up, and \
  where is Witten–Bell best?
  - `swift run -c release ngrams --set k=1`: classic add-one smoothing. How much worse is \
  add-k's best n, and which n is it?
  - `swift run -c release ngrams --set sentences=300`: less data. Which n is best now?
  - `swift run -c release ngrams --set min-count=30`: rare words become `<unk>`. What \
  happens to the vocabulary and the perplexity, and why is the model not better?
  - `swift run -c release ngrams --set level=bpe --set merges=64`: fewer merges, shorter \
  subwords. How many tokens per word now, and which n does Witten–Bell choose?
  - `swift run -c release ngrams --corpus my-text.txt`: your own text (wrapped prose, \
  Markdown or one sentence per line). Which level wins in bits per character, and how \
  many `<unk>` does the word level hide?
  """)

lesson.quiz([
  Question(
    "A uniform model over V = 50 tokens: what is its perplexity?",
    number: 50, tolerance: 1e-9,
    explanation: "Every token has probability 1/50, so exp(−ln(1/50)) = 50."),
  Question(
    "A model's cross-entropy on a text is 3 bits per token. What is its perplexity?",
    number: 8, tolerance: 1e-9,
    explanation: "Perplexity = 2^(bits per token) = exp(nats per token); 2³ = 8."),
  Question(
    "With add-k smoothing, c(h, w) = 1, c(h) = 3, k = 1 and V = 4: what is P(w | h)?",
    number: 2.0 / 7, tolerance: 1e-6, explanation: "(1 + 1) / (3 + 1·4) = 2/7."),
  Question(
    "In the built-in word-level run, why does add-k's held-out perplexity rise again for "
      + "large n?",
    choices: [
      "long contexts are seen only a few times, so the k·V pseudo-counts outweigh their real counts",
      "most long contexts were never seen in training", "training perplexity rises too",
    ],
    answer: 0,
    explanation:
      "In the built-in word-level run, the table on long contexts shows few unseen contexts "
      + "but a small median c(h) beside k·V: add-k then gives most of the probability to "
      + "tokens that never followed the context."),
])

lesson.run()
