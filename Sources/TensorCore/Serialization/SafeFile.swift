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
      var status = stat()
      if stat(target.path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
        return "\(option) \(path): that is not a regular file (a device, a pipe or a "
          + "socket), and writing would replace it; choose a file name"
      }
      // The mode bits as well as access(): as root every file is writable, and a file
      // marked read-only is still one the learner meant to keep.
      if !manager.isWritableFile(atPath: target.path) || status.st_mode & 0o222 == 0 {
        return "\(option) \(path): the file exists and may not be written (read-only or "
          + "another user's); choose another name"
      }
    }
    if let long = tooLongName(path) {
      return "\(option) \(path): the name '\(long.prefix(40))…' has \(long.utf8.count) bytes; "
        + "names may have at most 200 here (255, less room for a temporary name beside it); "
        + "choose a shorter one"
    }
    guard manager.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      if manager.fileExists(atPath: folder) {
        return "\(option) \(path): \(folder) is a file, not a folder; choose a file name in a "
          + "folder"
      }
      return "\(option) \(path): the folder \(folder) does not exist; create it or choose another"
    }
    guard manager.isWritableFile(atPath: folder) else {
      return "\(option) \(path): the folder \(folder) may not be written; choose another"
    }
    return nil
  }

  /// What is wrong with saving a folder of files at `path` (created with its missing
  /// parents, or replaced), or `nil` if it can be done. For checking an option such as
  /// `--save DIR` before any training: a path under a file, or in a folder that may not be
  /// written, is named at once rather than after the work.
  public static func problem(creatingFolder path: String, option: String) -> String? {
    guard !path.isEmpty else { return "\(option) needs a folder name" }
    if let long = tooLongName(path) {
      return "\(option) \(path): the name '\(long.prefix(40))…' has \(long.utf8.count) bytes; "
        + "names may have at most 200 here (255, less room for a temporary name beside it); "
        + "choose a shorter one"
    }
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    if manager.fileExists(atPath: path, isDirectory: &isFolder) {
      return isFolder.boolValue
        ? (manager.isWritableFile(atPath: path)
          ? nil : "\(option) \(path): that folder may not be written; choose another")
        : "\(option) \(path): that is a file; give a folder name (it is created)"
    }
    // The nearest part of the path that exists must be a folder we may write in.
    var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
    while !manager.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
      ancestor = ancestor.deletingLastPathComponent()
    }
    guard isFolder.boolValue else {
      return "\(option) \(path): \(ancestor.path) is a file, so no folder can be made under it"
    }
    guard manager.isWritableFile(atPath: ancestor.path) else {
      return "\(option) \(path): the folder \(ancestor.path) may not be written; choose another"
    }
    return nil
  }

  /// Removes the folders in `folder` named exactly `prefix` + a process id, or `prefix` +
  /// a process id + "." + a number, whose process no longer runs: what an interrupted run
  /// left behind (a signal handler can remove a file, but not a folder of them), cleaned by
  /// the next run. Nothing else is touched: not a file, not a name with anything more.
  public static func removeLeftovers(in folder: String, prefix: String) {
    let files = FileManager.default
    guard let names = try? files.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(prefix) {
      let parts = name.dropFirst(prefix.count).split(
        separator: ".", omittingEmptySubsequences: false)
      guard (1...2).contains(parts.count),
        parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
        let pid = Int32(parts[0]), pid > 0, pid != getpid()
      else { continue }
      var isFolder: ObjCBool = false
      let path = (folder as NSString).appendingPathComponent(name)
      guard files.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue,
        (try? files.destinationOfSymbolicLink(atPath: path)) == nil
      else { continue }
      // kill(pid, 0) fails with ESRCH when there is no such process.
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? files.removeItem(atPath: path)
      }
    }
  }

  /// The first part of `path` longer than a file system allows in one name (255 bytes,
  /// minus room for the temporary name written beside it), or `nil`.
  static func tooLongName(_ path: String) -> String? {
    path.split(separator: "/").map(String.init).first { $0.utf8.count > 200 }
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
  ///
  /// Safe to call from several threads at once: each write has its own temporary file
  /// (named with the process and a counter) and its own slot in the table the signal
  /// handler reads.
  /// - Throws: `SafeFileError` with a sentence naming the problem.
  public static func write(_ data: Data, to path: String) throws {
    if let problem = problem(writing: path, option: "cannot write") {
      throw SafeFileError(message: problem)
    }
    let target = URL(fileURLWithPath: resolvingLinks(path))
    // The temporary name starts with (at most 32 characters of) the target's, so a name near
    // the system's limit of 255 bytes still leaves room for the suffix.
    let stem = String(String.UnicodeScalarView(target.lastPathComponent.unicodeScalars.prefix(32)))
    let temporary = target.deletingLastPathComponent().appendingPathComponent(
      ".\(stem).\(getpid()).\(TemporaryFiles.nextNumber()).tmp"
    ).path
    let slot = TemporaryFiles.register(temporary)
    defer { TemporaryFiles.release(slot) }
    // A file that is replaced keeps its permissions; a new one gets 0644 (less the umask).
    var existing = stat()
    let mode = stat(target.path, &existing) == 0 ? mode_t(existing.st_mode & 0o7777) : 0o644
    if let failure = writeNew(data, to: temporary, mode: mode) {
      unlink(temporary)
      throw SafeFileError(message: "cannot write \(path): \(failure)")
    }
    if Foundation.rename(temporary, target.path) != 0 {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw SafeFileError(message: "cannot write \(path): \(reason)")
    }
  }

  /// Creates `path` (which must not exist) and writes `data` to it with `write(2)`, so no
  /// other temporary file (Foundation's own) is ever made; returns why it failed, or `nil`.
  static func writeNew(_ data: Data, to path: String, mode: mode_t) -> String? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
    guard descriptor >= 0 else { return String(cString: strerror(errno)) }
    if mode != 0o644 { fchmod(descriptor, mode) }
    var failure: String? = nil
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(
          descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure =
            errno == ENOSPC
            ? "writing \(data.count) bytes failed: the disk is full"
            : "writing \(data.count) bytes failed: \(String(cString: strerror(errno)))"
          return
        }
        offset += written
      }
    }
    if close(descriptor) != 0, failure == nil {
      failure = "writing \(data.count) bytes failed: \(String(cString: strerror(errno)))"
    }
    return failure
  }
}

