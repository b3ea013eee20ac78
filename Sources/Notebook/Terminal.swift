import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What we know about the terminal the lesson runs in.
public enum Terminal {
  /// Whether standard output is a terminal (not a file or a pipe).
  public static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

  /// Whether standard input is a terminal (a person typing, not a script).
  public static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }

  /// Whether standard error is a terminal.
  public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

  /// The terminal's width in columns, if standard output is a terminal that reports one.
  public static var width: Int? { width(of: STDOUT_FILENO) }

  static func width(of descriptor: Int32) -> Int? {
    windowSize(of: descriptor).flatMap { $0.ws_col > 0 ? Int($0.ws_col) : nil }
  }

  /// The terminal's height in rows, if standard output is a terminal that reports one.
  public static var height: Int? {
    windowSize(of: STDOUT_FILENO).flatMap { $0.ws_row > 0 ? Int($0.ws_row) : nil }
  }

  /// The window size the terminal on `descriptor` reports, if it is a terminal.
  static func windowSize(of descriptor: Int32) -> winsize? {
    var size = winsize()
    #if canImport(Glibc)
      let request = UInt(TIOCGWINSZ)
    #else
      let request = TIOCGWINSZ
    #endif
    return ioctl(descriptor, request, &size) == 0 ? size : nil
  }

  /// The width of the terminal standard error is, if it is one.
  public static var errorWidth: Int? { width(of: STDERR_FILENO) }

  /// Whether `TERM=dumb`: a terminal that understands no escape codes and no redraws.
  public static var isDumb: Bool { ProcessInfo.processInfo.environment["TERM"] == "dumb" }

  /// Whether colour is allowed by the environment: `NO_COLOR` unset and output a terminal.
  public static var colorAllowed: Bool {
    ProcessInfo.processInfo.environment["NO_COLOR"] == nil && stdoutIsTerminal && !isDumb
  }
}

/// Where a lesson's text goes. The console writes to standard output; tests collect it.
public protocol TextSink: AnyObject {
  func write(_ text: String)
}

/// Standard output, written at once so output appears as cells run (see `Console`).
public final class StandardOutput: TextSink {
  public init() {}
  public func write(_ text: String) {
    Console.write(text)
  }
}

/// Standard error, for error messages; a failure to write it is ignored (see `Console`).
public final class StandardError: TextSink {
  public init() {}
  public func write(_ text: String) {
    Console.writeError(text)
  }
}

/// Collects everything written, for tests.
public final class CollectedText: TextSink {
  public private(set) var text = ""
  public init() {}
  public func write(_ text: String) { self.text += text }
}

/// Where step-through mode reads the student's answers.
public protocol LineSource: AnyObject {
  /// The next line, or `nil` at the end of input.
  func readLine() -> String?
}

/// Standard input.
public final class StandardInput: LineSource {
  public init() {}
  public func readLine() -> String? { Swift.readLine() }
}

/// A fixed list of lines, for tests that script a step-through session.
public final class ScriptedInput: LineSource {
  var lines: [String]
  public init(_ lines: [String]) { self.lines = lines }
  public func readLine() -> String? { lines.isEmpty ? nil : lines.removeFirst() }
}
