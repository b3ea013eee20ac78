import Testing

@testable import Course

/// The course's list of lessons: what the lessons, `lessons` and CI read from it.
struct CatalogTests {
  @Test func headingsLowerTheTitleButKeepAcronyms() {
    #expect(CatalogEntry.rnn.heading == "Lesson 3: recurrent networks")
    #expect(CatalogEntry.albert.heading == "Lesson 6: ALBERT")
    #expect(CatalogEntry.gpt.heading == "Lesson 4½: a small GPT")
    #expect(CatalogEntry.ngrams.heading == "Lesson 2: n-gram language models")
  }

  @Test func lessonsAreInTeachingOrderWithDistinctExecutables() {
    let numbers = Catalog.lessons.map(\.number)
    #expect(numbers == numbers.sorted())
    #expect(Catalog.lessons.first?.executable == "tour")
    let executables = Catalog.lessons.map(\.executable)
    #expect(Set(executables).count == executables.count)
  }

  @Test func theCommandRunsTheExecutableInRelease() {
    #expect(CatalogEntry.bagOfWords.command == "swift run -c release bag-of-words")
  }
}
