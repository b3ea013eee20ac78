// A two-layer network learns XOR with nothing but tensors and autograd.
//
//     swift run -c release xor
//
// XOR is the classic function a single linear layer cannot represent: no straight line
// separates {(0,1), (1,0)} from {(0,0), (1,1)}. A hidden layer of tanh units bends the
// space so that one can.
import Foundation
import Notebook
import TensorCore

PlainCommand.handle(
  name: "xor",
  about: "Trains a two-layer network on XOR with tensors and autograd alone and prints the loss\n"
    + "every 100 steps and the four predictions. Its source is a short read:\n"
    + "Lessons/Examples/XOR/main.swift.")

var generator = SplitMix64(seed: 0)
let inputs = Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
let targets = Tensor([[0], [1], [1], [0]])

// Parameters: 2 → 8 hidden units → 1 logit.
let w1 = Tensor.xavierUniform([2, 8], requiresGrad: true, using: &generator)
let b1 = Tensor.zeros([8], requiresGrad: true)
let w2 = Tensor.xavierUniform([8, 1], requiresGrad: true, using: &generator)
let b2 = Tensor.zeros([1], requiresGrad: true)
let parameters = [w1, b1, w2, b2]
let learningRate: Float = 0.5

for step in 0...500 {
  let hidden = (matmul(inputs, w1) + b1).tanh()
  let logits = matmul(hidden, w2) + b2
  let loss = Tensor.binaryCrossEntropyWithLogits(logits, targets)
  for p in parameters { p.zeroGrad() }
  loss.backward()
  // Plain gradient descent: p ← p − lr · ∂loss/∂p.
  for p in parameters {
    let g = p.grad!.scalars
    p.withUnsafeMutableBufferPointer { values in
      for i in values.indices { values[i] -= learningRate * g[i] }
    }
  }
  if step % 100 == 0 {
    Console.print("step \(step)  loss \(String(format: "%.4f", loss.item))")
  }
}

let probabilities = withNoGrad {
  (matmul((matmul(inputs, w1) + b1).tanh(), w2) + b2).sigmoid()
}
Console.print("P(xor = 1) for 00, 01, 10, 11:")
Console.print("\(probabilities)")
