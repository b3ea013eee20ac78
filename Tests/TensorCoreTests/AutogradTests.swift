import Foundation
import Testing

@testable import TensorCore

struct AutogradTests {
  @Test func aTensorUsedTwiceGetsBothContributions() {
    // y = x·x + x  ⇒  dy/dx = 2x + 1.
    let x = Tensor([3], shape: [1], requiresGrad: true)
    let y = x * x + x
    y.sum().backward()
    #expect(x.grad?.scalars == [7])
  }

  @Test func gradientsAccumulateUntilZeroed() {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    #expect(x.grad?.scalars == [6, 6])
    x.zeroGrad()
    #expect(x.grad == nil)
    (x * x).sum().backward()
    #expect(x.grad?.scalars == [2, 4])
  }

  @Test func backwardFromAnUpstreamGradient() {
    let x = Tensor([1, 2, 3], shape: [3], requiresGrad: true)
    let y = x * 2
    y.backward(Tensor([1, 10, 100], shape: [3]))
    #expect(x.grad?.scalars == [2, 20, 200])
  }

  @Test func noGradRecordsNothing() {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let y = withNoGrad { x * 2 }
    #expect(!y.requiresGrad)
    #expect(y.operationName == nil)
    #expect(GradMode.isEnabled)
    let z = x * 2
    #expect(z.requiresGrad)
    #expect(z.operationName == "mul")
  }

  @Test func detachedStopsGradients() {
    let x = Tensor([2], shape: [1], requiresGrad: true)
    let y = x * x.detached()
    y.sum().backward()
    #expect(x.grad?.scalars == [2])
  }

  @Test func onlyInputsThatRequireGradientsGetThem() {
    let w = Tensor([1, 2], shape: [2], requiresGrad: true)
    let data = Tensor([3, 4], shape: [2])
    (w * data).sum().backward()
    #expect(w.grad?.scalars == [3, 4])
    #expect(data.grad == nil)
  }

  @Test func retainGradKeepsAnIntermediateGradient() {
    let x = Tensor([1, 2], shape: [2], requiresGrad: true)
    let h = x * 2
    h.retainGrad()
    let y = (h * h).sum()
    y.backward()
    #expect(h.grad?.scalars == [4, 8])
    #expect(x.grad?.scalars == [8, 16])
  }

  @Test func aDeepChainDoesNotOverflowTheStack() {
    let x = Tensor([1], shape: [1], requiresGrad: true)
    var y = x
    for _ in 0..<20_000 { y = y * 1.0 }
    y.sum().backward()
    #expect(x.grad?.scalars == [1])
  }

  @Test func sharedSubgraphIsDifferentiatedOnce() {
    // z = (a + b)·(a + b) with the sum computed once: dz/da = 2(a + b).
    let a = Tensor([1], shape: [1], requiresGrad: true)
    let b = Tensor([2], shape: [1], requiresGrad: true)
    let s = a + b
    (s * s).sum().backward()
    #expect(a.grad?.scalars == [6])
    #expect(b.grad?.scalars == [6])
  }

  @Test func gradModeIsPerThread() async {
    // One task evaluating under withNoGrad must not switch recording off for another.
    let recorded = await withTaskGroup(of: Bool.self) { group in
      group.addTask {
        withNoGrad {
          Thread.sleepBriefly()
          return GradMode.isEnabled
        }
      }
      group.addTask {
        Thread.sleepBriefly()
        return Tensor([1], shape: [1], requiresGrad: true).pow(2).requiresGrad
      }
      var results: [Bool] = []
      for await r in group { results.append(r) }
      return results
    }
    #expect(Set(recorded) == [false, true])
  }
}

extension Thread {
  static func sleepBriefly() { Thread.sleep(forTimeInterval: 0.01) }
}
