import Foundation
import Testing

@testable import ExerciseSolutions
@testable import Exercises

/// Every checker accepts the model answer, reports an untouched stub as not attempted,
/// and rejects a planted wrong answer with the case that shows it.
struct ExerciseCheckerTests {
  static let ids = allExercises(NoAnswers()).map { "\($0.lesson)/\($0.id)" }

  @Test func thereAreAtLeastThreePerLesson() {
    let exercises = allExercises(NoAnswers())
    for lesson in ["bag-of-words", "ngrams", "rnn", "attention", "gpt", "denoising", "albert"] {
      #expect(exercises.filter { $0.lesson == lesson }.count >= 3, "\(lesson)")
    }
  }

  @Test(arguments: ids)
  func modelAnswersAreCorrect(_ id: String) {
    let exercise = allExercises(Solutions()).first { "\($0.lesson)/\($0.id)" == id }!
    #expect(exercise.check() == .correct, "\(id): \(exercise.check())")
  }

  @Test(arguments: ids)
  func stubsAreNotAttempted(_ id: String) {
    let exercise = allExercises(NoAnswers()).first { "\($0.lesson)/\($0.id)" == id }!
    #expect(exercise.check() == .notAttempted)
  }

  @Test(arguments: ids)
  func plantedMistakesAreCaught(_ id: String) {
    let exercise = allExercises(WrongAnswers()).first { "\($0.lesson)/\($0.id)" == id }!
    guard case .wrong(let input, let expected, let got) = exercise.check() else {
      Issue.record("\(id): a wrong answer was not caught")
      return
    }
    #expect(!input.isEmpty && expected != got)
  }
}

/// Plausible mistakes, one per exercise.
struct WrongAnswers: ExerciseAnswers {
  func countVector(_ tokens: [String], _ vocabulary: [String]) -> [Int]? {
    vocabulary.map { tokens.contains($0) ? 1 : 0 }
  }

  func f1Score(_ p: [Int], _ a: [Int]) -> Double? {
    Double(zip(p, a).filter { $0 == $1 }.count) / Double(p.count)
  }

  func sigmoidCrossEntropy(_ z: Double, _ y: Double) -> Double? {
    let s = 1 / (1 + Foundation.exp(-z))
    return -(y * Foundation.log(s) + (1 - y) * Foundation.log(1 - s))
  }

  func bigramCounts(_ sentences: [[String]]) -> [String: [String: Int]]? {
    var counts: [String: [String: Int]] = [:]
    for s in sentences where s.count > 1 {
      for i in 1..<s.count { counts[s[i - 1], default: [:]][s[i], default: 0] += 1 }
    }
    return counts
  }

  func addKProbability(_ c: Int, _ total: Int, _ k: Double, _ v: Int) -> Double? {
    (Double(c) + k) / (Double(total) + Double(v))
  }

  func perplexity(_ p: [Double]) -> Double? {
    Foundation.exp(-p.map { Foundation.log($0) }.reduce(0, +))
  }

  func rnnStep(_ x: [Float], _ h: [Float], _ wIH: [[Float]], _ unused3: [[Float]], _ b: [Float])
    -> [Float]?
  {
    (0..<b.count).map { i in
      Float(Foundation.tanh(Double(zip(wIH[i], x).map { $0 * $1 }.reduce(b[i], +))))
    }
  }

  func tanhBackward(_ y: [Float], _ g: [Float]) -> [Float]? { zip(y, g).map { $1 * (1 - $0) } }

  func softmaxBackward(_ y: [Float], _ g: [Float]) -> [Float]? {
    zip(y, g).map { $0 * (1 - $0) * $1 }
  }

  func attention(_ q: [[Float]], _ k: [[Float]], _ v: [[Float]], _ unused3: Bool) -> [[Float]]? {
    Solutions().attention(q, k, v, false)
  }

  func causalMask(_ n: Int) -> [[Bool]]? { (0..<n).map { r in (0..<n).map { c in c >= r } } }

  func sinusoidalCode(_ p: Int, _ d: Int) -> [Float]? {
    (0..<d).map { i in
      Float(Foundation.sin(Double(p) / Foundation.pow(10_000, Double(i) / Double(d))))
    }
  }

  /// Keeps tokens only while the sum stays below p (drops the one that crosses it).
  func topPFilter(_ p: [Double], _ threshold: Double) -> [Double]? {
    let order = p.indices.sorted { p[$0] > p[$1] }
    var kept: Set<Int> = [order[0]]
    var sum = p[order[0]]
    for i in order.dropFirst() where sum + p[i] < threshold {
      kept.insert(i)
      sum += p[i]
    }
    return p.indices.map { kept.contains($0) ? p[$0] / sum : 0 }
  }

