// Lesson 4: attention.
//
//     swift run -c release attention
//
// Every position looks at every other, weighted by relevance: scaled dot-product
// attention by hand, masks, heads, positions, and a task attention solves at once.
import Course
import Foundation
import LanguageModels
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore
import TextData

let lesson = Lesson(
  catalog: .attention,
  introduction: """
    A recurrent network must squeeze the whole past into one state vector, and a word \
    twenty steps back reaches the present only through twenty updates. *Attention* lets \
    each position look at every other position directly and take a weighted average of \
    what it finds, the weights saying how relevant each one is. By the end of this lesson \
    you will be able to compute scaled dot-product attention by hand, explain the scaling, \
    apply causal and padding masks, describe multi-head attention and why positions must \
    be added, and train a small attention model on a task a recurrent network of the same \
    size cannot learn in the same time.

    It builds on lesson 3 (recurrent networks, and where they struggle).
    """)

let steps = lesson.knob(
  "steps", default: 800, quick: 250, range: 1...100_000, help: "training steps per model")
let pairs = lesson.knob(
  "pairs", default: 8, range: 1...16, help: "key-value pairs per recall example")
let dimension = lesson.knob("dimension", default: 32, range: 4...512, help: "model dimension")
let heads = lesson.knob("heads", default: 2, range: 1...16, help: "attention heads")
let learningRate = lesson.knob(
  "lr", default: Float(0.004), range: 1e-6...1, help: "Adam's learning rate")
// Two models of about 12·d² parameters each, trained on 64 examples of pairs + 1 tokens
// per step: about 6 operations per parameter per token.
lesson.constraint {
  lesson.longTraining(
    operations: 2 * 6 * 12 * pow(Double(dimension.value), 2) * 64 * Double(pairs.value + 1)
      * Double(steps.value),
    settings: "dimension \(dimension.value), \(pairs.value) pairs, \(steps.value) steps",
    shorten: "lower --set steps, --set dimension or --set pairs")
}
lesson.constraint {
  dimension.value % heads.value == 0
    ? nil : "--set dimension=\(dimension.value) is not divisible by heads = \(heads.value)"
}

func show(_ out: CellOutput, _ t: Tensor, _ name: String) { out.show(t, name, precision: 3) }

lesson.cell(
  "Attention by hand",
  """
  Three tokens, each with a *query* (what it looks for), a *key* (what it offers) and a \
  *value* (what it passes on), as rows of `Q`, `K`, `V`. The scores `Q·Kᵀ` compare every \
  query with every key; dividing by `√d` (here `d = 4`) and a softmax along each row turn \
  them into weights that sum to 1; the output rows are the weighted averages of the rows \
  of `V`. Follow row 0: its query matches key 0 best, so its *weights* favour key 0; its \
  output still takes much of value 2, whose entries are five times larger.
  """
) { out in
  let q = Tensor([[2, 0, 0, 1], [0, 2, 1, 0], [1, 1, 0, 0]])
  let k = Tensor([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 2]])
  let v = Tensor([[1, 0], [0, 1], [5, 5]])
  show(out, q, "Q")
  show(out, k, "K")
  show(out, v, "V")
  let scores = matmul(q, k.transposed())
  show(out, scores, "scores = Q·Kᵀ")
  // The control of the check below divides by d instead of √d, a slip it must catch.
  let scaled = scores / Float(out.isControl("formula-matches-library") ? 4 : 2)
  show(out, scaled, "scores / √4")
  let weights = scaled.softmax(axis: -1)
  show(out, weights, "weights = softmax(rows)")
  let output = matmul(weights, v)
  show(out, output, "output = weights · V")
  let library = scaledDotProductAttention(query: q, key: k, value: v).output
  out.check(
    "formula-matches-library",
    zip(library.scalars, output.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-6 },
    "the library's scaledDotProductAttention gives the same output",
    control: .sabotage("the by-hand scores are divided by d = 4, not √d"))
}

