import Foundation
import Testing

@testable import ExerciseSolutions
@testable import Exercises

/// Every checker accepts the model answer, reports an untouched stub as not attempted,
/// and rejects a planted wrong answer with the case that shows it.
struct ExerciseCheckerTests {
  static let ids = allExercises(Implementations()).map { "\($0.lesson)/\($0.id)" }

  @Test func thereAreAtLeastThreePerLesson() {
    let exercises = allExercises(Implementations())
    for lesson in ["bag-of-words", "ngrams", "rnn", "attention", "denoising", "albert"] {
      #expect(exercises.filter { $0.lesson == lesson }.count >= 3, "\(lesson)")
    }
  }

  @Test(arguments: ids)
  func modelAnswersAreCorrect(_ id: String) {
    let exercise = allExercises(Solutions.implementations).first { "\($0.lesson)/\($0.id)" == id }!
    #expect(exercise.check() == .correct, "\(id): \(exercise.check())")
  }

  @Test(arguments: ids)
  func stubsAreNotAttempted(_ id: String) {
    let exercise = allExercises(Implementations()).first { "\($0.lesson)/\($0.id)" == id }!
    #expect(exercise.check() == .notAttempted)
  }

  /// Plausible mistakes, one per exercise.
  static var wrong: Implementations {
    var f = Solutions.implementations
    f.countVector = { tokens, vocabulary in vocabulary.map { tokens.contains($0) ? 1 : 0 } }
    f.f1Score = { p, a in Double(zip(p, a).filter { $0 == $1 }.count) / Double(p.count) }
    f.sigmoidCrossEntropy = { z, y in
      let s = 1 / (1 + Foundation.exp(-z))
      return -(y * Foundation.log(s) + (1 - y) * Foundation.log(1 - s))
    }
    f.bigramCounts = { sentences in
      var counts: [String: [String: Int]] = [:]
      for s in sentences where s.count > 1 {
        for i in 1..<s.count { counts[s[i - 1], default: [:]][s[i], default: 0] += 1 }
      }
      return counts
    }
    f.addKProbability = { c, total, k, v in (Double(c) + k) / (Double(total) + Double(v)) }
    f.perplexity = { p in Foundation.exp(-p.map { Foundation.log($0) }.reduce(0, +)) }
    f.rnnStep = { x, h, wIH, _, b in
      (0..<b.count).map { i in
        Float(Foundation.tanh(Double(zip(wIH[i], x).map { $0 * $1 }.reduce(b[i], +))))
      }
    }
    f.tanhBackward = { y, g in zip(y, g).map { $1 * (1 - $0) } }
    f.softmaxBackward = { y, g in zip(y, g).map { $0 * (1 - $0) * $1 } }
    f.attention = { q, k, v, _ in Solutions.implementations.attention(q, k, v, false) }
    f.causalMask = { n in (0..<n).map { r in (0..<n).map { c in c >= r } } }
    f.sinusoidalCode = { p, d in
      (0..<d).map { i in
        Float(Foundation.sin(Double(p) / Foundation.pow(10_000, Double(i) / Double(d))))
      }
    }
    f.spanMask = { tokens, spans in
      var result = tokens
      for span in spans {
        for i in span.start..<(span.start + span.length) { result[i] = "[MASK]" }
      }
      return result
    }
    f.sequenceLoss = { p in -p.map { Foundation.log($0) }.reduce(0, +) / Double(p.count) }
    f.rotate = { tokens, start in Array(tokens[..<start] + tokens[start...]).reversed() }
    f.embeddingParameters = { v, e, h in v * e + e * h }
    f.layerParameters = { h, ff in 4 * h * h + 2 * h * ff }
    f.layerwiseRates = { base, decay, n in (0..<n).map { base * Foundation.pow(decay, Double($0)) }
    }
    // The first [SEP] put in segment 1: a common slip.
    f.sentenceOrderExample = { first, second, swapped in
      let (a, b) = swapped ? (second, first) : (first, second)
      let tokens = ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"]
      return (tokens, tokens.indices.map { $0 <= a.count ? 0 : 1 }, swapped ? 0 : 1)
    }
    return f
  }

  @Test(arguments: ids)
  func plantedMistakesAreCaught(_ id: String) {
    let exercise = allExercises(Self.wrong).first { "\($0.lesson)/\($0.id)" == id }!
    guard case .wrong(let input, let expected, let got) = exercise.check() else {
      Issue.record("\(id): a wrong answer was not caught")
      return
    }
    #expect(!input.isEmpty && expected != got)
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
