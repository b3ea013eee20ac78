// Exercises that check themselves.
//
//     swift run -c release exercises list            what there is to do
//     swift run -c release exercises check           check every attempt
//     swift run -c release exercises check rnn       check one lesson's
//     swift run -c release exercises hint rnn rnn-step     one hint, if you are stuck
//     swift run -c release exercises answer rnn rnn-step   the model answer, once yours is right
//
// Write your answers in the files of `Lessons/Exercises/Attempts/`, one per lesson: each
// function returns `nil` until you replace its body. The checker runs your code on fixed
// and random cases and says, per exercise, "not attempted", "wrong" (with the first case
// that differs), "crashed" or "timed out" (with the line of your file and the input it was
// on), or "correct".
import Exercises
import Foundation
import Notebook
import TensorCore

let lessons = ["bag-of-words", "ngrams", "rnn", "attention", "gpt", "denoising", "albert"]
let arguments = Array(CommandLine.arguments.dropFirst())
let exercises = allExercises(Attempts())
let usage =
  "usage: exercises list [lesson] | exercises check [lesson [exercise]] [--json] "
  + "[--time-limit SECONDS] | exercises hint LESSON EXERCISE | exercises answer LESSON EXERCISE"
  + " | exercises student-copy FOLDER"

/// How long one exercise may run before it counts as stuck (an endless loop); the checks
/// themselves take milliseconds.
var timeLimit: TimeInterval = 30

/// The process id of the exercise being checked (0 when none), read by the signal handler
/// below: a Ctrl-C or a kill of the checker stops the attempt's whole process group too,
/// rather than leaving a stuck attempt running with no time limit.
nonisolated(unsafe) var runningChild: pid_t = 0

/// Stops the running attempt's process group, then the checker, as the signal would have.
func stopChildAndExit(_ signal: Int32) {
  if runningChild > 0 { kill(-runningChild, SIGKILL) }
  _exit(128 + signal)
}

func fail(_ message: String) -> Never {
  Console.writeError("exercises: \(message)\n\(usage)\n")
  exit(2)
}

/// One exercise's result as the fields a teacher's script reads.
func record(_ e: Exercise, _ verdict: Verdict) -> [String: String] {
  var fields = ["lesson": e.lesson, "id": e.id]
  switch verdict {
  case .notAttempted: fields["status"] = "not attempted"
  case .correct: fields["status"] = "correct"
  case .wrong(let input, let expected, let got):
    fields["status"] = "wrong"
    fields["input"] = input
    fields["expected"] = expected
    fields["got"] = got
  }
  return fields
}

func json(_ fields: [String: String]) -> String {
  let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
  return String(decoding: data, as: UTF8.self)
}

/// The most a checked attempt may write to its output, and the memory it may take: an
/// attempt that prints or allocates without end is stopped there and reported.
let outputLimit: rlim_t = 16 << 20
let memoryLimit: rlim_t = 4 << 30
#if canImport(Glibc)
  let fileSizeResource = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
  let addressSpaceResource = __rlimit_resource_t(RLIMIT_AS.rawValue)
#else
  let fileSizeResource = RLIMIT_FSIZE
  let addressSpaceResource = RLIMIT_AS
#endif

