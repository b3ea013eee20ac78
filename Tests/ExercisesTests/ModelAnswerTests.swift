import Foundation
import Testing

@testable import ExerciseSolutions
@testable import Exercises

struct ModelAnswerTests {
  static let source = """
    public struct Solutions {
      public func first(_ x: Int) -> Int? {
        if x > 0 { return x }
        return nil
      }

      public func second() -> [Int]? { [1, 2] }
    }
    """

  @Test func aFunctionIsCutAtItsClosingBraceAndUnindented() {
    #expect(
      ModelAnswer.source(of: "first", in: Self.source)
        == "func first(_ x: Int) -> Int? {\n  if x > 0 { return x }\n  return nil\n}")
    #expect(
      ModelAnswer.source(of: "second", in: Self.source) == "func second() -> [Int]? { [1, 2] }")
    #expect(ModelAnswer.source(of: "third", in: Self.source) == nil)
  }

  /// Every exercise's function is found in the real answers file, so `exercises answer`
  /// has something to show for each.
  @Test func everyExerciseHasAModelAnswerInTheAnswersFile() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let text = try String(
      contentsOf: root.appendingPathComponent(ModelAnswer.path), encoding: .utf8)
    let exercises = allExercises(Solutions())
    #expect(exercises.count > 10)
    let solutions = ModelAnswer.solutions(in: text)
    #expect(!solutions.contains("PlantedMistakes"))
    for exercise in exercises {
      let name = ModelAnswer.functionName(of: exercise)
      let answer = ModelAnswer.source(of: name, in: solutions)
      #expect(answer?.hasPrefix("func \(name)(") == true, "\(exercise.id): \(name)")
      // Every exercise has a hint of its own.
      #expect(exercise.hint.count > 20, "\(exercise.id)")
    }
    #expect(Set(exercises.map(\.hint)).count == exercises.count)
  }
}
