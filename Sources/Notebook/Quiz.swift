import Foundation

/// A quiz question: multiple choice, or a number within a tolerance.
public struct Question: Sendable {
  public enum Answer: Sendable {
    /// The index of the right choice among `choices`.
    case choice(Int)
    /// A number, accepted within `tolerance`.
    case number(Double, tolerance: Double)
  }

  public let prompt: String
  public let choices: [String]
  public let answer: Answer
  /// Why the answer is right: shown after every attempt, right or wrong.
  public let explanation: String

  /// A multiple-choice question; `answer` is the index of the right choice.
  ///
  /// The choices are shown rotated by an amount fixed by the prompt's length, so that the
  /// right answer is not always in the same place, yet the quiz is the same every run.
  public init(_ prompt: String, choices: [String], answer: Int, explanation: String) {
    precondition(
      choices.indices.contains(answer), "Question: the answer must be one of the choices")
    let shift = prompt.utf8.count % choices.count
    self.prompt = prompt
    self.choices = Array(choices[shift...] + choices[..<shift])
    self.answer = .choice((answer - shift + choices.count) % choices.count)
    self.explanation = explanation
  }

  /// A question whose answer is a number.
  public init(_ prompt: String, number: Double, tolerance: Double = 1e-6, explanation: String) {
    self.prompt = prompt
    self.choices = []
    self.answer = .number(number, tolerance: tolerance)
    self.explanation = explanation
  }

  static let letters = ["a", "b", "c", "d", "e", "f"]

  /// Whether `reply` (a letter, or a number) is right.
  func accepts(_ reply: String) -> Bool {
    let reply = reply.trimmingCharacters(in: .whitespaces).lowercased()
    switch answer {
    case .choice(let index): return Self.letter(reply) == Self.letters[index]
    case .number(let value, let tolerance):
      return QuizReply(reply)?.matches(value, tolerance: tolerance) ?? false
    }
  }

  /// Whether `reply` is an answer at all (one of the letters offered, or a number), as
  /// opposed to a slip of the keyboard, which is asked again rather than marked wrong.
  func isAnswer(_ reply: String) -> Bool {
    let reply = reply.trimmingCharacters(in: .whitespaces).lowercased()
    switch answer {
    case .choice: return Self.letters.prefix(choices.count).contains(Self.letter(reply))
    case .number: return QuizReply(reply) != nil
    }
  }

  /// A choice's letter as typed, with the bracket it is shown with (`a)`, `(a)`) dropped.
  static func letter(_ reply: String) -> String {
    reply.trimmingCharacters(in: CharacterSet(charactersIn: "() .").union(.whitespaces))
  }

  /// What to type, said when a reply is not an answer.
  var expectedReply: String {
    switch answer {
    case .choice: return "a letter from a to \(Self.letters[choices.count - 1])"
    case .number: return "a number (3938304, 3,938,304, 3.94e6, 3.9M, 2/7 and 28.6% are all read)"
    }
  }

  /// The right answer, written out.
  var answerText: String {
    switch answer {
    case .choice(let index): return "\(Self.letters[index])) \(choices[index])"
    case .number(let value, _): return Self.written(value)
    }
  }

  /// A number as the lessons print one: whole numbers with grouped digits (3,938,304),
  /// others in plain decimals with up to six significant digits (0.00025), never in
  /// exponent form.
  static func written(_ value: Double) -> String {
    if value == value.rounded() && Swift.abs(value) < 1e15 { return groupedDigits(Int(value)) }
    let magnitude = Int(Foundation.floor(Foundation.log10(Swift.abs(value))))
    return trimmingZeros(String(format: "%.\(Swift.max(0, 5 - magnitude))f", value))
  }

  var lines: [String] {
    if case .number = answer {
      return [prompt, "  (a number; an answer rounded to two or more significant digits counts)"]
    }
    return [prompt] + choices.enumerated().map { "  \(Self.letters[$0.offset])) \($0.element)" }
  }
}

extension Lesson {
  /// Sets the lesson's quiz, asked with `--quiz`.
  public func quiz(_ questions: [Question]) {
    self.questions = questions
  }

  /// Asks every question, reading answers from the console, with feedback after each and
  /// a score at the end; with `--answers`, prints the questions with their answers instead.
  func runQuiz() -> Int32 {
    guard !questions.isEmpty else {
      errorOutput.write("error: this lesson has no quiz\n")
      return 2
    }
    console.write("# Quiz: \(title)\n\n")
    if arguments.answers {
      for (i, q) in questions.enumerated() {
        console.write("\(i + 1). " + q.lines.joined(separator: "\n") + "\n")
        console.write("   answer: \(q.answerText)\n   \(q.explanation)\n\n")
      }
      return 0
    }
    var score = 0
    var asked = 0
    for (i, q) in questions.enumerated() {
      console.write("\(i + 1). " + q.lines.joined(separator: "\n") + "\n> ")
      var reply = input.readLine()
      // Three replies that are not answers end the quiz: a script piping `yes` into it
      // would otherwise be asked again for ever.
      var invalid = 0
      while let given = reply, !q.isAnswer(given) {
        invalid += 1
        if invalid == 3 {
          reply = nil
          break
        }
        console.write("please answer with \(q.expectedReply)\n> ")
        reply = input.readLine()
      }
      guard let reply else {
        // The input ended (or gave no answers): no score for questions never answered.
        console.write("\n")
        errorOutput.write(
          "the quiz stopped at question \(i + 1) of \(questions.count): "
            + (invalid == 3 ? "three replies were not answers" : "the input ended")
            + (asked == 0 ? "; nothing was answered, so there is no score\n" : "\n"))
        if asked == 0 { return 1 }
        console.write("score: \(score) of the \(asked) answered (\(questions.count) questions)\n")
        return 0
      }
      asked += 1
      if q.accepts(reply) {
        score += 1
        console.write("right. \(q.explanation)\n\n")
      } else {
        console.write("not quite: the answer is \(q.answerText). \(q.explanation)\n\n")
      }
    }
    console.write("score: \(score) of \(questions.count)\n")
    return 0
  }
}
