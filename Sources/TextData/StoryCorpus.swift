import TensorCore

/// A two-sentence story: the same people and the same thing at two moments, in the order
/// they happen ("the girl found the muddy puppy . the girl washed the muddy puppy .").
public struct Story: Sendable, Equatable {
  public let first: [String]
  public let second: [String]
  /// An index into `StoryCorpus.plots` (and so into `SentenceCorpus.topics`).
  public let topic: Int
  /// The stages of the two sentences in the plot's order; `stages.0 < stages.1`.
  public let stages: (Int, Int)

  /// Both sentences, one token list.
  public var tokens: [String] { first + second }

  public static func == (a: Story, b: Story) -> Bool {
    a.first == b.first && a.second == b.second && a.topic == b.topic && a.stages == b.stages
  }
}

/// Stories for sentence-order prediction, written for this course.
///
/// Each topic has a plot: a fixed sequence of stages ("found", "fed", "washed",
/// "walked"). A story picks a topic, who acts, on what and what it is like ("the muddy
/// puppy"), and two stages in plot order: 2,784 different stories in all, so that a couple
/// of thousand drawn leave distinct stories to hold out (with the thing's descriptions
/// left out there were 696, and most held-out stories were also training stories).
/// Both sentences have the same shape — only the stage word differs — so nothing in one
/// sentence alone says whether it comes first or second; the order is in how the two
/// stage words relate. Who acts and on what is the same in both sentences, so a second
/// sentence taken from another story almost always gives itself away by its words: that
/// is the shortcut next-sentence prediction offers and sentence-order prediction closes.
public enum StoryCorpus {
  /// One topic's plot: the sentence shape, who can act, what they act on, and the stages
  /// in the order they happen.
  public struct Plot: Sendable {
    /// Template words; `{a}`, `{s}`, `{d}` and `{t}` stand for the actor, stage, the
    /// thing's description and the thing.
    public let template: [String]
    public let actors: [String]
    public let things: [String]
    /// Words that describe a thing, the same in both sentences of a story.
    public let descriptions: [String]
    public let stages: [String]
  }

  /// The plots, in the order of `SentenceCorpus.topics`.
  public static let plots: [Plot] = [
    Plot(
      template: ["the", "{a}", "{s}", "the", "{d}", "{t}", "."],
      actors: ["girl", "boy", "farmer", "vet"],
      things: ["puppy", "kitten", "rabbit", "hamster", "parrot", "pony"],
      descriptions: ["small", "lost", "sleepy", "muddy"],
      stages: ["found", "fed", "washed", "walked"]),
    Plot(
      template: ["the", "{a}", "saw", "{s}", "over", "the", "{d}", "{t}", "."],
      actors: ["farmers", "sailors", "children", "walkers"],
      things: ["hills", "river", "valley", "harbour", "fields", "city"],
      descriptions: ["distant", "quiet", "old", "empty"],
      stages: ["clouds", "rain", "rainbows", "stars"]),
    Plot(
      template: ["the", "{a}", "{s}", "the", "{d}", "{t}", "."],
      actors: ["cooks", "bakers", "children", "neighbours"],
      things: ["soup", "rice", "pasta", "bread", "eggs", "beans", "noodles"],
      descriptions: ["fresh", "hot", "cheap", "spicy"],
      stages: ["bought", "cooked", "served", "ate"]),
    Plot(
      template: ["the", "{a}", "{s}", "the", "{d}", "{t}", "."],
      actors: ["students", "pupils", "twins", "teacher"],
      things: ["book", "notes", "map", "poem", "letter"],
      descriptions: ["old", "new", "torn", "blue"],
      stages: ["opened", "read", "copied", "closed"]),
    Plot(
      template: ["the", "{a}", "{s}", "the", "{d}", "{t}", "."],
      actors: ["driver", "guard", "mechanic", "owner"],
      things: ["bus", "bike", "car", "tram", "taxi"],
      descriptions: ["red", "blue", "old", "new"],
      stages: ["started", "drove", "stopped", "parked"]),
  ]

  /// How many different stories the plots can tell: 2,784.
  public static var distinctStories: Int {
    zip(plots, stagePairs).reduce(0) {
      $0 + $1.0.actors.count * $1.0.things.count * $1.0.descriptions.count * $1.1.count
    }
  }

  /// For each plot, every pair of stages `(i, j)` with `i < j`, in order.
  static let stagePairs: [[(Int, Int)]] = plots.map { plot in
    let n = plot.stages.count
    return (0..<n).flatMap { i in ((i + 1)..<n).map { (i, $0) } }
  }

  /// The sentence of `plot` for one actor, stage, description and thing.
  static func sentence(
    _ plot: Plot, actor: String, stage: String, description: String, thing: String
  ) -> [String] {
    plot.template.map {
      switch $0 {
      case "{a}": return actor
      case "{s}": return stage
      case "{d}": return description
      case "{t}": return thing
      default: return $0
      }
    }
  }

  /// `count` stories; topic, actor, thing, description and the pair of stages (one of the
  /// pairs `i < j`) are each chosen uniformly, in that order.
  public static func generate(count: Int, using generator: inout SplitMix64) -> [Story] {
    (0..<count).map { _ in
      let topic = generator.index(plots.count)
      let plot = plots[topic]
      let actor = plot.actors[generator.index(plot.actors.count)]
      let thing = plot.things[generator.index(plot.things.count)]
      let description = plot.descriptions[generator.index(plot.descriptions.count)]
      let pairs = stagePairs[topic]
      let (i, j) = pairs[generator.index(pairs.count)]
      return Story(
        first: sentence(
          plot, actor: actor, stage: plot.stages[i], description: description, thing: thing),
        second: sentence(
          plot, actor: actor, stage: plot.stages[j], description: description, thing: thing),
        topic: topic, stages: (i, j))
    }
  }
}
