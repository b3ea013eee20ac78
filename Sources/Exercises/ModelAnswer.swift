/// The model answer to an exercise, read from the teachers' source file, for a student
/// working alone who has solved it and wants to compare.
///
/// The answers are read as source, not called: what a student compares with is how the
/// answer is written. A copy of the course made with `exercises student-copy` has no
/// answers file, and then there is nothing to show.
public enum ModelAnswer {
  /// Where the model answers are, from the course's folder.
  public static let path = "Sources/ExerciseSolutions/Solutions.swift"

  /// The name of the function an exercise asks for: its task starts with it
  /// (`countVector(tokens, vocabulary): …`).
  public static func functionName(of exercise: Exercise) -> String {
    String(exercise.task.prefix { $0.isLetter || $0.isNumber })
  }

  /// The model answers' part of the answers file: from `struct Solutions` to the next
  /// type (the file also holds `PlantedMistakes`, which must never be shown as an answer).
  public static func solutions(in file: String) -> String {
    guard let start = file.range(of: "struct Solutions") else { return "" }
    let rest = file[start.lowerBound...]
    let end = rest.dropFirst().range(of: "\npublic struct ")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
  }

  /// The declaration of `func name(` in `source`, from its first line to its closing brace,
  /// with the indentation the type gave it removed; `nil` if there is none.
  public static func source(of name: String, in source: String) -> String? {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.contains("func \(name)(") }) else {
      return nil
    }
    var depth = 0
    var opened = false
    var end = start
    scanning: for index in start..<lines.count {
      for character in lines[index] {
        if character == "{" {
          depth += 1
          opened = true
        } else if character == "}" {
          depth -= 1
        }
      }
      end = index
      if opened && depth <= 0 { break scanning }
    }
    guard opened && depth <= 0 else { return nil }
    let body = lines[start...end]
    let indent = body.first?.prefix { $0 == " " }.count ?? 0
    return body.map { String($0.dropFirst(Swift.min(indent, $0.prefix { $0 == " " }.count))) }
      .joined(separator: "\n")
      .replacingOccurrences(of: "public func", with: "func")
  }
}
