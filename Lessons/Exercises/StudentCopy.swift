import Foundation

/// The course as it is handed to students: every file but the model answers
/// (`Sources/ExerciseSolutions`) and the tests that use them (`Tests/ExercisesTests`), with
/// their two targets taken out of `Package.swift`. It builds, and its checker reports every
/// exercise as not attempted until the student writes it.
enum StudentCopy {
  struct Problem: Error {
    let message: String
  }

  /// What is left out, relative to the course's folder.
  static let leftOut = ["Sources/ExerciseSolutions", "Tests/ExercisesTests"]
  /// The lines of `Package.swift` that declare what is left out.
  static let manifestLines = [
    #"  library("ExerciseSolutions", ["Exercises"]),"#,
    #"  tests("ExercisesTests", ["Exercises", "ExerciseSolutions"]),"#,
  ]

  /// `path` with every symbolic link and `..` resolved (`realpath`), or as given.
  static func realPath(_ path: String) -> String {
    guard let resolved = realpath(path, nil) else { return path }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Copies the course at `source` to the new folder `destination`.
  /// - Returns: what was left out, for the message.
  static func write(from source: String, to destination: String) throws -> [String] {
    let files = FileManager.default
    let root = URL(fileURLWithPath: source)
    guard files.fileExists(atPath: root.appendingPathComponent("Package.swift").path),
      files.fileExists(atPath: root.appendingPathComponent(leftOut[0]).path)
    else {
      throw Problem(
        message: "run student-copy from the course's own folder (the one with Package.swift "
          + "and \(leftOut[0]))")
    }
    guard !destination.isEmpty else {
      throw Problem(message: "student-copy needs the path of a new folder to write the course to")
    }
    guard !files.fileExists(atPath: destination) else {
      throw Problem(message: "\(destination) exists already; give a new folder")
    }
    // A folder inside the course would be copied into itself, again and again. Both paths
    // are compared once every link is followed: the destination's nearest existing folder
    // is resolved (a link to the course on the way counts), then its missing parts added.
    let course = realPath(root.path)
    var existing = URL(fileURLWithPath: destination).standardizedFileURL
    var missing: [String] = []
    while !files.fileExists(atPath: existing.path) && existing.path != "/" {
      missing.insert(existing.lastPathComponent, at: 0)
      existing = existing.deletingLastPathComponent()
    }
    let inside = missing.reduce(realPath(existing.path)) { $0 + "/" + $1 }
    if inside == course || inside.hasPrefix(course + "/") {
      throw Problem(
        message: "\(destination) is inside the course's folder, so the copy would copy itself; "
          + "give a folder outside it, for example ../course-for-students")
    }
    var manifest = try String(
      contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    for line in manifestLines {
      guard manifest.contains(line + "\n") else {
        throw Problem(message: "Package.swift no longer has the line '\(line)'; update StudentCopy")
      }
      manifest = manifest.replacingOccurrences(of: line + "\n", with: "")
    }
    let target = URL(fileURLWithPath: destination)
    try files.createDirectory(at: target, withIntermediateDirectories: true)
    guard let walker = files.enumerator(atPath: root.path) else {
      throw Problem(message: "cannot read \(root.path)")
    }
    while let relative = walker.nextObject() as? String {
      let first = relative.split(separator: "/").first.map(String.init) ?? relative
      let skipped =
        first == ".git" || first.hasPrefix(".build") || first == ".swiftpm"
        || leftOut.contains { relative == $0 || relative.hasPrefix($0 + "/") }
      if skipped {
        walker.skipDescendants()
        continue
      }
      let from = root.appendingPathComponent(relative)
      let to = target.appendingPathComponent(relative)
      var isFolder: ObjCBool = false
      _ = files.fileExists(atPath: from.path, isDirectory: &isFolder)
      if isFolder.boolValue {
        try files.createDirectory(at: to, withIntermediateDirectories: true)
      } else if relative.hasSuffix(".md") {
        let text = try String(contentsOf: from, encoding: .utf8)
        try forStudents(text).write(to: to, atomically: true, encoding: .utf8)
      } else if relative != "Package.swift" {
        try files.copyItem(at: from, to: to)
      }
    }
    try manifest.write(
      to: target.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    return leftOut
  }

  /// A page of the course as a student's copy shows it: what is marked for teachers
  /// (`<!-- teachers -->…<!-- /teachers -->`, such as where the model answers are) is left
  /// out, and what is written for the copy (`<!-- students: … -->`) is shown, so the copy's
  /// pages point at nothing the copy lacks.
  static func forStudents(_ markdown: String) -> String {
    var text = markdown
    while let open = text.range(of: "<!-- teachers -->"),
      let close = text.range(of: "<!-- /teachers -->", range: open.upperBound..<text.endIndex)
    {
      text.removeSubrange(open.lowerBound..<close.upperBound)
    }
    while let open = text.range(of: "<!-- students: "),
      let close = text.range(of: " -->", range: open.upperBound..<text.endIndex)
    {
      text.replaceSubrange(
        open.lowerBound..<close.upperBound, with: text[open.upperBound..<close.lowerBound])
    }
    return text
  }
}
