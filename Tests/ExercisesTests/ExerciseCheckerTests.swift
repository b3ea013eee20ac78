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
    let exercise = allExercises(PlantedMistakes()).first { "\($0.lesson)/\($0.id)" == id }!
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
