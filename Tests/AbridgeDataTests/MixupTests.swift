import AbridgeIR
import AbridgeRuntime
import Foundation
import Testing
@testable import AbridgeData

@Suite("Mixup blends")
struct MixupTests {
    /// 5 samples of 3 features each, sample i = [i, 10 i, -i].
    static var samples: RuntimeTensor { RuntimeTensor(floats: (0..<5).flatMap { i in [Float(i), Float(10 * i), Float(-i)] }, shape: [5, 3]) }

    @Test func everyBlendMixesItsSampleWithAPermutedPartnerAtWeightAtMostMax() throws {
        // One-hot samples e_0...e_4: blend (1 − w)·e_i + w·e_j shows i, j and w exactly.
        let n = 5
        let eye = RuntimeTensor(floats: (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 }, shape: [n, n])
        var rng = SplitMix64(seed: 7)
        let out = try Mixup.blends(of: ["x": eye], copies: 3, maxWeight: 0.5, using: &rng)
        let b = try #require(out["x"])
        #expect(b.shape == [3 * n, n])
        let v = b.elements(as: Float.self)
        for round in 0..<3 {
            var partners: [Int] = []
            for i in 0..<n {
                let row = Array(v[((round * n + i) * n)..<((round * n + i + 1) * n)])
                #expect(abs(row.reduce(0, +) - 1) < 1e-6)                  // a convex combination
                let others = (0..<n).filter { $0 != i && row[$0] != 0 }
                #expect(others.count <= 1)                                   // of e_i and one e_j
                let j = others.first ?? i
                #expect(row[i] >= 0.5 - 1e-6 || j == i)                      // w = row[j] ≤ 0.5
                if j != i { #expect(row[j] <= 0.5 + 1e-6 && abs(row[i] + row[j] - 1) < 1e-6) }
                partners.append(j)
            }
            // Each round's partners are one permutation of the samples (a blend with itself is e_i).
            let distinct = Set(partners.enumerated().filter { $0.element != $0.offset }.map(\.element))
            #expect(distinct.count == partners.enumerated().filter { $0.element != $0.offset }.count, "round \(round): \(partners)")
        }
        // The same seed gives the same blends.
        var again = SplitMix64(seed: 7)
        #expect(try Mixup.blends(of: ["x": eye], copies: 3, maxWeight: 0.5, using: &again)["x"]?.elements(as: Float.self) == v)
        var zero = SplitMix64(seed: 7)
        #expect(try Mixup.blends(of: ["x": eye], copies: 0, using: &zero)["x"]?.shape == [0, n])
    }

    @Test func inputsOfOneSampleShareWeightAndPartner() throws {
        // y = 2x for every sample, so every blend must keep y = 2x.
        let y = RuntimeTensor(floats: Self.samples.elements(as: Float.self).map { 2 * $0 }, shape: [5, 3])
        var rng = SplitMix64(seed: 1)
        let out = try Mixup.blends(of: ["x": Self.samples, "y": y], copies: 3, using: &rng)
        let bx = try #require(out["x"]).elements(as: Float.self), by = try #require(out["y"]).elements(as: Float.self)
        #expect(zip(bx, by).allSatisfy { abs(2 * $0 - $1) < 1e-4 })
    }

    @Test func aNonFiniteSampleIsNobodysPartner() throws {
        var x = Self.samples.elements(as: Float.self)
        x[3 * 2 + 1] = .nan   // sample 2
        var rng = SplitMix64(seed: 3)
        let b = try #require(Mixup.blends(of: ["x": RuntimeTensor(floats: x, shape: [5, 3])], copies: 4, using: &rng)["x"])
            .elements(as: Float.self)
        for k in 0..<20 {
            let blend = b[(3 * k)..<(3 * k + 3)]
            // Only sample 2's own blends hold a NaN.
            #expect(blend.contains { $0.isNaN } == (k % 5 == 2), "blend \(k)")
        }
    }

    @Test func integerInputsAndSingleSamplesAreRefused() {
        let ids = RuntimeTensor(int64s: [1, 2, 3, 4], shape: [2, 2])
        #expect(Mixup.unsupportedReason(["input_ids": ids])?.contains("'input_ids'") == true)
        #expect(Mixup.unsupportedReason(["x": RuntimeTensor(floats: [1, 2], shape: [1, 2])]) != nil)
        var rng = SplitMix64(seed: 0)
        #expect(throws: DataError.self) { _ = try Mixup.blends(of: ["input_ids": ids], copies: 1, using: &rng) }
    }

    @Test func dataSetKeepsTheFirstSamplesThenAppendsBlends() throws {
        let bytes = Self.samples.elements(as: Float.self).withUnsafeBytes { Array($0) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("abridge-mixup-\(UUID().uuidString).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        try NPZWriter.write(["x": try NumPyArray(dtype: .float32, shape: [5, 3], data: bytes)], to: url)
        let input = Value(name: "x", type: .tensor(.float, shape: Shape([-1, 3])))
        let data = try DataSet(path: url.path, inputs: [input])
        #expect(data.mixupUnsupportedReason == nil)
        let wide = try data.withMixupBlends(copies: 3, limit: 4)
        #expect(wide.count == 16)
        #expect(wide.labels == nil)
        let first = try #require(wide.feed(0..<4)["x"]?.tensor).elements(as: Float.self)
        #expect(first == Array(Self.samples.elements(as: Float.self).prefix(12)))
        // Blends of the first 4 samples only: the first feature stays within [0, 3].
        let blends = try #require(wide.feed(4..<16)["x"]?.tensor).elements(as: Float.self)
        #expect(stride(from: 0, to: blends.count, by: 3).allSatisfy { (0...3).contains(blends[$0]) })
    }
}
