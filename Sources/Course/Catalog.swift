import Notebook

/// One lesson of the course: its number, executable, title and summary.
///
/// Each lesson is a static member (`CatalogEntry.rnn`), which the lesson names when it is
/// created (`Lesson(catalog: .rnn, …)`): a misspelled lesson is a compile error.
public struct CatalogEntry: Sendable {
  public let number: Int
  public let executable: String
  public let title: String
  public let summary: String
  /// Written after the number: `½` for a lesson between two others (`Lesson 4½`).
  public let suffix: String

  public init(number: Int, executable: String, title: String, summary: String, suffix: String = "")
  {
    self.number = number
    self.executable = executable
    self.title = title
    self.summary = summary
    self.suffix = suffix
  }

  public var command: String { "swift run -c release \(executable)" }

  /// The lesson's heading: `Lesson 3: recurrent networks` (an acronym keeps its capitals:
  /// `Lesson 6: ALBERT`).
  public var heading: String {
    let characters = Array(title)
    let acronym = characters.count > 1 && characters[1].isUppercase
    let lowered = acronym ? title : title.prefix(1).lowercased() + title.dropFirst()
    return "Lesson \(number)\(suffix): \(lowered)"
  }
}

/// The one place each lesson's number, title and summary are written: the lessons, the
/// `lessons` listing and `.ci/run` (through `lessons --executables`) all read them here.
/// `lessons new NAME` adds a lesson's entry and its place in `Catalog.lessons`.
extension CatalogEntry {
  public static let tour = CatalogEntry(
    number: 0, executable: "tour", title: "Using the lessons",
    summary: "cells, stepping, knobs, plots and export: the runtime's own tour")
  public static let bagOfWords = CatalogEntry(
    number: 1, executable: "bag-of-words", title: "Bag of words",
    summary: "count the words of a review, learn its sentiment, see what counting misses")
  public static let ngrams = CatalogEntry(
    number: 2, executable: "ngrams", title: "n-gram language models",
    summary: "predict the next word by counting what followed the last few words")
  public static let rnn = CatalogEntry(
    number: 3, executable: "rnn", title: "Recurrent networks",
    summary: "a learned state carries the past: train an RNN, a GRU and an LSTM to predict text")
  public static let attention = CatalogEntry(
    number: 4, executable: "attention", title: "Attention",
    summary: "every position looks back directly at every other, weighted by relevance")
  public static let gpt = CatalogEntry(
    number: 4, executable: "gpt", title: "A small GPT",
    summary: "a causal transformer predicts text; every language model of the course ranked",
    suffix: "½")
  public static let denoising = CatalogEntry(
    number: 5, executable: "denoising", title: "Denoising autoencoders",
    summary: "compress sentences to codes, then learn by restoring corrupted text")
  public static let albert = CatalogEntry(
    number: 6, executable: "albert", title: "ALBERT",
    summary: "factorize the embedding, share the layers, pre-train with MLM and SOP, fine-tune")
}

/// The lessons of the course, in teaching order.
public enum Catalog {
  public static let lessons: [CatalogEntry] = [
    .tour, .bagOfWords, .ngrams, .rnn, .attention, .gpt, .denoising, .albert,
  ]
}

extension Lesson {
  /// Creates the lesson of `entry`, with its heading and summary from there, and parses the
  /// command line.
  public convenience init(catalog entry: CatalogEntry, introduction: String) {
    self.init(entry.heading, summary: entry.summary, introduction: introduction)
  }
}