lesson.cell(
  "Why divide by √d",
  """
  A dot product of two random `d`-dimensional vectors with unit-variance entries has a \
  standard deviation of `√d`. Unscaled, long vectors give huge scores, and the softmax \
  puts almost all weight on one key — its gradient then nearly vanishes, and learning \
  stalls. Dividing by `√d` keeps the scores at unit scale for every `d`.
  """
) { out in
  var generator = lesson.random("scaling")
  var rows: [[String]] = []
  for d in [4, 16, 64, 256] {
    let q = Tensor.normal([200, 1, d], using: &generator)
    let k = Tensor.normal([200, 8, d], using: &generator)
    let scores = matmul(q, k, transposeB: true)
    let values = scores.scalars.map(Double.init)
    let std = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
    let peak = scores.softmax(axis: -1).max(axis: -1).mean().item
    let scaledPeak = (scores / Float(d).squareRoot()).softmax(axis: -1).max(axis: -1).mean().item
    rows.append([
      "\(d)", String(format: "%.1f", std), String(format: "%.1f", Double(d).squareRoot()),
      String(format: "%.2f", peak), String(format: "%.2f", scaledPeak),
    ])
  }
  out.table(["d", "std of q·k", "√d", "largest weight, unscaled", "largest weight, scaled"], rows)
}

lesson.cell(
  "Self-attention with masks",
  """
  In *self-attention* the queries, keys and values all come from the same sequence, \
  through three learned linear maps. Two masks hide positions by setting their scores to \
  −∞ before the softmax: the *causal* mask hides later positions (a model that writes \
  text must not peek at the future), the *padding* mask hides the `<pad>` tokens that \
  fill short sequences in a batch. Look for the empty upper triangle and the empty last \
  two columns.
  """
) { out in
  var generator = lesson.random("masks")
  let tokens = ["the", "puppies", "are", "playing", "<pad>", "<pad>"]
  let attention = MultiHeadAttention(8, heads: 1, using: &generator)
  let x = Tensor.normal([1, 6, 8], using: &generator)
  let padding = Tensor([[0, 0, 0, 0, 1, 1]])
  show(out, Tensor.causalMask(6), "causal mask (1 = hidden)")
  let (_, weights) = attention(x, causal: true, keyPaddingMask: padding)
  let rows = (0..<6).map { r in (0..<6).map { c in weights[0, 0, r, c] } }
  out.plot(
    Heatmap(
      rows, rowLabels: tokens, columnLabels: tokens,
      title: "attention weights (row looks at column)", showValues: true, range: 0...1))
  // The causal mask alone already hides the last two columns from the first four rows, so
  // the padding mask is tested without it. Its control forgets the padding mask.
  let (_, unmasked) = attention(
    x, causal: false, keyPaddingMask: out.isControl("padding-hidden") ? nil : padding)
  let leak = (0..<4).map { r in unmasked[0, 0, r, 4] + unmasked[0, 0, r, 5] }.max()!
  out.print("without the causal mask, the most weight a real token puts on <pad>: \(leak)")
  out.check(
    "padding-hidden", leak == 0, "the padding mask alone keeps every real token off the padding",
    control: .sabotage("the padding mask is left out"))
}

lesson.cell(
  "Multi-head attention",
  """
  One attention can only average in one way. *Multi-head* attention splits the model \
  dimension into `h` heads, each with its own slice of the queries, keys and values, so \
  each head can weigh the positions its own way. Their outputs are joined and mixed by a \
  final linear map. Whether heads divide the work between them depends on the task: on \
  the recall task below, compare `--set heads=1` with the default before reading roles \
  into the heads. The shapes tell the story: the split is a reshape and a transpose, \
  `[batch, length, d]` → `[batch, length, heads, d/heads]` → `[batch, heads, length, \
  d/heads]`, so every head is one more batch entry for the matrix products; the join \
  undoes it.
  """
) { out in
  var generator = lesson.random("heads")
  let attention = MultiHeadAttention(dimension.value, heads: heads.value, using: &generator)
  let x = Tensor.normal([2, 5, dimension.value], using: &generator)
  let (output, weights) = attention(x)
  let (batch, length, d, h) = (2, 5, dimension.value, heads.value)
  let q = attention.query(x)
  let split = q.reshaped([batch, length, h, d / h]).permuted([0, 2, 1, 3])
  let joined = split.permuted([0, 2, 1, 3]).reshaped([batch, length, d])
  out.print("queries \(Shape.describe(q.shape)): batch, position, model dimension")
  out.print(
    "split   \(Shape.describe(split.shape)): batch, head, position, \(h) heads of size \(d / h)")
  out.print(
    "joined  \(Shape.describe(joined.shape)); equal to the queries: \(joined.scalars == q.scalars)")
  out.print("weights \(Shape.describe(weights.shape)): batch, head, query position, key position")
  out.print(
    "output \(Shape.describe(output.shape)); parameters: \(groupedDigits(attention.parameterCount)) (4 maps of \(dimension.value) × \(dimension.value), plus biases)"
  )
}

