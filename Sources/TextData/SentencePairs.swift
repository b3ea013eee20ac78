/// Two-sentence documents from a learner's paragraphs, for the lessons whose tasks need
/// sentences in their order (lesson 5's sentence permutation, lesson 6's sentence-order
/// prediction).
extension ReadText {
  /// Neighbouring sentences of one paragraph, two at a time, in file order.
  ///
  /// Pairs do not overlap, so no sentence is in two of them: after a pair the next starts
  /// with the sentence after its second. A sentence that `fits` rejects is in no pair, and
  /// the sentence before it pairs with nothing; pairs never cross a paragraph's end.
  /// - Parameter fits: whether a sentence may be in a pair (its length, say).
  /// - Returns: the pairs, each its first and second sentence as read.
  public func neighbouringPairs(where fits: (String) -> Bool) -> [(first: String, second: String)] {
    var pairs: [(first: String, second: String)] = []
    for paragraph in paragraphs {
      var i = 0
      while i + 1 < paragraph.count {
        if fits(paragraph[i]) && fits(paragraph[i + 1]) {
          pairs.append((paragraph[i], paragraph[i + 1]))
          i += 2
        } else {
          i += 1
        }
      }
    }
    return pairs
  }

  /// Neighbouring sentences of one paragraph as word tokens (`Tokenizer.words`), two at a
  /// time as `neighbouringPairs(where:)` takes them, of sentences whose token count,
  /// punctuation included, is in `words`.
  public func neighbouringPairs(words: ClosedRange<Int>) -> [(first: [String], second: [String])] {
    neighbouringPairs { words.contains(Tokenizer.words($0).count) }.map {
      (Tokenizer.words($0.first), Tokenizer.words($0.second))
    }
  }
}
