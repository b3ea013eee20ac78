/// The lessons of the course, in teaching order.
public struct CatalogEntry: Sendable {
  public let number: Int
  public let executable: String
  public let title: String
  public let summary: String

  public var command: String { "swift run -c release \(executable)" }
}

public enum Catalog {
  public static let lessons: [CatalogEntry] = [
    CatalogEntry(
      number: 0, executable: "tour", title: "Using the lessons",
      summary: "cells, stepping, knobs, plots and export: the runtime's own tour")
  ]
}