lesson.cell(
  "The transformer block, one step at a time",
  """
  Attention is one part of a *transformer block*. The block keeps a *residual stream*: \
  each position's vector, to which every sub-layer *adds* its result instead of replacing \
  it. Before each sub-layer, *layer normalisation* rescales each position's vector to mean \
  0 and variance 1 (then a learned scale and shift). The *feed-forward* layer, two linear \
  maps with a GELU between, works on every position separately: attention mixes positions, \
  the feed-forward layer transforms each one. Below we build the block of lessons 4 and 5 \
  by hand from its parts and compare with the library's `TransformerEncoderLayer`.
  """
) { out in
  var generator = lesson.random("block")
  let block = TransformerEncoderLayer(
    dimension: 8, heads: 2, feedForwardSize: 32, using: &generator)
  let x = Tensor.normal([1, 4, 8], using: &generator)
  let normalised = block.norm1(x)
  let row = Array(x.scalars[0..<8])
  let normalRow = Array(normalised.scalars[0..<8])
  func stats(_ v: [Float]) -> String {
    let mean = v.reduce(0, +) / Float(v.count)
    let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(v.count)
    return String(format: "mean %+.3f, variance %.3f", mean, variance)
  }
  out.print("x \(Shape.describe(x.shape)): 1 sentence, 4 positions, 8 numbers each")
  out.print("position 0 before layer norm: \(stats(row)); after: \(stats(normalRow))")
  let (attended, _) = block.attention(normalised)
  // The control of the check leaves out the residual connection around attention.
  let afterAttention = out.isControl("block-by-hand") ? attended : x + attended
  let inner = block.feedForward.linear1(block.norm2(afterAttention))
  out.print(
    "attention output \(Shape.describe(attended.shape)), added to x; feed-forward inside: "
      + "\(Shape.describe(inner.shape)) (4 × wider), back to \(Shape.describe(attended.shape))")
  let byHand = afterAttention + block.feedForward(block.norm2(afterAttention))
  let byLayer = block(x)
  let difference = (byHand - byLayer).abs().max().item
  out.print(
    "x + attention(norm(x)), then + feedForward(norm(·)), against the layer: largest "
      + "difference \(String(format: "%.1g", difference))")
  out.check(
    "block-by-hand", difference < 1e-5, "the block by hand is the library's layer",
    control: .sabotage("the residual connection around attention is left out"))
}

lesson.cell(
  "Pre-LN and post-LN",
  """
  Where the normalisation sits matters. Lessons 4 and 5 normalise *before* each sub-layer \
  (*pre-LN*): `x + attention(norm(x))`, so the stream itself is never normalised and \
  passes from input to output untouched except for what is added. BERT and ALBERT, as \
  published, normalise *after* the addition (*post-LN*): `norm(x + attention(x))`, so \
  every block rescales the whole stream. Follow the mean size of a position's vector \
  (over 64 positions of random inputs) through a stack of eight untrained blocks: pre-LN \
  lets it change with depth as the sub-layers add to it; post-LN holds it at the size \
  layer normalisation sets (`√8 ≈ 2.83` here). Deep \
  post-LN stacks are known to need a learning-rate warm-up to train, which pre-LN mostly \
  avoids (Xiong et al., 2020); lesson 6 uses the warm-up.
  """
) { out in
  var generator = lesson.random("normalisation")
  let blocks = (0..<8).map { _ in
    TransformerEncoderLayer(dimension: 8, heads: 2, feedForwardSize: 32, using: &generator)
  }
  let x = Tensor.normal([16, 4, 8], using: &generator)
  // The mean length of the 64 vectors: one vector's length moves up and down by chance.
  func size(_ t: Tensor) -> String {
    let v = t.scalars
    let lengths = stride(from: 0, to: v.count, by: 8).map { start in
      v[start..<(start + 8)].map { $0 * $0 }.reduce(0, +).squareRoot()
    }
    return String(format: "%.2f", lengths.reduce(0, +) / Float(lengths.count))
  }
  var pre = x
  var post = x
  var rows: [[String]] = [["input", size(x), size(x)]]
  for (depth, block) in blocks.enumerated() {
    pre = block(pre)
    let (attended, _) = block.attention(post)
    post = block.norm1(post + attended)
    post = block.norm2(post + block.feedForward(post))
    rows.append(["after block \(depth + 1)", size(pre), size(post)])
  }
  out.table(["", "pre-LN: mean size of a position", "post-LN"], rows)
}