  /// Attends to the old cache only, forgetting the new row.
  func cachedAttentionStep(
    _ q: [Float], _ keys: [[Float]], _ values: [[Float]], _ k: [Float], _ v: [Float]
  ) -> (output: [Float], keys: [[Float]], values: [[Float]])? {
    guard !keys.isEmpty else { return (v, [k], [v]) }
    let output = Solutions().attention([q], keys, values, false)![0]
    return (output, keys + [k], values + [v])
  }

  /// Leaves out the sentence ends.
  func bitsPerCharacter(_ nats: Double, _ characters: Int, _ sentences: Int) -> Double? {
    nats / Foundation.log(2) / Double(characters)
  }

  func spanMask(_ tokens: [String], _ spans: [(start: Int, length: Int)]) -> [String]? {
    var result = tokens
    for span in spans {
      for i in span.start..<(span.start + span.length) { result[i] = "[MASK]" }
    }
    return result
  }

  func sequenceLoss(_ p: [Double]) -> Double? {
    -p.map { Foundation.log($0) }.reduce(0, +) / Double(p.count)
  }

  func rotate(_ tokens: [String], _ start: Int) -> [String]? {
    Array(tokens[..<start] + tokens[start...]).reversed()
  }

  func embeddingParameters(_ v: Int, _ e: Int, _ h: Int) -> Int? { v * e + e * h }

  func layerParameters(_ h: Int, _ ff: Int) -> Int? { 4 * h * h + 2 * h * ff }

  func layerwiseRates(_ base: Double, _ decay: Double, _ n: Int) -> [Double]? {
    (0..<n).map { base * Foundation.pow(decay, Double($0)) }
  }

  // The first [SEP] put in segment 1: a common slip.
  func sentenceOrderExample(_ first: [String], _ second: [String], _ swapped: Bool) -> (
    tokens: [String], segments: [Int], label: Int
  )? {
    let (a, b) = swapped ? (second, first) : (first, second)
    let tokens = ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"]
    return (tokens, tokens.indices.map { $0 <= a.count ? 0 : 1 }, swapped ? 0 : 1)
  }
}

/// What a crashed attempt is reported as, read off what the Swift runtime leaves behind.
struct CrashReportTests {
  /// The runtime's report of a trap in a release build: no message, a backtrace whose first
  /// frame in the student's file names the line.
  static let releaseTrap = """
    💣 Program crashed: Illegal instruction at 0x000055d1c2a0f1b3

    Thread 0 crashed:

    0 0x000055d1c2a0f1b3 causalMask(_:) + 147 in exercises at /home/s/course/Lessons/Exercises/Attempts/Attempts.swift:79:43
    1 0x000055d1c2a12c40 closure #1 in allExercises(_:) + 64 in exercises at /home/s/course/Sources/Exercises/Checks.swift:201:5
    2 0x000055d1c2a0e8c1 main + 2241 in exercises at /home/s/course/Lessons/Exercises/main.swift:118:44
    """

  @Test func aTrapNamesTheStudentsLine() {
    let text = CrashReport.describe(signal: SIGILL, status: nil, standardError: Self.releaseTrap)
    #expect(
      text
        == "crashed at Attempts.swift:79: illegal instruction (a trap: a failed precondition or overflow)"
    )
  }

  @Test func theRuntimesReasonIsPreferredToTheSignal() {
    let err =
      "Swift/ContiguousArrayBuffer.swift:691: Fatal error: Index out of range\n"
      + Self.releaseTrap
    #expect(
      CrashReport.describe(signal: SIGILL, status: nil, standardError: err)
        == "crashed at Attempts.swift:79: Index out of range")
  }

  @Test func withoutABacktraceTheSignalOrStatusIsAllThereIs() {
    #expect(
      CrashReport.describe(signal: SIGSEGV, status: nil, standardError: "")
        == "crashed: segmentation fault (memory outside the program's own)")
    #expect(
      CrashReport.describe(signal: nil, status: 3, standardError: "") == "crashed (exit status 3)")
  }

  @Test func aFrameWithoutALineNumberIsSkipped() {
    #expect(
      CrashReport.firstLine(in: "at Attempts.swift:\nat Attempts.swift:12:3", of: "Attempts.swift")
        == 12)
    #expect(CrashReport.firstLine(in: "no frames here", of: "Attempts.swift") == nil)
  }
}
