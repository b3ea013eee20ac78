import TensorCore

/// A short review with its sentiment: 1 positive, 0 negative.
public struct Review: Sendable, Equatable {
  public init(text: String, label: Int, kind: ReviewKind) {
    self.text = text
    self.label = label
    self.kind = kind
  }

  public let text: String
  public let label: Int
  /// How the review was built, so a lesson can show which kinds a model gets wrong.
  public let kind: ReviewKind
}

/// The constructions the review generator uses.
public enum ReviewKind: String, Sendable, CaseIterable {
  /// "the plot was clever ." — the sentiment word decides.
  case plain
  /// "the music was really dull ." — an intensifier changes nothing.
  case intensified
  /// "the ending was not good ." — negation flips the sentiment word.
  case negated
  /// "the acting was good but the story was boring ." — the clause after "but" decides;
  /// swap the clauses and the label flips, though the bag of words is the same.
  case contrast
  /// "i loved the cast ." / "i do not enjoy the film ." — a verb carries the sentiment.
  case verb
}

/// Labelled movie reviews generated from templates written for this course.
///
/// The label follows fixed rules, so it is always right; what varies is how hard each
/// construction is for a given model. Counting words handles `plain` and `intensified`;
/// `negated` needs word pairs; `contrast` needs word order.
public enum ReviewCorpus {
  public static let things = [
    "the movie", "the film", "the plot", "the acting", "the music", "the ending", "the story",
    "the cast", "the dialogue", "the photography",
  ]
  public static let positive = [
    "good", "great", "wonderful", "funny", "moving", "clever", "charming", "beautiful",
    "exciting", "brilliant",
  ]
  public static let negative = [
    "bad", "boring", "awful", "dull", "weak", "silly", "clumsy", "predictable", "slow",
    "terrible",
  ]
  static let intensifiers = ["very", "really", "quite", "so", "truly"]
  static let likes = ["loved", "enjoyed", "liked", "admired"]
  static let likesBase = ["love", "enjoy", "like", "admire"]
  static let dislikes = ["hated", "disliked", "regretted"]
  static let dislikesBase = ["hate", "dislike", "regret"]

  /// `count` reviews; each label is positive with probability ½ and each construction
  /// has a fixed share (plain 30 %, intensified 15 %, negated 20 %, contrast 20 %,
  /// verb 15 %).
  public static func generate(count: Int, using g: inout SplitMix64) -> [Review] {
    (0..<count).map { _ in review(&g) }
  }

  /// Closing sentences that agree with a positive review, then with a negative one.
  /// Their words never occur in reviews, so a model that fills a gap in one from the
  /// other has to have worked out the sentiment.
  public static let verdicts = [
    [
      "i would watch it again .", "i will tell my friends .", "it was worth the ticket .",
      "we left smiling .",
    ],
    [
      "i want my money back .", "i nearly fell asleep .", "it was a waste of time .",
      "we left early .",
    ],
  ]

  /// A closing sentence for a review with `label`, chosen uniformly among its verdicts.
  public static func verdict(label: Int, using g: inout SplitMix64) -> String {
    pick(verdicts[1 - label], &g)
  }

  /// An unlabelled two-sentence review for pre-training: a review, then a verdict that
  /// agrees with it. Half of the reviews pair two adjectives of one sentiment ("the
  /// music was clever and charming ."), as people write; the other half come from
  /// `generate`, negations and contrasts included.
  public static func document(using g: inout SplitMix64) -> String {
    let label = g.index(2)
    let text: String
    if g.index(2) == 0 {
      let words = label == 1 ? positive : negative
      let first = g.index(words.count)
      var second = g.index(words.count - 1)
      if second >= first { second += 1 }
      text = "\(pick(things, &g)) was \(words[first]) and \(words[second]) ."
    } else {
      var review = review(&g)
      while review.label != label { review = self.review(&g) }
      text = review.text
    }
    return text + " " + verdict(label: label, using: &g)
  }

  static func pick(_ words: [String], _ g: inout SplitMix64) -> String {
    words[g.index(words.count)]
  }

  static func review(_ g: inout SplitMix64) -> Review {
    let label = g.index(2)
    let roll = g.index(100)
    func adjective(_ positiveWanted: Bool) -> String {
      pick(positiveWanted ? positive : negative, &g)
    }
    let thing = pick(things, &g)
    switch roll {
    case 0..<30:
      return Review(text: "\(thing) was \(adjective(label == 1)) .", label: label, kind: .plain)
    case 30..<45:
      let very = pick(intensifiers, &g)
      return Review(
        text: "\(thing) was \(very) \(adjective(label == 1)) .", label: label, kind: .intensified)
    case 45..<65:
      return Review(
        text: "\(thing) was not \(adjective(label == 0)) .", label: label, kind: .negated)
    case 65..<85:
      var other = pick(things, &g)
      while other == thing { other = pick(things, &g) }
      let first = adjective(label == 0)
      let second = adjective(label == 1)
      return Review(
        text: "\(thing) was \(first) but \(other) was \(second) .", label: label, kind: .contrast)
    default:
      // Every verb form occurs in both labels' reviews: "i love" and "i do not hate" are
      // positive, "i hate" and "i did not love" negative. Only the verb's sentiment and
      // the negation before it decide; no template word gives the label away.
      let past = g.index(2) == 0
      if g.index(2) == 0 {
        let verb = pick(
          label == 1 ? (past ? likes : likesBase) : (past ? dislikes : dislikesBase), &g)
        return Review(text: "i \(verb) \(thing) .", label: label, kind: .verb)
      }
      let verb = pick(label == 1 ? dislikesBase : likesBase, &g)
      return Review(
        text: "i \(past ? "did" : "do") not \(verb) \(thing) .", label: label, kind: .verb)
    }
  }
}