lesson.cell(
  "Cross-attention",
  """
  In *self*-attention the queries, keys and values all come from one sequence. In \
  *cross*-attention the queries come from one sequence and the keys and values from \
  another: a decoder writing an output looks at what an encoder read. Three output \
  positions looking at five input positions give a `3 × 5` table of weights per head, and \
  each output position receives a weighted average of the input's values. Lesson 5's \
  decoder does exactly this.
  """
) { out in
  var generator = lesson.random("cross")
  let attention = MultiHeadAttention(8, heads: 2, using: &generator)
  let encoded = Tensor.normal([1, 5, 8], using: &generator)
  let decoding = Tensor.normal([1, 3, 8], using: &generator)
  let (output, weights) = attention(decoding, encoded)
  out.print(
    "queries from the decoder \(Shape.describe(decoding.shape)), keys and values from the encoder \(Shape.describe(encoded.shape))"
  )
  out.print(
    "weights \(Shape.describe(weights.shape)): batch, head, decoder position, encoder position")
  out.print("output \(Shape.describe(output.shape)): one vector per decoder position")
  out.plot(
    Heatmap(
      (0..<3).map { q in (0..<5).map { weights[0, 0, q, $0] } },
      rowLabels: ["out 0", "out 1", "out 2"], columnLabels: (0..<5).map { "in \($0)" },
      title: "head 0: each output position's weights over the input", showValues: true,
      range: 0...1))
}

lesson.cell(
  "Positions",
  """
  Attention compares contents, not places: shuffle the input and the outputs are shuffled \
  the same way, nothing else changes. Without positions, "dog bites man" and "man bites \
  dog" give "dog" the same vector — a bag of words again (lesson 1). Adding a *position \
  code* to each token fixes that. Sinusoidal codes give position `p` the values \
  `sin(p / 10000^(2i/d))` and `cos(…)`: clocks at different speeds.
  """
) { out in
  var generator = lesson.random("positions")
  let table = Embedding(3, 8, using: &generator)
  let attention = MultiHeadAttention(8, heads: 1, using: &generator)
  let positions = SinusoidalPositionalEncoding(maxLength: 16, dimension: 8)
  let dogBitesMan = table([0, 1, 2], shape: [1, 3])
  let manBitesDog = table([2, 1, 0], shape: [1, 3])
  let dogFirst = withNoGrad { attention(dogBitesMan).output.selected(axis: 1, index: 0) }
  let dogLast = withNoGrad { attention(manBitesDog).output.selected(axis: 1, index: 2) }
  let distance = (dogFirst - dogLast).abs().max().item
  out.print(
    "without positions: largest difference in the vector of 'dog' = \(String(format: "%.2g", distance))"
  )
  // The control of the check below leaves the position codes out.
  let place: (Tensor) -> Tensor = out.isControl("positions-needed") ? { $0 } : { positions($0) }
  let withFirst = withNoGrad {
    attention(place(dogBitesMan)).output.selected(axis: 1, index: 0)
  }
  let withLast = withNoGrad { attention(place(manBitesDog)).output.selected(axis: 1, index: 2) }
  let positioned = (withFirst - withLast).abs().max().item
  out.print("with sinusoidal positions: \(String(format: "%.2g", positioned))")
  out.check(
    "positions-needed", distance < 1e-5 && positioned > 1e-2,
    "only position codes let attention tell the two orders apart",
    control: .sabotage("the position codes are left out"))
  let codes = positions.codes(12)
  out.plot(
    Heatmap(
      (0..<12).map { p in (0..<8).map { codes[p, $0] } }, rowLabels: (0..<12).map { "p\($0)" },
      columnLabels: (0..<8).map { "\($0)" }, title: "sinusoidal codes: position × dimension"))
}

