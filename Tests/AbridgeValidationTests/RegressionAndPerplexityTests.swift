import Foundation
import Testing
@testable import AbridgeValidation

/// MAE/MSE by hand; perplexity against numpy 2.4 (log-softmax written out) and the uniform case.
struct RegressionAndPerplexityTests {
    @Test func meanAbsoluteAndSquaredError() throws {
        // errors 0.5, -1, 2 -> MAE = 3.5/3, MSE = (0.25 + 1 + 4)/3 = 1.75
        var r = RegressionErrors()
        r.add(predictions: [1.5, 2, 5] as [Float], targets: [1, 3, 3] as [Float])
        #expect(abs(try #require(r.meanAbsoluteError.value) - 3.5 / 3) < 1e-12)
        #expect(abs(try #require(r.meanSquaredError.value) - 1.75) < 1e-12)
        #expect(RegressionErrors().meanSquaredError.value == nil)
    }

    static func perplexity(_ logits: [Float], vocabulary: Int, labels: [Int64]) throws -> PerplexityAccumulator {
        var p = PerplexityAccumulator()
        try logits.withUnsafeBufferPointer { try p.add(logits: $0, vocabulary: vocabulary, labels: labels) }
        return p
    }

    @Test func uniformLogitsGiveTheVocabularySize() throws {
        // softmax of equal logits is 1/V at every position, so PPL = exp(log V) = V.
        let v = 256
        let p = try Self.perplexity([Float](repeating: 0.25, count: 4 * v), vocabulary: v, labels: [0, 17, 255, 3])
        #expect(abs(try #require(p.perplexity.value) - 256) < 1e-9)
    }

    @Test func ignoredPositionsAreSkipped() throws {
        // numpy: z = [[1,2,3],[1,1,1]]; ls = z - log(exp(z).sum(1, keepdims=True)); exp(-ls[0,2])
        // -> 1.5032147244080547 (the second position has label -100 and is ignored).
        let p = try Self.perplexity([1, 2, 3, 1, 1, 1], vocabulary: 3, labels: [2, -100])
        #expect(p.tokens == 1 && p.ignored == 1)
        #expect(abs(try #require(p.perplexity.value) - 1.5032147244080547) < 1e-12)
    }

    @Test func perplexityMatchesNumpy() throws {
        // numpy: z2 = [[0.5,-1,2,0],[3,0,0,1],[0,0,0,0]], labels [2,1,3];
        // exp(-mean(log_softmax(z2)[i, labels[i]])) -> 5.189032112383404
        let p = try Self.perplexity([0.5, -1, 2, 0, 3, 0, 0, 1, 0, 0, 0, 0], vocabulary: 4, labels: [2, 1, 3])
        #expect(abs(try #require(p.perplexity.value) - 5.189032112383404) < 1e-9)
    }

    @Test func allIgnoredIsUndefinedAndBadLabelsThrow() throws {
        let p = try Self.perplexity([0, 0], vocabulary: 2, labels: [-100])
        #expect(p.perplexity.value == nil && p.perplexity.reason != nil)
        #expect(throws: ComparisonError.self) { _ = try Self.perplexity([0, 0], vocabulary: 2, labels: [2]) }
    }
}