/// Why a file could not be written.
public struct SafeFileError: Error, CustomStringConvertible, Equatable {
  public let message: String
  public var description: String { message }
}

/// The temporary files being written, for the SIGINT/SIGTERM handler that removes them.
///
/// A fixed table of slots, allocated once and never freed, because a signal handler may only
/// read memory that no thread can free under it. A write claims a slot under a lock, copies
/// its path in, then marks the slot used (a separate step, so the handler never sees a
/// half-copied path); the handler unlinks every used slot's path. The handler is installed
/// when the first write starts and the previous handlers are put back when the last ends.
enum TemporaryFiles {
  /// Writes that may be in progress at once; more wait for a free slot.
  static let slotCount = 64
  /// Longest path kept, with its terminating zero.
  static let pathCapacity = Int(PATH_MAX) + 1

  nonisolated(unsafe) static let paths = UnsafeMutablePointer<CChar>.allocate(
    capacity: slotCount * pathCapacity)
  nonisolated(unsafe) static let used: UnsafeMutablePointer<UInt8> = {
    let flags = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount)
    flags.initialize(repeating: 0, count: slotCount)
    return flags
  }()
  /// Guards `claimed`, `active`, `previous` and `counter`; never taken by the handler.
  static let lock = NSCondition()
  nonisolated(unsafe) static var claimed = [Bool](repeating: false, count: slotCount)
  nonisolated(unsafe) static var active = 0
  nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
  nonisolated(unsafe) static var counter = 0

  /// A number no other write of this process has used.
  static func nextNumber() -> Int {
    lock.lock()
    defer { lock.unlock() }
    counter += 1
    return counter
  }

  /// Claims a slot for `path` (waiting while all are taken) and makes sure the handler is on.
  static func register(_ path: String) -> Int {
    _ = used  // initialised before the handler can run
    lock.lock()
    while !claimed.contains(false) { lock.wait() }
    let slot = claimed.firstIndex(of: false)!
    claimed[slot] = true
    let buffer = paths + slot * pathCapacity
    let bytes = Array(path.utf8.prefix(pathCapacity - 1))
    for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
    if active == 0 { installHandler() }
    active += 1
    lock.unlock()
    // Marked used only after the path is complete (the lock's release orders the stores).
    lock.lock()
    used[slot] = 1
    lock.unlock()
    return slot
  }

  /// Gives the slot back; the last write to end restores the previous handlers.
  static func release(_ slot: Int) {
    lock.lock()
    used[slot] = 0
    claimed[slot] = false
    active -= 1
    if active == 0 { restoreHandlers() }
    lock.broadcast()
    lock.unlock()
  }

  /// Unlinks every temporary file being written; called only from the signal handler.
  static func removeAll() {
    for slot in 0..<slotCount where used[slot] != 0 {
      unlink(paths + slot * pathCapacity)
    }
  }

  private static func installHandler() {
    for signal in [SIGINT, SIGTERM] {
      var action = sigaction()
      #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { number in
          TemporaryFiles.removeAll()
          Glibc.signal(number, SIG_DFL)
          raise(number)
        }
      #else
        action.__sigaction_u.__sa_handler = { number in
          TemporaryFiles.removeAll()
          Darwin.signal(number, SIG_DFL)
          raise(number)
        }
      #endif
      var old = sigaction()
      sigaction(signal, &action, &old)
      previous[signal] = old
    }
  }

  private static func restoreHandlers() {
    for (signal, old) in previous {
      var restored = old
      sigaction(signal, &restored, nil)
    }
    previous = [:]
  }
}