/// The recall task at the knobs' values of now.
var task: RecallTask { RecallTask(keys: 16, values: 10, pairs: pairs.value) }

lesson.cell(
  "A task that needs looking back: recall",
  """
  Each example lists key–value pairs and ends with one of the keys; the answer is that \
  key's value. Where the answer sits changes from example to example, so a model must \
  find it. (Each position holds a key and its value, added together as vectors.)
  """
) { out in
  var generator = lesson.random("examples")
  let batch = task.batch(3, using: &generator)
  for i in 0..<3 {
    out.print(task.describe(batch, example: i).joined(separator: "  "), " →", batch.answers[i])
  }
}

var attentionModel: AttentionRecallModel!
var gruModel: RecurrentRecallModel!
/// The test examples of the comparison, none of them a training example.
var heldOut: RecallTask.Batch!

/// The examples both models train on, drawn again from the same seed, and 1000 new ones
/// that are none of them; prints how many test examples are also training examples (0, or
/// says why not).
func heldOutExamples(_ out: CellOutput) -> RecallTask.Batch {
  var replay = lesson.random("batches")
  var seen = Set<[Int]>()
  for _ in 0..<steps.value {
    let batch = task.batch(64, using: &replay)
    for i in 0..<batch.count { seen.insert(task.example(batch, i)) }
  }
  var testGenerator = lesson.random("test")
  let test = task.batch(1000, excluding: seen, using: &testGenerator)
  if test.count > 0 {
    let copies = (0..<test.count).filter { seen.contains(task.example(test, $0)) }.count
    out.print(
      "test examples also in training: \(copies) of \(test.count) (\(seen.count) different "
        + "training examples)")
    return test
  }
  var again = lesson.random("test")
  out.print(
    "with \(pairs.value) pairs the task has so few different examples that training saw every "
      + "one (\(seen.count)): the test below is of training examples, a measure of memory")
  return task.batch(1000, using: &again)
}

lesson.cell(
  "Attention against a GRU of the same size",
  """
  A transformer block (self-attention and a small feed-forward layer) against a GRU with \
  about as many parameters, each trained for \(steps.value) steps on the same fresh batches, then \
  tested on 1000 new examples, none of them a training example. The GRU must keep all \(pairs.value) pairs in its state until the \
  query comes; attention looks the key up when it is asked. (The comparison is at an \
  equal, small budget; try the GRU on an easier task with more time: `--set pairs=2 --set \
  lr=0.01 --set steps=3000`.)
  """
) { out in
  var generator = lesson.random("models")
  attentionModel = AttentionRecallModel(
    task: task, dimension: dimension.value, heads: heads.value, using: &generator)
  let hidden = Int((Double(attentionModel.parameterCount) / 3).squareRoot()) - dimension.value / 2
  let gru = RecurrentRecallModel(
    task: task, dimension: dimension.value, hiddenSize: Swift.max(hidden, 2), using: &generator)
  gruModel = gru
  heldOut = heldOutExamples(out)
  let test = heldOut!
  var series: [LinePlot.Series] = []
  var results: [(String, Int, Double)] = []
  for (name, model) in [("attention", attentionModel as any RecallModel), ("GRU", gru)] {
    var data = lesson.random("batches")
    let progress = out.progress(name, total: steps.value)
    let history = try TrainingLoop(
      steps: steps.value, clipNorm: 1,
      schedule: .cosine(totalSteps: steps.value, warmupSteps: steps.value / 20, minimumFactor: 0.1)
    ).run(
      model: model, optimizer: Adam(model.parameters(), learningRate: learningRate.value),
      loss: { _ in model.loss(task.batch(64, using: &data)) },
      onStep: { progress.update($0.step + 1, loss: $0.loss) })
    series.append(
      .init(
        name, history.smoothedTrainLoss(window: Swift.max(steps.value / 60, 1)),
        xs: stride(from: 0, to: steps.value, by: Swift.max(steps.value / 60, 1)).map(Double.init)))
    results.append((name, model.parameterCount, model.accuracy(test)))
  }
  out.plot(LinePlot(series, title: "training loss", height: 8, xLabel: "step"))
  out.table(
    ["model", "parameters", "test accuracy"],
    results.map { [$0.0, groupedDigits($0.1), String(format: "%.1f %%", 100 * $0.2)] })
  out.print("chance: \(String(format: "%.1f %%", 100.0 / Double(task.values)))")
  out.check(
    "attention-recalls", results[0].2 >= 0.95, "attention answers at least 95 % of new examples",
    control: .setting("--set steps=1", "one training step leaves the model untrained"))
  out.check(
    "gru-behind", results[1].2 < results[0].2 - 0.2,
    "the GRU of the same size is far behind in the same budget (by over 20 points)",
    control: .setting("--set steps=1", "untrained, both models are at chance"))
}

