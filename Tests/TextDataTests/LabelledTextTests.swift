import Testing

@testable import TextData

/// Lesson 1's `--corpus`: labelled lines in the two layouts, and every refusal with a
/// message that names the fix.
struct LabelledTextTests {
  static func lines(_ labels: [String], each: Int) -> [(String, String)] {
    labels.flatMap { label in (0..<each).map { (label, "a \(label) example number \($0)") } }
  }

  @Test func tabSeparatedLinesWithAndWithoutAHeader() throws {
    let body = Self.lines(["spam", "ham"], each: 12).map { "\($0)\t\($1)" }
    for text in [body, ["label\ttext"] + body].map({ $0.joined(separator: "\n") }) {
      let read = try LabelledText.parse(text + "\n\n", path: "f.tsv")
      #expect(read.examples.count == 24)
      #expect(read.labels == ["ham", "spam"])  // tied counts: alphabetical
      #expect(read.examples[0] == .init(text: "a spam example number 0", label: "spam"))
      #expect(read.summary == "tab-separated, 24 examples of 2 labels")
    }
  }

  @Test func csvWithQuotesCommasAndLineBreaks() throws {
    var text = "id,Sentiment,Review\r\n"
    for (i, (label, body)) in Self.lines(["pos", "neg", "mixed"], each: 10).enumerated() {
      text += "\(i),\(label),\"\(body), with a comma and \"\"quotes\"\"\nover two lines\"\r\n"
    }
    text += "99,pos,\n"  // empty text: left out and counted
    let read = try LabelledText.parse(text, path: "f.csv")
    #expect(read.examples.count == 30)
    #expect(read.labels == ["mixed", "neg", "pos"])
    #expect(
      read.examples[0].text == "a pos example number 0, with a comma and \"quotes\"\nover two lines"
    )
    #expect(read.summary == "CSV, 30 examples of 3 labels (1 with an empty label or text left out)")
  }

  @Test func labelsThatDifferOnlyInCaseAreKeptApartAndSaidToBe() throws {
    let text = Self.lines(["pos", "POS", "neg"], each: 10).map { "\($0)\t\($1)" }
      .joined(separator: "\n")
    let read = try LabelledText.parse(text, path: "f")
    #expect(read.labels.count == 3)
    #expect(
      read.summary.hasSuffix("; labels 'POS' and 'pos' differ only in case and are kept apart"))
  }

  @Test func refusalsNameTheProblemAndTheFix() {
    func message(_ text: String) -> String {
      do {
        _ = try LabelledText.parse(text, path: "f")
        return "read"
      } catch {
        return "\(error)"
      }
    }
    let good = Self.lines(["a", "b"], each: 10).map { "\($0)\t\($1)" }
    #expect(
      message((good + ["no tab here"]).joined(separator: "\n")).contains("line 21 has no tab"))
    // Windows line ends are one line end each.
    #expect(
      message((good + ["no tab here"]).joined(separator: "\r\n")).contains("line 21 has no tab"))
    #expect(message("just words\nmore words").contains("neither a tab nor a comma"))
    #expect(message("name,value\nx,1").contains("name the label column 'label'"))
    #expect(message("label,text\na,\"open").contains("never closed"))
    #expect(message("label,text\na,b,c").contains("row 2 has 3 fields"))
    let one = Self.lines(["only"], each: 20).map { "\($0)\t\($1)" }.joined(separator: "\n")
    #expect(message(one).contains("only one label ('only')"))
    let rare = (good + ["c\tone example"]).joined(separator: "\n")
    #expect(message(rare).contains("the label 'c' has only 1 example;"))
    let many = (0..<60).flatMap { l in (0..<10).map { "l\(l)\tt\($0)" } }.joined(separator: "\n")
    #expect(message(many).contains("60 different labels"))
    #expect(message(good.joined(separator: "\n")) == "read")
  }
}
