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
  Console.writeError("exercises: \(message)\nusage: exercises list | exercises check [lesson]\n")
  exit(2)
}

switch arguments.first {
case "list":
  for lesson in lessons {
    Console.print(lesson)
    for e in exercises where e.lesson == lesson { Console.print("  \(e.id): \(e.task)") }
  }
case "check":
  let chosen = arguments.count > 1 ? arguments[1] : nil
  if let chosen, !lessons.contains(chosen) {
    fail("unknown lesson '\(chosen)'; choose from \(lessons.joined(separator: ", "))")
  }
  var correct = 0
  var total = 0
  for e in exercises where chosen == nil || e.lesson == chosen {
    total += 1
    switch e.check() {
    case .notAttempted: Console.print("[ ] \(e.lesson)/\(e.id): not attempted")
    case .correct:
      correct += 1
      Console.print("[x] \(e.lesson)/\(e.id): correct")
    case .wrong(let input, let expected, let got):
      Console.print(
        "[!] \(e.lesson)/\(e.id): wrong\n      input:    \(input)\n      expected: \(expected)\n      got:      \(got)"
      )
    }
  }
  Console.print("\(correct) of \(total) correct")
case nil, "--help", "-h": Console.print("usage: exercises list | exercises check [lesson]")
default: fail("unknown command '\(arguments[0])'")
}
