import Foundation
import LanguageModels
import NeuralNetwork
import TensorCore
import TextData

/// Every exercise of the course, in teaching order, checking the functions of `answers`;
/// each lesson's checkers are in its own file of `Checks/`.
public func allExercises(_ answers: some ExerciseAnswers) -> [Exercise] {
  bagOfWordsExercises(answers) + nGramsExercises(answers) + recurrentExercises(answers)
    + attentionExercises(answers) + gptExercises(answers) + denoisingExercises(answers)
    + albertExercises(answers)
}
