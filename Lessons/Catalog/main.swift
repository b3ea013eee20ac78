// The course at a glance: every lesson, in teaching order, with the command to run it.
//
//     swift run -c release lessons
//     swift run -c release lessons new my-lesson     (a new lesson that passes CI as it is)
import Course
import Foundation
import Notebook

let arguments = Array(CommandLine.arguments.dropFirst())

// `lessons --executables`: one executable name per line, for scripts (.ci/run loops over it).
if arguments.first == "--executables" {
  if let extra = arguments.dropFirst().first {
    Console.writeError(
      "lessons: --executables takes no value, got '\(extra)'\nusage: lessons [--executables]\n")
    exit(2)
  }
  for entry in Catalog.lessons { Console.print(entry.executable) }
  exit(0)
}
if arguments.first == "new" {
  exit(NewLessonCommand.run(Array(arguments.dropFirst())))
}
PlainCommand.handle(
  name: "lessons",
  about: "Lists the lessons of the course in teaching order, with the command that runs each.\n"
    + "--executables prints only their executables' names, one per line.\n"
    + "lessons new NAME writes a new lesson (its main.swift, guide, catalogue entry, target,\n"
    + "quiz and transcript); lessons new --help says more.")

let rows = Catalog.lessons.map { ["\($0.number)\($0.suffix)", $0.title, $0.command] }
Console.print("Language models, from counting words to ALBERT\n")
Console.print(
  Table(header: ["#", "lesson", "command"], rows: rows).render(PlotStyle()).joined(separator: "\n"))
Console.print("")
for entry in Catalog.lessons {
  Console.print("\(entry.number)\(entry.suffix). \(entry.title): \(entry.summary)")
}
Console.print("\nAdd --help to any lesson command to see its options and knobs.")