/// Runs one exercise in a child process (`exercises check-one LESSON/ID`), so that an attempt
/// that crashes, never returns, floods its output or allocates without bound costs that
/// exercise only.
///
/// The result does not come back on the child's standard output, which the attempt can
/// write: the parent sends a random key and a result file's path on the child's standard
/// input, which the child reads (and closes) before the attempt runs; the child writes the
/// result there with the key and the exercise's id, and the parent takes it only if both
/// match. Whatever the attempt prints is ignored.
func checkIsolated(_ e: Exercise, executable: URL, scratch: URL) -> [String: String] {
  let name = "\(e.lesson).\(e.id)"
  let outURL = scratch.appendingPathComponent("\(name).out")
  let errURL = scratch.appendingPathComponent("\(name).err")
  let resultURL = scratch.appendingPathComponent("\(name).result")
  // The case the attempt was last given, written by the child before each one.
  let caseURL = URL(fileURLWithPath: resultURL.path + ".case")
  /// The input of the case the attempt was on when it crashed or ran out of time.
  func lastCase() -> String? {
    (try? String(contentsOf: caseURL, encoding: .utf8)).flatMap { $0.isEmpty ? nil : $0 }
  }
  let key = UUID().uuidString
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  var fields = ["lesson": e.lesson, "id": e.id]
  do {
    let child = Process()
    child.executableURL = executable
    child.arguments = ["check-one", "\(e.lesson)/\(e.id)"]
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no"
    child.environment = environment
    let input = Pipe()
    child.standardInput = input
    child.standardOutput = try FileHandle(forWritingTo: outURL)
    child.standardError = try FileHandle(forWritingTo: errURL)
    try child.run()
    runningChild = child.processIdentifier
    defer { runningChild = 0 }
    input.fileHandleForWriting.write(Data("\(key)\n\(resultURL.path)\n".utf8))
    try? input.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(timeLimit)
    while child.isRunning && Date() < deadline { usleep(2_000) }
    if child.isRunning {
      // SIGTERM first; an attempt that ignores it gets SIGKILL after a second.
      child.terminate()
      let grace = Date().addingTimeInterval(1)
      while child.isRunning && Date() < grace { usleep(2_000) }
      if child.isRunning { kill(child.processIdentifier, SIGKILL) }
      child.waitUntilExit()
      kill(-child.processIdentifier, SIGKILL)  // and whatever it started
      fields["status"] = "timed out"
      fields["detail"] = "did not finish within \(Int(timeLimit)) s (an endless loop?)"
      fields["input"] = lastCase()
      return fields
    }
    child.waitUntilExit()
    // Anything the attempt started and left running is stopped before the result is read.
    kill(-child.processIdentifier, SIGKILL)
    if child.terminationReason == .exit, child.terminationStatus == 0,
      let data = FileManager.default.contents(atPath: resultURL.path),
      var answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: String],
      answer.removeValue(forKey: "key") == key, answer["lesson"] == e.lesson, answer["id"] == e.id
    {
      return answer
    }
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    let bySignal = child.terminationReason == .uncaughtSignal
    fields["status"] = "crashed"
    fields["input"] = lastCase()
    if bySignal && child.terminationStatus == SIGXFSZ {
      fields["detail"] = "stopped: it wrote more than \(outputLimit >> 20) MB of output"
    } else if child.terminationReason == .exit && child.terminationStatus == 0 {
      fields["detail"] = "ended without a result (did the attempt call exit()?)"
    } else {
      fields["detail"] = CrashReport.describe(
        signal: bySignal ? child.terminationStatus : nil,
        status: bySignal ? nil : child.terminationStatus, standardError: err)
    }
  } catch {
    fields["status"] = "crashed"
    fields["detail"] = "could not start the check: \(error.localizedDescription)"
  }
  return fields
}

/// The exercise `exercises COMMAND LESSON EXERCISE` names, or a refusal that lists what
/// there is.
func namedExercise(_ command: String) -> Exercise {
  guard arguments.count == 3 else { fail("\(command) takes a LESSON and an EXERCISE") }
  let (lesson, id) = (arguments[1], arguments[2])
  guard lessons.contains(lesson) else {
    fail("unknown lesson '\(lesson)'; choose from \(lessons.joined(separator: ", "))")
  }
  guard let e = exercises.first(where: { $0.lesson == lesson && $0.id == id }) else {
    let names = exercises.filter { $0.lesson == lesson }.map(\.id)
    fail("\(lesson) has no exercise '\(id)'; choose from \(names.joined(separator: ", "))")
  }
  return e
}

func show(_ fields: [String: String]) -> String {
  let name = "\(fields["lesson"] ?? "")/\(fields["id"] ?? "")"
  switch fields["status"] {
  case "correct": return "[x] \(name): correct"
  case "not attempted": return "[ ] \(name): not attempted"
  case "wrong":
    return "[!] \(name): wrong\n      input:    \(fields["input"] ?? "")\n"
      + "      expected: \(fields["expected"] ?? "")\n      got:      \(fields["got"] ?? "")"
  default:
    // A crash or a time-out: where, and on which input.
    return "[!] \(name): \(fields["detail"] ?? "crashed")"
      + (fields["input"].map { "\n      input:    \($0)" } ?? "")
  }
}

