// Exercises that check themselves.
//
//     swift run -c release exercises list            what there is to do
//     swift run -c release exercises check           check every attempt
//     swift run -c release exercises check rnn       check one lesson's
//
// Write your answers in the files of `Lessons/Exercises/Attempts/`, one per lesson: each
// function returns `nil` until you replace its body. The checker runs your code on fixed
// and random cases and says, per exercise, "not attempted", "wrong" (with the first case
// that differs), or "correct".
import Exercises
import Foundation
import Notebook

let lessons = ["bag-of-words", "ngrams", "rnn", "attention", "denoising", "albert"]
let arguments = Array(CommandLine.arguments.dropFirst())
let exercises = allExercises(Attempts.implementations)

func fail(_ message: String) -> Never {
  Console.writeError(
    "exercises: \(message)\nusage: exercises list | exercises check [lesson] [--json]\n")
  exit(2)
}

switch arguments.first {
case "list":
  for lesson in lessons {
    Console.print(lesson)
    for e in exercises where e.lesson == lesson { Console.print("  \(e.id): \(e.task)") }
  }
case "check":
  // exercises check [lesson] [--json]: exit 0 when every checked exercise is correct,
  // 1 otherwise, so a teacher's script can tell.
  var rest = Array(arguments.dropFirst())
  let json = rest.contains("--json")
  rest.removeAll { $0 == "--json" }
  if rest.count > 1 {
    fail("unexpected '\(rest.dropFirst().joined(separator: " "))' after the lesson")
  }
  let chosen = rest.first
  if let chosen, !lessons.contains(chosen) {
    fail("unknown lesson '\(chosen)'; choose from \(lessons.joined(separator: ", "))")
  }
  var correct = 0
  var total = 0
  for e in exercises where chosen == nil || e.lesson == chosen {
    total += 1
    var record: [String: String] = ["lesson": e.lesson, "id": e.id]
    switch e.check() {
    case .notAttempted:
      record["status"] = "not attempted"
      if !json { Console.print("[ ] \(e.lesson)/\(e.id): not attempted") }
    case .correct:
      correct += 1
      record["status"] = "correct"
      if !json { Console.print("[x] \(e.lesson)/\(e.id): correct") }
    case .wrong(let input, let expected, let got):
      record["status"] = "wrong"
      record["input"] = "\(input)"
      record["expected"] = "\(expected)"
      record["got"] = "\(got)"
      if !json {
        Console.print(
          "[!] \(e.lesson)/\(e.id): wrong\n      input:    \(input)\n      expected: \(expected)\n      got:      \(got)"
        )
      }
    }
    if json,
      let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
    {
      Console.print(String(decoding: data, as: UTF8.self))
    }
  }
  if !json { Console.print("\(correct) of \(total) correct") }
  exit(correct == total ? 0 : 1)
case nil, "--help", "-h":
  Console.print(
    "usage: exercises list | exercises check [lesson] [--json]\n"
      + "check exits 0 when every checked exercise is correct, 1 otherwise; --json prints one "
      + "object per exercise (lesson, id, status, and for a wrong one its first failing case)")
default: fail("unknown command '\(arguments[0])'")
}