lesson.cell(
  "Which pairs the GRU gets right",
  """
  Where does the GRU fail? Sort the test examples by the position of the pair the query \
  asks about, from the first pair read to the last, and score each group. If the GRU \
  kept the most recent pairs in its state, it would do best when the last ones are asked. \
  Then look at *what* it answers: a value that occurs in the example, or any value.
  """
) { out in
  let test = heldOut!
  let length = task.pairs + 1
  // The position of the queried pair in each example: where its key sits.
  let asked = (0..<test.count).map { b in
    (0..<task.pairs).first { test.keyIDs[b * length + $0] == test.keyIDs[b * length + task.pairs] }!
  }
  func correct(_ model: any RecallModel) -> [Bool] {
    let predicted = withNoGrad { model.logits(test).argmax(axis: -1) }
    return zip(predicted, test.answers).map { $0 == $1 }
  }
  let attentionRight = correct(attentionModel)
  let gruRight = correct(gruModel)
  func share(_ right: [Bool], at position: Int) -> Double {
    let chosen = (0..<test.count).filter { asked[$0] == position }
    return Double(chosen.filter { right[$0] }.count) / Double(Swift.max(chosen.count, 1))
  }
  let rows = (0..<task.pairs).map { p in
    [
      "\(p + 1)\(p == task.pairs - 1 ? " (last)" : "")",
      "\((0..<test.count).filter { asked[$0] == p }.count)",
      String(format: "%.1f %%", 100 * share(attentionRight, at: p)),
      String(format: "%.1f %%", 100 * share(gruRight, at: p)),
    ]
  }
  out.table(["queried pair", "examples", "attention", "GRU"], rows)
  // What the GRU answers with: a value that occurs somewhere in the example, or not?
  let predicted = withNoGrad { gruModel.logits(test).argmax(axis: -1) }
  var present = 0
  var presentByChance = 0.0
  var guessAmongPresent = 0.0
  for b in 0..<test.count {
    let values = Set((0..<task.pairs).map { test.valueIDs[b * length + $0] })
    if values.contains(predicted[b]) { present += 1 }
    presentByChance += Double(values.count) / Double(task.values)
    guessAmongPresent += 1 / Double(values.count)
  }
  // A rule that needs no keys at all: answer the value that occurs most often in the
  // example (ties shared). A GRU that knows which values occurred but not which key each
  // belongs to can do about this well.
  var commonestRule = 0.0
  for b in 0..<test.count {
    var counts: [Int: Int] = [:]
    for i in 0..<task.pairs { counts[test.valueIDs[b * length + i], default: 0] += 1 }
    let most = counts.values.max()!
    let modes = counts.filter { $0.value == most }.keys
    if modes.contains(test.answers[b]) { commonestRule += 1 / Double(modes.count) }
  }
  let presentShare = Double(present) / Double(test.count)
  let chanceShare = presentByChance / Double(test.count)
  out.print(
    "the GRU's answer is one of the values in the example for "
      + String(format: "%.1f %%", 100 * presentShare) + " of them; a random value would be for "
      + String(format: "%.1f %%", 100 * chanceShare) + "; guessing among the values present "
      + "would be right " + String(format: "%.1f %%", 100 * guessAmongPresent / Double(test.count))
      + " of the time, answering the value that occurs most often in it "
      + String(format: "%.1f %%", 100 * commonestRule / Double(test.count)) + "; the GRU is right "
      + String(
        format: "%.1f %%", 100 * Double(gruRight.filter { $0 }.count) / Double(test.count)))
  out.check(
    "gru-answers-seen-values", presentShare > chanceShare + 0.2,
    "the GRU answers with a value it has seen in the example far more often than chance "
      + "(by over 20 points)",
    control: .setting("--set steps=1", "untrained, the GRU's answers ignore the example"))
}

