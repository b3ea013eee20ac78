/// The functions a student writes, one per exercise: each returns `nil` until it is
/// written ("not attempted yet").
///
/// The student's answers (`Attempts`, in `Lessons/Exercises/Attempts/`) and the model
/// answers (`Solutions`) conform to it, and no requirement has a default implementation, so
/// the compiler checks every signature: an answer written with other types is an error that
/// names the function, not a function the checker never calls. The checkers (`allExercises`)
/// call whichever answers they are given.
///
/// Each lesson's requirements are a protocol of their own, in the lesson's file of
/// `Checks/` beside its checkers and its `NoAnswers` stubs. So adding an exercise touches
/// three places: that file (the requirement, the stub returning `nil`, the checker);
/// `Sources/ExerciseSolutions/Solutions.swift` (the model answer in `Solutions` and a
/// plausible mistake in `PlantedMistakes`, which the checker must catch); and
/// `Lessons/Exercises/Attempts/Attempts.swift` (the student's stub, returning `nil`).
public typealias ExerciseAnswers =
  BagOfWordsAnswers & NGramsAnswers & RecurrentNetworkAnswers & AttentionAnswers & GPTAnswers
  & DenoisingAnswers & ALBERTAnswers

/// No answers at all: every exercise is "not attempted" (the stubs a student starts from).
/// Each lesson's stubs are in its file of `Checks/`.
public struct NoAnswers: ExerciseAnswers {
  public init() {}
}
