import Foundation
import Testing

@testable import TensorCore

struct SafeFileTests {
  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "safe-file-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test func aSymbolicLinkIsWrittenThroughNotReplaced() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("real.md").path
    let link = dir.appendingPathComponent("link.md").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: target))
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    try SafeFile.write(Data("new".utf8), to: link)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
    // Nothing is left behind: only the file and the link.
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == [
        "link.md", "real.md",
      ])
  }

  /// A link whose target does not exist yet (and a relative one, through a second link)
  /// creates the target; the links stay links.
  @Test func aDanglingLinkCreatesItsTarget() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("new.md").path
    let first = dir.appendingPathComponent("first.md").path
    let second = dir.appendingPathComponent("second.md").path
    try FileManager.default.createSymbolicLink(atPath: first, withDestinationPath: "new.md")
    try FileManager.default.createSymbolicLink(atPath: second, withDestinationPath: first)
    try SafeFile.write(Data("text".utf8), to: second)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "text")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: first) == "new.md")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: second) == first)
  }

  /// What an interrupted run left (a folder named with its process id) is removed by the
  /// next run once that process is gone; a running process's folder is kept.
  @Test func leftoversOfFinishedProcessesAreRemoved() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let finished = Process()
    finished.executableURL = URL(fileURLWithPath: "/bin/sh")
    finished.arguments = ["-c", "exit 0"]
    try finished.run()
    finished.waitUntilExit()
    let gone = dir.appendingPathComponent(".saving.\(finished.processIdentifier).7")
    let running = dir.appendingPathComponent(".saving.\(getppid()).7")
    let other = dir.appendingPathComponent("notes.saving.1")
    // A learner's own names that merely start alike are never touched.
    let notes = dir.appendingPathComponent(".saving.\(finished.processIdentifier).backup")
    let file = dir.appendingPathComponent(".saving.\(finished.processIdentifier).8")
    for url in [gone, running, other, notes] {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    _ = FileManager.default.createFile(atPath: file.path, contents: Data("mine".utf8))
    SafeFile.removeLeftovers(in: dir.path, prefix: ".saving.")
    #expect(!FileManager.default.fileExists(atPath: gone.path))
    for kept in [running, other, notes, file] {
      #expect(FileManager.default.fileExists(atPath: kept.path))
    }
  }

  @Test func destinationsThatCannotBeWrittenAreNamed() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    #expect(SafeFile.problem(writing: "", option: "--save") == "--save needs a file name")
    #expect(
      SafeFile.problem(writing: dir.path, option: "--save")
        == "--save \(dir.path): that is a folder; give a file name inside it")
    #expect(
      SafeFile.problem(writing: dir.path + "/missing/x.md", option: "--export")?.contains(
        "does not exist") == true)
    #expect(SafeFile.problem(writing: dir.path + "/x.md", option: "--export") == nil)
    let locked = dir.appendingPathComponent("locked.md").path
    try Data("keep".utf8).write(to: URL(fileURLWithPath: locked))
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: locked)
    // A file marked read-only is refused from its mode, even for the superuser, who may
    // write anything.
    #expect(SafeFile.problem(writing: locked, option: "--save")?.contains("read-only") == true)
    // A name too long for the file system, and a "folder" that is a file, are named.
    let long = String(repeating: "n", count: 260)
    #expect(
      SafeFile.problem(writing: dir.path + "/" + long, option: "--save")?.contains(
        "has 260 bytes") == true)
    #expect(
      SafeFile.problem(creatingFolder: dir.path + "/" + long, option: "--save")?.contains(
        "has 260 bytes") == true)
    #expect(
      SafeFile.problem(writing: locked + "/x.st", option: "--save")
        == "--save \(locked)/x.st: \(locked) is a file, not a folder; choose a file name in a folder"
    )
    if getuid() != 0 {
      #expect(throws: SafeFileError.self) { try SafeFile.write(Data("x".utf8), to: locked) }
      #expect(try String(contentsOfFile: locked, encoding: .utf8) == "keep")
    }
  }

  /// A folder to be saved is checked before the work that fills it: its name, a file in
  /// its place or on its path.
  @Test func foldersToBeSavedAreCheckedFirst() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("a-file").path
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    #expect(SafeFile.problem(creatingFolder: "", option: "--save") == "--save needs a folder name")
    #expect(
      SafeFile.problem(creatingFolder: file, option: "--save")
        == "--save \(file): that is a file; give a folder name (it is created)")
    #expect(
      SafeFile.problem(creatingFolder: file + "/sub/models", option: "--save")
        == "--save \(file)/sub/models: \(file) is a file, so no folder can be made under it")
    #expect(SafeFile.problem(creatingFolder: dir.path + "/new/models", option: "--save") == nil)
    #expect(SafeFile.problem(creatingFolder: dir.path, option: "--save") == nil)
  }

  /// Many writes at once, from every thread, to distinct files and to one shared file:
  /// each write keeps its own temporary file and slot, so none frees or removes another's
  /// (one shared global once made two writes free the same memory).
  @Test func concurrentWritesNeitherCrashNorCollide() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let writes = 20_000
    let failures = UnsafeMutablePointer<Int>.allocate(capacity: writes)
    failures.initialize(repeating: 0, count: writes)
    defer { failures.deallocate() }
    DispatchQueue.concurrentPerform(iterations: writes) { i in
      let name = i % 2 == 0 ? "shared.bin" : "file-\(i % 97).bin"
      let payload = Data(repeating: UInt8(i % 251), count: 64 + i % 300)
      do { try SafeFile.write(payload, to: dir.appendingPathComponent(name).path) } catch {
        failures[i] = 1
      }
    }
    #expect((0..<writes).reduce(0) { $0 + failures[$1] } == 0)
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    #expect(left.filter { $0.hasSuffix(".tmp") }.isEmpty)
    #expect(left.count == 98)
    // Every file holds one whole payload: all its bytes are the same.
    for name in left {
      let bytes = try Data(contentsOf: dir.appendingPathComponent(name))
      #expect(Set(bytes).count == 1)
    }
  }

  /// A device or a pipe is never replaced by a file.
  @Test func specialFilesAreRefused() throws {
    #expect(
      SafeFile.problem(writing: "/dev/null", option: "--save")?.contains(
        "not a regular file") == true)
    #expect(throws: SafeFileError.self) { try SafeFile.write(Data("x".utf8), to: "/dev/null") }
  }

  /// A replaced file keeps its permissions.
  @Test func aReplacedFileKeepsItsMode() throws {
    let dir = try folder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("kept.md").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    try SafeFile.write(Data("new".utf8), to: path)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]
    #expect((mode as? NSNumber)?.intValue == 0o600)
  }
}
