/// Long sentences of a learner's text cut into segments that a small model can take.
///
/// Lessons 5 and 6 work on short documents (their models hold a few dozen tokens), and a
/// legal or technical text has many sentences of 40 or more words: skipping them can leave
/// too little text to learn from (the GPL-3 licence has 24 pairs of neighbouring short
/// sentences). BERT's and ALBERT's "sentences" were never grammatical sentences either, but
/// spans of running text, so a long sentence is cut into consecutive segments and the
/// segments take its place in the paragraph, in order.
///
/// A segment ends at the last clause break (a word ending in `,`, `;` or `:`) that leaves it
/// at least a third of the limit long, else at the last word that fits. Word tokens are
/// counted as `Tokenizer.words` counts them, punctuation included, so every segment has at
/// most `limit` tokens unless one space-separated word alone has more (a long address), and
/// such a segment is left for the lesson's length filter to skip.
extension ReadText {
  /// The text with every sentence of more than `limit` word tokens cut into segments.
  ///
  /// Say how the file was read with the original text's `summary`: the cut text's counts
  /// its segments as sentences.
  /// - Returns: the new text, how many sentences were cut and how many segments they made.
  public func cuttingSentences(longerThan limit: Int) -> (
    text: ReadText, sentencesCut: Int, segments: Int
  ) {
    precondition(limit >= 3, "cuttingSentences(longerThan:): the limit \(limit) is below 3 words")
    var cutCount = 0
    var segmentCount = 0
    let cutParagraphs = paragraphs.map { paragraph in
      paragraph.flatMap { sentence -> [String] in
        guard Tokenizer.words(sentence).count > limit else { return [sentence] }
        let pieces = ReadText.segments(of: sentence, limit: limit)
        cutCount += 1
        segmentCount += pieces.count
        return pieces
      }
    }
    return (replacingParagraphs(cutParagraphs), cutCount, segmentCount)
  }

  /// `sentence` cut into consecutive segments of at most `limit` word tokens (see the type's
  /// notes for where a cut falls). Joined with spaces, the segments give the sentence's
  /// words in order.
  public static func segments(of sentence: String, limit: Int) -> [String] {
    let words = sentence.split(whereSeparator: \.isWhitespace).map(String.init)
    let counts = words.map { Tokenizer.words($0).count }
    var result: [String] = []
    var start = 0
    while start < words.count {
      var end = start
      var tokens = 0
      var lastBreak: Int? = nil
      while end < words.count && (end == start || tokens + counts[end] <= limit) {
        tokens += counts[end]
        end += 1
        if let last = words[end - 1].last, ",;:".contains(last), tokens >= limit / 3,
          end < words.count
        {
          lastBreak = end
        }
      }
      if end < words.count, let lastBreak { end = lastBreak }
      result.append(words[start..<end].joined(separator: " "))
      start = end
    }
    return result
  }
}
