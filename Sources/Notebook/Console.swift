import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing to the standard streams without ever trapping.
///
/// Foundation's `FileHandle.write` traps when the write fails (a full disk, a closed
/// descriptor), and `print` buffers its text and drops a failure without a word. A lesson
/// must do neither: a closed pipe (`lesson | head -1`) ends the run quietly, as command-line
/// tools do; any other failure of standard output (`> /dev/full`, `>&-`) says so on standard
/// error and exits with status 1; a failure of standard error is ignored, so a broken log
/// never stops a lesson whose results are being written fine.
public enum Console {
  /// Writes `text` to standard output, or ends the process as described above.
  public static func write(_ text: String) {
    let failure = writeAll(STDOUT_FILENO, text)
    if failure != 0 { standardOutputFailed(failure) }
  }

  /// Writes `text` and a newline to standard output (the `print` of our executables).
  public static func print(_ text: String = "") {
    write(text + "\n")
  }

  /// Writes `text` to standard error; failures are ignored.
  public static func writeError(_ text: String) {
    _ = writeAll(STDERR_FILENO, text)
  }

  /// Writes all of `text` to `descriptor`, retrying after interruptions and short writes.
  /// - Returns: 0, or the `errno` of the write that failed.
  static func writeAll(_ descriptor: Int32, _ text: String) -> Int32 {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer in
        systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      }
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return 0
  }

  private static func systemWrite(
    _ descriptor: Int32, _ start: UnsafeMutableRawPointer, _ count: Int
  ) -> Int {
    #if canImport(Glibc)
      return Glibc.write(descriptor, start, count)
    #else
      return Darwin.write(descriptor, start, count)
    #endif
  }

  /// What a failure of standard output ends with: quietly for a closed pipe, with a
  /// message (and status 1) for anything else.
  static func standardOutputFailed(_ code: Int32) -> Never {
    if code == EPIPE {
      // A reader that has gone away (`| head`): end as if killed by SIGPIPE, silently.
      signal(SIGPIPE, SIG_DFL)
      raise(SIGPIPE)
      exit(141)
    }
    writeError("error: \(describe(outputFailure: code))\n")
    exit(1)
  }

  /// The sentence for a failed write to standard output.
  public static func describe(outputFailure code: Int32) -> String {
    switch code {
    case EBADF: return "standard output is closed; nothing can be shown (run without '>&-')"
    case ENOSPC: return "cannot write to standard output: the disk is full"
    default:
      return "cannot write to standard output: \(String(cString: strerror(code)))"
    }
  }
}
