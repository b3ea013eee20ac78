import Course
import Foundation
import Notebook

/// The command line of `lessons new`: reads the options, writes the lesson, builds it and
/// exports its transcript.
enum NewLessonCommand {
  static let about = """
    Writes a new lesson that passes CI as it is, numbered after the last one:
      Lessons/<n>-<Name>/main.swift   a small lesson: a knob, held-out data, a check with its
                                      control, a plot and a quiz
      docs/lessons/<n>-<name>.md      its guide, quoting one figure of its run
      Sources/Course/Catalog.swift    its entry (CatalogEntry.<name>) and place in the course
      Package.swift                   its target
      README.md                       its row in the table of lessons
    then builds it (swift build -c release --product NAME) and exports its transcript to
    docs/transcripts/NAME.md. Run it from the course's folder.
      --title TEXT     the lesson's title (default: from NAME, "my-lesson" → "My lesson")
      --summary TEXT   its one-line summary for the course list and --help
      --no-build       write the files only, and print the commands that build the lesson
                       and export its transcript
    """

  /// Runs `lessons new` with `arguments` (those after `new`) and returns the exit status:
  /// 0 done, 1 written but not built or not run, 2 refused (nothing written).
  static func run(_ arguments: [String]) -> Int32 {
    if arguments.contains("--help") || arguments.contains("-h") {
      Console.print(NewLesson.usage + "\n\n" + about)
      return 0
    }
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let new: NewLesson
    let build: Bool
    let writes: [NewLesson.Write]
    do {
      (new, build) = try parse(arguments, root: root)
      writes = try new.plan(root: root)
      try new.write(writes, root: root)
    } catch let refusal as NewLesson.Refusal {
      Console.writeError("lessons new: \(refusal.message)\n\(NewLesson.usage)\n")
      return 2
    } catch {
      Console.writeError("lessons new: \(error)\n")
      return 2
    }
    Console.print("wrote " + writes.map(\.path).joined(separator: ", "))
    let buildCommand = "swift build -c release --product \(new.name)"
    guard build else {
      Console.print("build it and export its transcript with\n  \(buildCommand)")
      Console.print("  \(new.transcriptCommand)")
      return 0
    }
    Console.print("building: \(buildCommand)")
    guard swift(["build", "-c", "release", "--product", new.name], root: root) == 0 else {
      Console.writeError(
        "lessons new: the lesson is written but did not build (above); once it does, export "
          + "its transcript with\n  \(new.transcriptCommand)\n")
      return 1
    }
    let binary = root.appendingPathComponent(".build/release/\(new.name)")
    let export = [
      "--quick", "--seed", "0", "--no-color", "--width", "100", "--export", new.transcript,
    ]
    guard launch(binary, export, root: root, quiet: true) == 0 else {
      Console.writeError(
        "lessons new: the lesson built but its quick run failed; run it to see why:\n"
          + "  \(new.transcriptCommand)\n")
      return 1
    }
    Console.print("wrote \(new.transcript)\nrun it: swift run -c release \(new.name) --step")
    return 0
  }

  /// The lesson `arguments` describe, and whether to build it.
  static func parse(_ arguments: [String], root: URL) throws -> (NewLesson, build: Bool) {
    var name: String?
    var title: String?
    var summary: String?
    var build = true
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      switch argument {
      case "--title", "--summary":
        guard let value = rest.popFirst() else {
          throw NewLesson.Refusal(message: "\(argument) needs a value")
        }
        if argument == "--title" { title = value } else { summary = value }
      case "--no-build":
        build = false
      case _ where argument.hasPrefix("-"):
        throw NewLesson.Refusal(message: "unknown option '\(argument)'")
      case _ where name == nil:
        name = argument
      default:
        throw NewLesson.Refusal(message: "one NAME only, got '\(name ?? "")' and '\(argument)'")
      }
    }
    guard let name else { throw NewLesson.Refusal(message: "the lesson needs a NAME") }
    return (try NewLesson(name: name, title: title, summary: summary), build)
  }

  /// Runs `swift` with `arguments` in `root`, its output shown; returns its exit status.
  static func swift(_ arguments: [String], root: URL) -> Int32 {
    launch(URL(fileURLWithPath: "/usr/bin/env"), ["swift"] + arguments, root: root, quiet: false)
  }

  /// Runs `program` in `root` and returns its exit status (127 if it cannot start).
  static func launch(_ program: URL, _ arguments: [String], root: URL, quiet: Bool) -> Int32 {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = root
    if quiet { process.standardOutput = FileHandle.nullDevice }
    do { try process.run() } catch {
      Console.writeError("lessons new: cannot run \(program.path): \(error)\n")
      return 127
    }
    process.waitUntilExit()
    return process.terminationStatus
  }
}