switch arguments.first {
case "list":
  // exercises list [lesson]
  guard arguments.count <= 2 else { fail("list takes at most one lesson") }
  if arguments.count == 2, !lessons.contains(arguments[1]) {
    fail("unknown lesson '\(arguments[1])'; choose from \(lessons.joined(separator: ", "))")
  }
  for lesson in lessons where arguments.count == 1 || arguments[1] == lesson {
    Console.print(lesson)
    for e in exercises where e.lesson == lesson { Console.print("  \(e.id): \(e.task)") }
  }
case "check-one":
  // The child side of `check`: one exercise, its result as one line of JSON.
  guard arguments.count == 2,
    let e = exercises.first(where: { "\($0.lesson)/\($0.id)" == arguments[1] })
  else { fail("check-one takes one LESSON/ID") }
  // The key and the result file come first on standard input, before the attempt runs.
  guard let key = readLine(), let resultPath = readLine() else {
    fail("check-one reads its key and result file from standard input; run exercises check")
  }
  fclose(stdin)
  // A process group of its own, so that the parent can stop every process the attempt
  // starts, not only this one.
  setpgid(0, 0)
  // Limits the attempt cannot raise: its output files and its memory.
  var output = rlimit(rlim_cur: outputLimit, rlim_max: outputLimit)
  setrlimit(fileSizeResource, &output)
  var memory = rlimit(rlim_cur: memoryLimit, rlim_max: memoryLimit)
  setrlimit(addressSpaceResource, &memory)
  // Each case's input is written down before the attempt runs on it; the parent reads
  // the last one if the attempt never comes back.
  let casePath = resultPath + ".case"
  CaseLog.started = { description in
    _ = FileManager.default.createFile(atPath: casePath, contents: Data(description.utf8))
  }
  var result = record(e, e.check())
  result["key"] = key
  let data = try! JSONSerialization.data(withJSONObject: result)
  guard FileManager.default.createFile(atPath: resultPath, contents: data) else {
    fail("check-one cannot write its result to \(resultPath)")
  }
  // Ended at once: no exit handler the attempt registered runs after the result is written.
  _exit(0)
case "check":
  // exercises check [lesson] [--json]: exit 0 when every checked exercise is correct,
  // 1 otherwise, so a teacher's script can tell. Each result is written as soon as it is
  // known, so a redirected run keeps what it has checked.
  var rest = Array(arguments.dropFirst())
  let asJSON = rest.contains("--json")
  rest.removeAll { $0 == "--json" }
  if let at = rest.firstIndex(of: "--time-limit") {
    guard at + 1 < rest.count, let seconds = Double(rest[at + 1]), seconds >= 1, seconds <= 3600
    else { fail("--time-limit needs a number of seconds from 1 to 3600") }
    timeLimit = seconds
    rest.removeSubrange(at...at + 1)
  }
  if rest.count > 2 {
    fail("unexpected '\(rest.dropFirst(2).joined(separator: " "))' after the exercise")
  }
  let chosen = rest.first
  if let chosen, !lessons.contains(chosen) {
    fail("unknown lesson '\(chosen)'; choose from \(lessons.joined(separator: ", "))")
  }
  // exercises check LESSON NAME: that one exercise.
  let only = rest.count == 2 ? rest[1] : nil
  if let only, let chosen, !exercises.contains(where: { $0.lesson == chosen && $0.id == only }) {
    let names = exercises.filter { $0.lesson == chosen }.map(\.id)
    fail("\(chosen) has no exercise '\(only)'; choose from \(names.joined(separator: ", "))")
  }
  guard let executable = Bundle.main.executableURL else {
    Console.writeError("exercises: cannot find this program's own path to run the checks\n")
    exit(1)
  }
  // A check interrupted by a signal leaves its scratch folder; the next check removes it.
  SafeFile.removeLeftovers(
    in: FileManager.default.temporaryDirectory.path, prefix: "course-exercises-check-")
  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("course-exercises-check-\(getpid())")
  signal(SIGINT) { stopChildAndExit($0) }
  signal(SIGTERM) { stopChildAndExit($0) }
  do {
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  } catch {
    Console.writeError("exercises: cannot make a scratch folder \(scratch.path): \(error)\n")
    exit(1)
  }
  defer { try? FileManager.default.removeItem(at: scratch) }
  var correct = 0
  var total = 0
  for e in exercises where (chosen == nil || e.lesson == chosen) && (only == nil || e.id == only) {
    total += 1
    let fields = checkIsolated(e, executable: executable, scratch: scratch)
    if fields["status"] == "correct" { correct += 1 }
    Console.print(asJSON ? json(fields) : show(fields))
  }
  try? FileManager.default.removeItem(at: scratch)
  if !asJSON { Console.print("\(correct) of \(total) correct") }
  exit(correct == total ? 0 : 1)
case "hint":
  // exercises hint LESSON EXERCISE: one hint, for a student who is stuck.
  let e = namedExercise("hint")
  Console.print("\(e.lesson)/\(e.id): \(e.task)\nhint: \(e.hint)")
case "answer":
  // exercises answer LESSON EXERCISE: the model answer, once the attempt is correct, for a
  // student working alone who wants to compare.
  let e = namedExercise("answer")
  guard let executable = Bundle.main.executableURL else {
    Console.writeError("exercises: cannot find this program's own path to run the check\n")
    exit(1)
  }
  let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("course-exercises-check-\(getpid())")
  try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  let fields = checkIsolated(e, executable: executable, scratch: scratch)
  try? FileManager.default.removeItem(at: scratch)
  guard fields["status"] == "correct" else {
    Console.print(show(fields))
    Console.print(
      "the model answer is shown once your attempt is correct: try again, then run "
        + "exercises answer \(e.lesson) \(e.id)")
    exit(1)
  }
  guard let text = try? String(contentsOfFile: ModelAnswer.path, encoding: .utf8) else {
    Console.print(
      "\(e.lesson)/\(e.id): correct. No model answers at \(ModelAnswer.path) here: run this "
        + "from the course's folder; a copy handed out to students has none (your teacher has "
        + "them).")
    exit(0)
  }
  guard
    let answer = ModelAnswer.source(
      of: ModelAnswer.functionName(of: e), in: ModelAnswer.solutions(in: text))
  else {
    Console.writeError("exercises: no model answer for \(e.id) in \(ModelAnswer.path)\n")
    exit(1)
  }
  Console.print("\(e.lesson)/\(e.id): correct. The model answer, to compare with yours:\n")
  Console.print(answer)
case "student-copy":
  // A copy of the course to hand out: everything but the model answers and their tests.
  guard arguments.count == 2 else {
    fail("student-copy takes one FOLDER, which must not exist yet")
  }
  do {
    let removed = try StudentCopy.write(
      from: FileManager.default.currentDirectoryPath, to: arguments[1])
    Console.print(
      "wrote the course to \(arguments[1]) without \(removed.joined(separator: " and "))\n"
        + "check it as a student will: cd \(arguments[1]) && swift run -c release exercises check")
  } catch let error as StudentCopy.Problem {
    fail(error.message)
  } catch {
    fail("cannot write \(arguments[1]): \(error.localizedDescription)")
  }
case nil, "--help", "-h":
  Console.print(
    usage + "\n"
      + "check exits 0 when every checked exercise is correct, 1 otherwise; each exercise runs "
      + "in a process of its own, so one that crashes or runs over --time-limit (\(Int(timeLimit)) s) is "
      + "reported as crashed and the others are still checked; --json prints one object per "
      + "exercise (lesson, id, status, and for a wrong one its first failing case, for a "
      + "crashed one the detail); hint gives one hint for an exercise; answer shows an "
      + "exercise's model answer once the attempt is "
      + "correct (run it from the course's folder); student-copy writes the course without the "
      + "model answers (run it from the course's folder)")
default: fail("unknown command '\(arguments[0])'")
}
