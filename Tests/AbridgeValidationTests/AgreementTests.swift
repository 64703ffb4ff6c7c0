import Foundation
import Testing
@testable import AbridgeValidation

/// Output agreement against numpy 2.4 and hand calculation.
struct AgreementTests {
    static func agreement(_ x: [Float], _ y: [Float], classes: Int? = nil) -> AgreementAccumulator {
        var a = AgreementAccumulator(classes: classes)
        x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { yb in a.add(original: xb, converted: yb) } }
        return a
    }

    @Test func sqnrOfAKnownSignalAndNoise() throws {
        // signal [3, 4]: power 25; noise [0.3, -0.4]: power 0.25 -> 10 log10(100) = 20 dB.
        let a = Self.agreement([3, 4], [3.3, 3.6])
        #expect(abs(try #require(a.sqnrDecibels.value) - 20) < 1e-5)
        #expect(abs(try #require(a.maxAbsoluteError.value) - 0.4) < 1e-6)
    }

    @Test func sqnrCosineAndMeanErrorMatchNumpy() throws {
        // numpy: x = [1,-2,3,0.5], y = [1.1,-2,2.8,0.5]
        // 10*log10((x**2).sum()/((x-y)**2).sum()) -> 24.548448600085095
        // x@y/norm(x)/norm(y) -> 0.9987790990481443; abs(x-y).mean() -> 0.07500000000000007
        let a = Self.agreement([1, -2, 3, 0.5], [1.1, -2, 2.8, 0.5])
        #expect(abs(try #require(a.sqnrDecibels.value) - 24.548448600085095) < 1e-5)
        #expect(abs(try #require(a.cosineSimilarity.value) - 0.9987790990481443) < 1e-7)
        #expect(abs(try #require(a.meanAbsoluteError.value) - 0.075) < 1e-7)
    }

    @Test func cosineMatchesNumpy() throws {
        // numpy: x = [1,2,3], y = [4,5,6]; x@y/norm(x)/norm(y) -> 0.9746318461970762
        let a = Self.agreement([1, 2, 3], [4, 5, 6])
        #expect(abs(try #require(a.cosineSimilarity.value) - 0.9746318461970762) < 1e-12)
    }

    @Test func streamingEqualsOneShot() throws {
        var a = AgreementAccumulator()
        let x: [Float] = [1, -2, 3, 0.5], y: [Float] = [1.1, -2, 2.8, 0.5]
        x[0..<2].withUnsafeBufferPointer { xb in y[0..<2].withUnsafeBufferPointer { a.add(original: xb, converted: $0) } }
        x[2...].withUnsafeBufferPointer { xb in y[2...].withUnsafeBufferPointer { a.add(original: xb, converted: $0) } }
        #expect(a == Self.agreement(x, y))
    }

    @Test func identicalOutputsHaveUndefinedSQNRWithAReason() {
        let a = Self.agreement([1, 2, 3], [1, 2, 3])
        #expect(a.sqnrDecibels.value == nil)
        #expect(a.sqnrDecibels.reason?.contains("identical") == true)
        #expect(a.cosineSimilarity.value == 1)
        #expect(a.maxAbsoluteError.value == 0)
    }

    @Test func cosineOfAZeroVectorIsUndefined() {
        let a = Self.agreement([0, 0, 0], [1, 2, 3])
        #expect(a.cosineSimilarity.value == nil && a.cosineSimilarity.reason?.contains("zero") == true)
        #expect(a.sqnrDecibels.value == nil)
        let b = Self.agreement([1, 2, 3], [0, 0, 0])
        #expect(b.cosineSimilarity.value == nil)
    }

    @Test func nonFiniteOutputsNeverGiveNaN() {
        let a = Self.agreement([1, .nan, 3], [1, 2, 3])
        for m in [a.sqnrDecibels, a.cosineSimilarity, a.meanAbsoluteError, a.maxAbsoluteError] {
            #expect(m.value == nil && m.reason != nil)
        }
    }

    @Test func topOneAgreementCountsRowsWithTheSameArgmax() {
        // rows (3 classes): argmax 2 vs 2, 0 vs 1, 1 vs 1 (tie in the converted: first wins) -> 2/3
        let a = Self.agreement([0, 1, 5, 9, 1, 1, 0, 3, 1], [0, 1, 5, 1, 9, 1, 0, 3, 3], classes: 3)
        #expect(a.rows == 3 && a.agreeingRows == 2)
        #expect(abs((a.top1Agreement.value ?? 0) - 2.0 / 3.0) < 1e-15)
        #expect(Self.agreement([1], [1]).top1Agreement.value == nil)
    }
}
