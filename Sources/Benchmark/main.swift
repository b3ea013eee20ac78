// The benchmark: the five workloads of the course's performance specification (W1 matrix
// products, W2 a character RNN, W3 a small causal transformer, W4 a bag-of-words MLP, W5 the
// transformer at nanoGPT's CPU size),
// run through the library's own tensors, layers, autograd and optimizers, with the same
// data and initial values as the reference programs, printing one JSON line per result.
//
//     swift run -c release bench [--workload matmul,char_rnn,transformer,mlp_bow,gpt]
//                                [--threads N] [--quick]
import Foundation
import NeuralNetwork
import Notebook
import Optimizers
import TensorCore

// MARK: Command line

struct Options {
  var workloads = ["matmul", "char_rnn", "transformer", "mlp_bow", "gpt"]
  var threads = Parallelism.usableCores
  var quick = false
}

let usage =
  "usage: bench [--workload matmul,char_rnn,transformer,mlp_bow,gpt|all] [--threads N] [--quick]"
let help = """
  bench: the course's performance workloads, one JSON line per result on standard output.

  \(usage)

    --workload LIST  comma-separated workloads to run (default: all five)
    --threads N      worker threads, 1 to the machine's cores (default: the cores this
                     process may use, \(Parallelism.usableCores) here)
    --quick          small sizes and few repetitions: a smoke test, not a measurement
    --help           show this help
  """

func parseOptions() -> Options {
  var options = Options()
  var arguments = Array(CommandLine.arguments.dropFirst())
  func fail(_ message: String) -> Never {
    Console.writeError("bench: \(message)\n\(usage)\n")
    exit(2)
  }
  let cores = ProcessInfo.processInfo.activeProcessorCount
  while !arguments.isEmpty {
    let argument = arguments.removeFirst()
    var flag = argument
    var value: String? = nil
    if let equals = argument.firstIndex(of: "=") {
      flag = String(argument[..<equals])
      value = String(argument[argument.index(after: equals)...])
    }
    func next() -> String {
      if let value { return value }
      guard !arguments.isEmpty else { fail("\(flag) needs a value") }
      return arguments.removeFirst()
    }
    switch flag {
    case "--quick":
      guard value == nil else { fail("--quick takes no value, got '\(argument)'") }
      options.quick = true
    case "--threads":
      let text = next()
      guard let n = Int(text), (1...cores).contains(n) else {
        fail(
          "--threads must be a whole number from 1 to \(cores) (this machine's cores), got '\(text)'"
        )
      }
      options.threads = n
    case "--workload":
      let text = next()
      guard !text.isEmpty else { fail("--workload needs at least one workload name") }
      if text != "all" {
        let chosen = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let known = Options().workloads
        if chosen.contains("") {
          fail(
            "--workload \(text): an empty name between commas; list workloads like matmul,char_rnn")
        }
        if let bad = chosen.first(where: { !known.contains($0) }) {
          fail("unknown workload '\(bad)'; choose from \(known.joined(separator: ","))")
        }
        options.workloads = chosen
      }
    case "--help", "-h":
      guard value == nil else { fail("--help takes no value") }
      Console.print(help)
      exit(0)
    default: fail("unknown option '\(argument)'")
    }
  }
  return options
}

let options = parseOptions()
Parallelism.threads = options.threads

// MARK: Data, as WORKLOADS.md §0.1 defines it

func uniform(_ seed: UInt64, _ shape: [Int], _ bound: Double) -> Tensor {
  var g = SplitMix64(seed: seed)
  return Tensor.uniform(shape, low: -bound, high: bound, using: &g)
}

func normal(_ seed: UInt64, _ shape: [Int], _ std: Double) -> Tensor {
  var g = SplitMix64(seed: seed)
  return Tensor.normal(shape, std: std, using: &g)
}

func tokens(_ seed: UInt64, count: Int, vocabulary: Int) -> [Int] {
  var g = SplitMix64(seed: seed)
  return (0..<count).map { _ in g.index(vocabulary) }
}

/// Copies a specification table laid out `[in, out]` into a weight stored `[out, in]`.
func loadTable(_ weight: Tensor, transposing table: Tensor) {
  weight.assign(withNoGrad { table.transposed() })
}

