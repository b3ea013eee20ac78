import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing a file so that nothing is lost or clobbered: checkpoints and exports.
///
/// - The bytes go to a temporary file in the same folder, then a rename puts them under
///   the real name, so a crash mid-write never leaves a half-written file there.
/// - A symbolic link is written through (its target is replaced), not replaced by a file.
/// - A file we may not write (read-only, another user's) is refused, never replaced, even
///   when its folder would let a rename do it.
/// - If SIGINT or SIGTERM arrives while the bytes are written, the temporary file is
///   removed before the process ends.
public enum SafeFile {
  /// What is wrong with writing `path`, or `nil` if it can be written. For checking an
  /// option such as `--save FILE` before any work is done.
  /// - Parameter option: how the path was given, for the message (`--save`).
  public static func problem(writing path: String, option: String) -> String? {
    guard !path.isEmpty else { return "\(option) needs a file name" }
    let target = URL(fileURLWithPath: resolvingLinks(path))
    let folder = target.deletingLastPathComponent().path
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    if manager.fileExists(atPath: target.path, isDirectory: &isFolder) {
      if isFolder.boolValue {
        return "\(option) \(path): that is a folder; give a file name inside it"
      }
      if !manager.isWritableFile(atPath: target.path) {
        return "\(option) \(path): the file exists and may not be written (read-only or "
          + "another user's); choose another name"
      }
    }
    guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      return "\(option) \(path): the folder \(folder) does not exist; create it or choose another"
    }
    guard manager.isWritableFile(atPath: folder) else {
      return "\(option) \(path): the folder \(folder) may not be written; choose another"
    }
    return nil
  }

  /// The file a path names once its symbolic links are followed, even a link whose target
  /// does not exist yet (Foundation's `resolvingSymlinksInPath` leaves those alone, and a
  /// rename would then replace the link by a file). Relative targets are read from the
  /// link's folder; after 32 links it gives up and returns the last path.
  static func resolvingLinks(_ path: String) -> String {
    var current = path
    for _ in 0..<32 {
      guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: current)
      else { return current }
      current =
        destination.hasPrefix("/")
        ? destination
        : URL(fileURLWithPath: current).deletingLastPathComponent()
          .appendingPathComponent(destination).path
    }
    return current
  }

  /// Writes `data` to `path` as described above.
  /// - Throws: `SafeFileError` with a sentence naming the problem.
  public static func write(_ data: Data, to path: String) throws {
    if let problem = problem(writing: path, option: "cannot write") {
      throw SafeFileError(message: problem)
    }
    let target = URL(fileURLWithPath: resolvingLinks(path))
    let temporary = target.deletingLastPathComponent().appendingPathComponent(
      ".\(target.lastPathComponent).\(getpid()).tmp"
    ).path
    let cleanup = InterruptCleanup(removing: temporary)
    defer { cleanup.finish() }
    guard FileManager.default.createFile(atPath: temporary, contents: data) else {
      unlink(temporary)
      throw SafeFileError(
        message: "cannot write \(path): writing \(data.count) bytes failed (is the disk full?)")
    }
    if Foundation.rename(temporary, target.path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw SafeFileError(message: "cannot write \(path): \(reason)")
    }
  }
}

/// Why a file could not be written.
public struct SafeFileError: Error, CustomStringConvertible, Equatable {
  public let message: String
  public var description: String { message }
}

/// The temporary file being written, for the signal handler (one write at a time).
nonisolated(unsafe) private var temporaryBeingWritten: UnsafeMutablePointer<CChar>?

/// Removes a temporary file if SIGINT or SIGTERM arrives before `finish()`, then lets the
/// signal end the process as it would have.
private final class InterruptCleanup {
  var previous: [Int32: sigaction] = [:]

  init(removing path: String) {
    temporaryBeingWritten = strdup(path)
    for signal in [SIGINT, SIGTERM] {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { number in
          if let path = temporaryBeingWritten { unlink(path) }
          Glibc.signal(number, SIG_DFL)
          raise(number)
        }
      #else
        action.__sigaction_u.__sa_handler = { number in
          if let path = temporaryBeingWritten { unlink(path) }
          Darwin.signal(number, SIG_DFL)
          raise(number)
        }
      #endif
      var old = sigaction()
      sigaction(signal, &action, &old)
      previous[signal] = old
    }
  }

  func finish() {
    for (signal, old) in previous {
      var restored = old
      sigaction(signal, &restored, nil)
    }
    free(temporaryBeingWritten)
    temporaryBeingWritten = nil
  }
}
