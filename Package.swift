// swift-tools-version:6.0
// The manifest of a course on language models: six lessons built on a small tensor library.
// There are no package dependencies: the toolchain's Foundation, Dispatch and test
// frameworks are all we use.
import Foundation
import PackageDescription

/// Compiler settings shared by every target.
///
/// Numeric loops are what this package spends its time in, so release builds skip
/// exclusivity checks, and on an x86-64 host whose processor has AVX2, FMA and BMI2 the code is
/// generated for that level (`haswell`: AVX2, FMA, BMI): the matrix kernels run about twice as fast. The
/// check reads the build host's `/proc/cpuinfo`, so the package still builds everywhere
/// else (Apple silicon, older x86) with portable code. `LM_PORTABLE=1` turns the CPU
/// target off.
let hostHasAVX2FMA: Bool = {
  #if arch(x86_64) && os(Linux)
    if ProcessInfo.processInfo.environment["LM_PORTABLE"] == "1" { return false }
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let flags = Set(flagsLine.split(separator: " ").map(String.init))
    return ["avx2", "fma", "bmi2", "f16c", "movbe"].allSatisfy(flags.contains)
  #else
    return false
  #endif
}()

let swiftSettings: [SwiftSetting] =
  [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
  ]
  + (hostHasAVX2FMA
    ? [
      .unsafeFlags(["-target-cpu", "haswell"]),
      .define("FUSED_MULTIPLY_ADD"),
    ] : [])

/// What every lesson may import.
let lessonDependencies: [Target.Dependency] = [
  "TensorCore", "NeuralNetwork", "Optimizers", "Notebook", "TextData", "LanguageModels",
]

let package = Package(
  name: "LanguageModelsCourse",
  products: [
    .library(name: "TensorCore", targets: ["TensorCore"]),
    .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
    .library(name: "Optimizers", targets: ["Optimizers"]),
    .library(name: "Notebook", targets: ["Notebook"]),
    .library(name: "TextData", targets: ["TextData"]),
    .library(name: "LanguageModels", targets: ["LanguageModels"]),
  ],
  targets: [
    .target(name: "TensorCore", swiftSettings: swiftSettings),
    .target(name: "NeuralNetwork", dependencies: ["TensorCore"], swiftSettings: swiftSettings),
    .target(
      name: "Optimizers", dependencies: ["TensorCore", "NeuralNetwork"],
      swiftSettings: swiftSettings),
    .target(name: "Notebook", dependencies: ["TensorCore"], swiftSettings: swiftSettings),
    .target(name: "TextData", dependencies: ["TensorCore"], swiftSettings: swiftSettings),
    .target(
      name: "LanguageModels",
      dependencies: ["TensorCore", "NeuralNetwork", "Optimizers", "TextData"],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "lessons", dependencies: ["Notebook"], path: "Lessons/Catalog",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "tour", dependencies: ["TensorCore", "NeuralNetwork", "Optimizers", "Notebook"],
      path: "Lessons/0-Tour", swiftSettings: swiftSettings),
    .executableTarget(
      name: "bag-of-words", dependencies: lessonDependencies, path: "Lessons/1-BagOfWords",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "ngrams", dependencies: lessonDependencies, path: "Lessons/2-NGrams",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "rnn", dependencies: lessonDependencies, path: "Lessons/3-RNN",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "attention", dependencies: lessonDependencies, path: "Lessons/4-Attention",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "denoising", dependencies: lessonDependencies, path: "Lessons/5-Denoising",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "albert", dependencies: lessonDependencies, path: "Lessons/6-ALBERT",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "bench", dependencies: ["TensorCore", "NeuralNetwork", "Optimizers", "Notebook"],
      path: "Sources/Benchmark", swiftSettings: swiftSettings),
    .target(
      name: "Exercises",
      dependencies: ["TensorCore", "NeuralNetwork", "TextData", "LanguageModels"],
      swiftSettings: swiftSettings),
    .target(
      name: "ExerciseSolutions", dependencies: ["Exercises", "TensorCore"],
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "exercises", dependencies: ["Exercises", "Notebook"], path: "Lessons/Exercises",
      swiftSettings: swiftSettings),
    .executableTarget(
      name: "xor", dependencies: ["TensorCore", "Notebook"], path: "Lessons/Examples/XOR",
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TensorCoreTests", dependencies: ["TensorCore"], swiftSettings: swiftSettings),
    .testTarget(
      name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "Optimizers"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "NotebookTests", dependencies: ["Notebook", "TensorCore"], swiftSettings: swiftSettings),
    .testTarget(
      name: "TextDataTests", dependencies: ["TextData", "TensorCore"], swiftSettings: swiftSettings),
    .testTarget(
      name: "LanguageModelsTests",
      dependencies: ["LanguageModels", "TextData", "TensorCore", "NeuralNetwork", "Optimizers"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "ExercisesTests", dependencies: ["Exercises", "ExerciseSolutions", "TensorCore"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "OptimizersTests", dependencies: ["Optimizers", "NeuralNetwork"],
      swiftSettings: swiftSettings),
  ]
)