func k(_ n: Int) -> Double { 1 / Double(n).squareRoot() }

// MARK: Timing and output

func emit(_ record: [String: Any]) {
  let data = try! JSONSerialization.data(
    withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
  Console.print(String(decoding: data, as: UTF8.self))
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  let mid = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func quantile(_ values: [Double], _ q: Double) -> Double {
  let sorted = values.sorted()
  let position = q * Double(sorted.count - 1)
  let low = Int(position.rounded(.down))
  let high = min(low + 1, sorted.count - 1)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// Runs warm-up and timed training steps; `step(i)` returns the loss of step `i`.
func timeTraining(
  _ workload: String, perStep: Double, perStepKey: String, step: (Int) -> Float
) {
  let (warmup, timed) = options.quick ? (1, 5) : (3, 50)
  var losses: [Float] = []
  var times: [Double] = []
  for i in 0..<(warmup + timed) {
    let start = now()
    let loss = step(i)
    let elapsed = now() - start
    losses.append(loss)
    if i >= warmup { times.append(elapsed) }
  }
  let m = median(times)
  func rounded(_ v: Double, _ places: Double) -> Double { (v * places).rounded() / places }
  emit([
    "workload": workload, "impl": "swift-course", "threads": options.threads,
    "metric": "steps_per_s_median", "value": rounded(1 / m, 1000), "unit": "steps/s",
    perStepKey: rounded(perStep / m, 10), "step_ms_median": rounded(m * 1e3, 1e4),
    "step_ms_min": rounded(times.min()! * 1e3, 1e4),
    "step_ms_p10": rounded(quantile(times, 0.1) * 1e3, 1e4),
    "step_ms_p90": rounded(quantile(times, 0.9) * 1e3, 1e4), "steps_warmup": warmup,
    "steps_timed": timed,
    "loss_step0": rounded(Double(losses[0]), 1e6), "loss_last": rounded(Double(losses.last!), 1e6),
    "last_step": losses.count - 1,
  ])
}

// MARK: W1 matmul

func benchmarkMatmul() {
  let cases: [(String, Int, Bool, Bool)] = [
    ("matmul_nn_128", 128, false, false), ("matmul_nn_256", 256, false, false),
    ("matmul_nn_512", 512, false, false), ("matmul_nn_1024", 1024, false, false),
    ("matmul_nt_512", 512, false, true), ("matmul_tn_512", 512, true, false),
  ]
  let (repeats, minimum) = options.quick ? (5, 0.01) : (7, 0.05)
  for (name, n, transposeA, transposeB) in cases {
    let a = uniform(1, [n, n], 1)
    let b = uniform(2, [n, n], 1)
    func call() { _ = matmul(a, b, transposeA: transposeA, transposeB: transposeB) }
    call()
    call()
    let start = now()
    call()
    let one = max(now() - start, 1e-7)
    let calls = max(1, Int((minimum / one).rounded(.up)))
    var perCall: [Double] = []
    for _ in 0..<repeats {
      let t0 = now()
      for _ in 0..<calls { call() }
      perCall.append((now() - t0) / Double(calls))
    }
    let m = median(perCall)
    let flops = 2 * Double(n * n * n)
    emit([
      "workload": name, "impl": "swift-course", "threads": options.threads,
      "metric": "gflops_median",
      "value": (flops / m / 1e9 * 100).rounded() / 100, "unit": "GFLOP/s",
      "ms_median": (m * 1e8).rounded() / 1e5,
      "gflops_best": (flops / perCall.min()! / 1e9 * 100).rounded() / 100,
      "calls_per_repeat": calls, "repeats": repeats,
    ])
  }
}

// MARK: W2 char_rnn

/// Embedding → RNN (tanh) → linear, the lesson 3 model's layers.
final class CharRNN: Module {
  let embedding: Embedding
  let rnn: RNN
  let output: Linear

  override init() {
    var g = SplitMix64(seed: 0)
    embedding = Embedding(64, 32, using: &g)
    rnn = RNN(inputSize: 32, hiddenSize: 128, using: &g)
    output = Linear(128, 64, using: &g)
    super.init()
    embedding.weight.assign(normal(101, [64, 32], 1))
    loadTable(rnn.weightIH, transposing: uniform(102, [32, 128], k(128)))
    loadTable(rnn.weightHH, transposing: uniform(103, [128, 128], k(128)))
    // The specification has one bias per step; PyTorch's RNN, like ours, has two. The
    // second starts at zero, so step 0 is the specification's exactly.
    rnn.biasIH.assign(uniform(104, [128], k(128)))
    rnn.biasHH.assign(Tensor.zeros([128]))
    loadTable(output.weight, transposing: uniform(105, [128, 64], k(128)))
    output.bias!.assign(uniform(106, [64], k(128)))
  }

  func loss(_ inputs: [Int], _ targets: [Int], batch: Int, time: Int) -> Tensor {
    let states = rnn(embedding(inputs, shape: [batch, time])).outputs
    return Tensor.crossEntropy(output(states), targets: targets)
  }
}

/// Splits `[8, B, T+1]` token data into per-batch inputs and targets.
func sequenceBatches(_ data: [Int], batch: Int, time: Int) -> [([Int], [Int])] {
  (0..<8).map { j in
    var inputs: [Int] = []
    var targets: [Int] = []
    for b in 0..<batch {
      let row = Array(data[((j * batch + b) * (time + 1))..<((j * batch + b + 1) * (time + 1))])
      inputs += row.dropLast()
      targets += row.dropFirst()
    }
    return (inputs, targets)
  }
}

/// Times a next-token language model on `[8, batch, time + 1]` token data: the training step
/// of W2, W3 and W5 (cross-entropy, backward, clipping at norm 1, Adam).
func benchmarkLanguageModel(
  _ workload: String, dataSeed: UInt64, learningRate: Float, model: Module,
  batch: Int = 32, time: Int = 64, vocabulary: Int = 64,
  loss: @escaping ([Int], [Int], Int, Int) -> Tensor
) {
  let batches = sequenceBatches(
    tokens(dataSeed, count: 8 * batch * (time + 1), vocabulary: vocabulary), batch: batch,
    time: time)
  let optimizer = Adam(model.parameters(), learningRate: learningRate)
  let parameters = model.parameters()
  timeTraining(workload, perStep: Double(batch * time), perStepKey: "tokens_per_s") { i in
    let (inputs, targets) = batches[i % 8]
    optimizer.zeroGrad()
    let value = loss(inputs, targets, batch, time)
    value.backward()
    clipGradientNorm(parameters, maxNorm: 1)
    optimizer.step()
    return value.item
  }
}

func benchmarkCharRNN() {
  let model = CharRNN()
  benchmarkLanguageModel("char_rnn", dataSeed: 100, learningRate: 3e-3, model: model) {
    model.loss($0, $1, batch: $2, time: $3)
  }
}

// MARK: W3 transformer

/// Token and position embeddings, pre-LN blocks, a final norm and a head: the library's
/// `TransformerEncoderLayer` with a causal mask. W3 has 2 blocks of width 64 over 64
/// tokens; W5 (nanoGPT's CPU configuration) 4 blocks of width 128 over 65.
final class TinyGPT: Module {
  let tokens: Embedding
  let positions: LearnedPositionalEncoding
  let blocks: [TransformerEncoderLayer]
  let norm: LayerNorm
  let head: Linear

  init(vocabulary v: Int = 64, dimension d: Int = 64, blocks count: Int = 2, context: Int = 64) {
    var g = SplitMix64(seed: 0)
    let inner = 4 * d
    tokens = Embedding(v, d, using: &g)
    positions = LearnedPositionalEncoding(maxLength: context, dimension: d, using: &g)
    blocks = (0..<count).map { _ in
      TransformerEncoderLayer(dimension: d, heads: 4, feedForwardSize: inner, using: &g)
    }
    norm = LayerNorm(d)
    head = Linear(d, v, using: &g)
    super.init()
    tokens.weight.assign(normal(201, [v, d], 0.02))
    positions.weight.assign(normal(202, [context, d], 0.02))
    for (l, block) in blocks.enumerated() {
      let s = UInt64(210 + 10 * l)
      let qkv = normal(s, [d, 3 * d], 0.02)
      let attention = block.attention
      for (i, projection) in [attention.query, attention.key, attention.value].enumerated() {
        loadTable(projection.weight, transposing: qkv.narrowed(axis: 1, start: i * d, length: d))
        projection.bias!.assign(Tensor.zeros([d]))
      }
      loadTable(attention.output.weight, transposing: normal(s + 1, [d, d], 0.02))
      attention.output.bias!.assign(Tensor.zeros([d]))
      loadTable(block.feedForward.linear1.weight, transposing: normal(s + 2, [d, inner], 0.02))
      block.feedForward.linear1.bias!.assign(Tensor.zeros([inner]))
      loadTable(block.feedForward.linear2.weight, transposing: normal(s + 3, [inner, d], 0.02))
      block.feedForward.linear2.bias!.assign(Tensor.zeros([d]))
    }
    loadTable(head.weight, transposing: normal(250, [d, v], 0.02))
    head.bias!.assign(Tensor.zeros([v]))
  }

  func loss(_ inputs: [Int], _ targets: [Int], batch: Int, time: Int) -> Tensor {
    var h = positions(tokens(inputs, shape: [batch, time]))
    for block in blocks { h = block(h, causal: true) }
    return Tensor.crossEntropy(head(norm(h)), targets: targets)
  }
}

func benchmarkTransformer() {
  let model = TinyGPT()
  benchmarkLanguageModel("transformer", dataSeed: 200, learningRate: 3e-4, model: model) {
    model.loss($0, $1, batch: $2, time: $3)
  }
}

// MARK: W5 gpt

/// nanoGPT's CPU configuration: V = 65, d = 128, T = 64, 4 blocks, B = 12, 818,241
/// parameters, the head not tied.
func benchmarkGPT() {
  let model = TinyGPT(vocabulary: 65, dimension: 128, blocks: 4, context: 64)
  precondition(model.parameterCount == 818_241, "W5 has \(model.parameterCount) parameters")
  benchmarkLanguageModel(
    "gpt", dataSeed: 200, learningRate: 3e-4, model: model, batch: 12, time: 64, vocabulary: 65
  ) {
    model.loss($0, $1, batch: $2, time: $3)
  }
}

// MARK: W4 mlp_bow

func benchmarkBagOfWords() {
  let (words, hidden, batch, length) = (2000, 128, 256, 40)
  let ids = tokens(300, count: 8 * batch * length, vocabulary: words)
  let batches: [(Tensor, [Int])] = (0..<8).map { j in
    var counts = [Float](repeating: 0, count: batch * words)
    var labels: [Int] = []
    for b in 0..<batch {
      let document = ids[((j * batch + b) * length)..<((j * batch + b + 1) * length)]
      for w in document { counts[b * words + w] += 1 }
      labels.append(document.filter { $0 < 1000 }.count >= 20 ? 1 : 0)
    }
    return (Tensor(counts, shape: [batch, words]), labels)
  }
  var g = SplitMix64(seed: 0)
  let first = Linear(words, hidden, using: &g)
  let second = Linear(hidden, 2, using: &g)
  loadTable(first.weight, transposing: uniform(301, [words, hidden], k(words)))
  first.bias!.assign(uniform(302, [hidden], k(words)))
  loadTable(second.weight, transposing: uniform(303, [hidden, 2], k(hidden)))
  second.bias!.assign(uniform(304, [2], k(hidden)))
  let model = Sequential([first, ReLU(), second])
  let optimizer = SGD(model.parameters(), learningRate: 0.1)
  timeTraining("mlp_bow", perStep: Double(batch), perStepKey: "samples_per_s") { i in
    let (x, y) = batches[i % 8]
    optimizer.zeroGrad()
    let loss = Tensor.crossEntropy(model(x), targets: y)
    loss.backward()
    optimizer.step()
    return loss.item
  }
}

for workload in options.workloads {
  switch workload {
  case "matmul": benchmarkMatmul()
  case "char_rnn": benchmarkCharRNN()
  case "transformer": benchmarkTransformer()
  case "gpt": benchmarkGPT()
  default: benchmarkBagOfWords()
  }
}
