// The course at a glance: every lesson, in teaching order, with the command to run it.
//
//     swift run -c release lessons
import Notebook

PlainCommand.handle(
  name: "lessons",
  about: "Lists the lessons of the course in teaching order, with the command that runs each.")

let rows = Catalog.lessons.map { ["\($0.number)", $0.title, $0.command] }
Console.print("Language models, from counting words to ALBERT\n")
Console.print(
  Table(header: ["#", "lesson", "command"], rows: rows).render(PlotStyle()).joined(separator: "\n"))
Console.print("")
for entry in Catalog.lessons { Console.print("\(entry.number). \(entry.title): \(entry.summary)") }
Console.print("\nAdd --help to any lesson command to see its options and knobs.")
