import Foundation

/// What a student sees when an attempt crashes instead of answering.
///
/// The checker runs each exercise in a process of its own, so an attempt that traps (an index
/// out of range, a forced unwrap of `nil`) ends that process only. This turns what the
/// process left behind (how it ended and what the Swift runtime wrote to standard error) into
/// one line for the student: the runtime's reason and, when the backtrace names it, the line
/// of the student's file where it happened.
public enum CrashReport {
  /// One line describing a crash.
  ///
  /// - Parameters:
  ///   - signal: the signal that ended the process, if it was one.
  ///   - status: the exit status, if the process exited.
  ///   - standardError: everything the process wrote to standard error.
  ///   - file: the name of the student's source file, whose first frame is reported.
  /// - Returns: for example `crashed at Attempts.swift:87: Index out of range`.
  public static func describe(
    signal: Int32?, status: Int32?, standardError: String, file: String = "Attempts.swift"
  ) -> String {
    var text = "crashed"
    if let line = firstLine(in: standardError, of: file) { text += " at \(file):\(line)" }
    if let reason = reason(in: standardError) {
      text += ": \(reason)"
    } else if let signal {
      text += ": \(signalName(signal))"
    } else if let status {
      text += " (exit status \(status))"
    }
    return text
  }

  /// The message of the runtime's `Fatal error:` line, without the stdlib's own location.
  static func reason(in text: String) -> String? {
    for line in text.split(separator: "\n") {
      guard let range = line.range(of: "Fatal error: ") else { continue }
      let message = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
      return message.isEmpty ? nil : message
    }
    return nil
  }

  /// The line number of the first backtrace frame in `file` (`…/Attempts.swift:87`).
  static func firstLine(in text: String, of file: String) -> Int? {
    var rest = Substring(text)
    while let range = rest.range(of: file + ":") {
      let digits = rest[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
      if let line = Int(digits), line > 0 { return line }
      rest = rest[range.upperBound...]
    }
    return nil
  }

  /// A reader's name for the signals a crash ends with.
  static func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGILL: return "illegal instruction (a trap: a failed precondition or overflow)"
    case SIGTRAP: return "trace trap (a failed precondition or overflow)"
    case SIGSEGV: return "segmentation fault (memory outside the program's own)"
    case SIGBUS: return "bus error"
    case SIGFPE: return "arithmetic exception (integer division by zero)"
    case SIGABRT: return "aborted"
    case SIGKILL: return "killed (out of memory, or stopped from outside)"
    default: return "signal \(signal)"
    }
  }
}