lesson.cell(
  "Where the query looks",
  """
  The attention weights of the query position, one row per head, labelled with the \
  input. A head that has learned the task puts its weight on the pair whose key matches \
  the query.
  """
) { out in
  var generator = lesson.random("inspect")
  let batch = task.batch(2, using: &generator)
  _ = withNoGrad { attentionModel.logits(batch) }
  let weights = attentionModel.queryAttention!
  for example in 0..<2 {
    let labels = task.describe(batch, example: example)
    let rows = (0..<heads.value).map { h in (0..<labels.count).map { weights[example, h, $0] } }
    out.plot(
      Heatmap(
        rows, rowLabels: (0..<heads.value).map { "head \($0)" }, columnLabels: labels,
        title: "query \(labels.last!) → answer \(batch.answers[example])", showValues: true,
        range: 0...1))
  }
}

lesson.markdown(
  """
  ## Summary

  - **Scaled dot-product attention**: `softmax(Q·Kᵀ / √d) · V`; the scaling keeps the \
  softmax from saturating as `d` grows.
  - **Self-attention** takes `Q`, `K`, `V` from one sequence; **masks** hide future \
  positions (causal) and padding.
  - **Multi-head** attention runs several attentions side by side on slices of the model \
  dimension.
  - Attention ignores order unless **position codes** are added.
  - A **transformer block** adds attention and a position-wise feed-forward layer to a \
  residual stream, with layer normalisation before (pre-LN) or after (post-LN, as in BERT \
  and ALBERT) each addition; **cross-attention** takes its keys and values from another \
  sequence.
  - A single attention block solves key–value recall. A GRU of the same size, in the same \
  budget, answers with values from the example but rarely the right one, about equally \
  often whichever pair is asked.

  **What comes next.** Attention lets a model relate every word to every other. Lesson 5 \
  uses it to *understand* sentences: an encoder–decoder learns by restoring corrupted text.

  ## Try this

  - `swift run -c release attention --set pairs=2`: an easy memory task. How close does the \
  GRU get?
  - `swift run -c release attention --set heads=1`: one head. Still enough?
  - `swift run -c release attention --set pairs=2 --set lr=0.01 --set steps=3000`: fewer \
  pairs, a larger step and more time. Does the GRU learn the lookup then?
  """)

lesson.quiz([
  Question(
    "Why are attention scores divided by √d?",
    choices: [
      "dot products of d-dimensional vectors grow like √d and would saturate the softmax",
      "to normalise the values", "to make the weights sum to 1",
    ],
    answer: 0,
    explanation: "Unscaled, large scores give one-hot weights whose gradient nearly vanishes."),
  Question(
    "In a causal mask for 4 positions, how many (query, key) pairs are hidden?",
    number: 6, tolerance: 1e-9, explanation: "The pairs with key after query: 3 + 2 + 1 = 6."),
  Question(
    "Without position codes, what happens if you shuffle the input tokens?",
    choices: [
      "the outputs are shuffled the same way and nothing else changes",
      "the outputs change completely", "attention fails with an error",
    ],
    answer: 0, explanation: "Attention compares contents only: it is permutation-equivariant."),
  Question(
    "Why does attention solve key–value recall faster than a GRU of the same size?",
    choices: [
      "the query looks the key up directly instead of carrying every pair in one state",
      "it has more parameters", "it trains with a larger learning rate",
    ],
    answer: 0,
    explanation:
      "Attention reaches any position in one step; the GRU must store all pairs until the query."),
])

lesson.run()
