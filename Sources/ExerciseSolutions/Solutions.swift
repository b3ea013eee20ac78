import Exercises
import Foundation

/// Model answers to every exercise, for teachers. Remove this module before handing the
/// exercises out; the checker does not need it.
public enum Solutions {
  public static var implementations: Implementations {
    var f = Implementations()
    f.countVector = { tokens, vocabulary in vocabulary.map { w in tokens.filter { $0 == w }.count }
    }
    f.f1Score = { predicted, actual in
      let tp = Double(zip(predicted, actual).filter { $0 == 1 && $1 == 1 }.count)
      let fp = Double(zip(predicted, actual).filter { $0 == 1 && $1 != 1 }.count)
      let fn = Double(zip(predicted, actual).filter { $0 != 1 && $1 == 1 }.count)
      let p = tp + fp == 0 ? 0 : tp / (tp + fp)
      let r = tp + fn == 0 ? 0 : tp / (tp + fn)
      return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
    f.sigmoidCrossEntropy = { z, y in max(z, 0) - z * y + log1p(exp(-abs(z))) }
    f.bigramCounts = { sentences in
      var counts: [String: [String: Int]] = [:]
      for sentence in sentences {
        let padded = ["<s>"] + sentence + ["</s>"]
        for i in 1..<padded.count {
          counts[padded[i - 1], default: [:]][padded[i], default: 0] += 1
        }
      }
      return counts
    }
    f.addKProbability = { c, total, k, v in (Double(c) + k) / (Double(total) + k * Double(v)) }
    f.perplexity = { p in exp(-p.map { log($0) }.reduce(0, +) / Double(p.count)) }
    f.rnnStep = { x, h, wIH, wHH, b in
      (0..<b.count).map { i in
        var a = b[i]
        for j in x.indices { a += wIH[i][j] * x[j] }
        for j in h.indices { a += wHH[i][j] * h[j] }
        return Float(tanh(Double(a)))
      }
    }
    f.tanhBackward = { y, g in zip(y, g).map { $1 * (1 - $0 * $0) } }
    f.softmaxBackward = { y, g in
      let dot = zip(y, g).map { $0 * $1 }.reduce(0, +)
      return zip(y, g).map { $0 * ($1 - dot) }
    }
    f.attention = { q, k, v, causal in
      let scale = 1 / Float(q[0].count).squareRoot()
      return q.indices.map { r in
        var scores = k.indices.map { c in zip(q[r], k[c]).map { $0 * $1 }.reduce(0, +) * scale }
        if causal { for c in scores.indices where c > r { scores[c] = -.infinity } }
        let top = scores.max()!
        let e = scores.map { Float(exp(Double($0 - top))) }
        let total = e.reduce(0, +)
        return (0..<v[0].count).map { j in v.indices.map { e[$0] / total * v[$0][j] }.reduce(0, +) }
      }
    }
    f.causalMask = { n in (0..<n).map { r in (0..<n).map { c in c > r } } }
    f.sinusoidalCode = { p, d in
      (0..<d).map { i in
        let angle = Double(p) / pow(10_000, Double(i - i % 2) / Double(d))
        return Float(i % 2 == 0 ? sin(angle) : cos(angle))
      }
    }
    f.spanMask = { tokens, spans in
      var result: [String] = []
      var i = 0
      for span in spans {
        result += tokens[i..<span.start]
        result.append("[MASK]")
        i = span.start + span.length
      }
      return result + tokens[i...]
    }
    f.sequenceLoss = { p in -p.map { log($0) }.reduce(0, +) }
    f.rotate = { tokens, start in Array(tokens[start...] + tokens[..<start]) }
    f.embeddingParameters = { v, e, h in e == h ? v * h : v * e + e * h + h }
    f.layerParameters = { h, ff in 4 * (h * h + h) + (h * ff + ff) + (ff * h + h) + 4 * h }
    f.layerwiseRates = { base, decay, n in (0..<n).map { base * pow(decay, Double(n - 1 - $0)) } }
    f.sentenceOrderExample = { first, second, swapped in
      let (a, b) = swapped ? (second, first) : (first, second)
      let tokens = ["[CLS]"] + a + ["[SEP]"] + b + ["[SEP]"]
      let segments = tokens.indices.map { $0 <= a.count + 1 ? 0 : 1 }
      return (tokens, segments, swapped ? 0 : 1)
    }
    return f
  }
}
