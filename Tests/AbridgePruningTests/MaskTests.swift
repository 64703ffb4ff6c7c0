import Testing
@testable import AbridgePruning

@Suite struct MaskTests {
    @Test func twoOfFourAlongRows() throws {
        // One row of 8 along the reduction axis (Gemm transB=1 weight [1, 8]): groups [0..4), [4..8).
        let w: [Float] = [0.1, -0.9, 0.3, 0.2, 5, -4, 0.01, 3]
        let keep = try MagnitudeMask.nOfM(w, dims: [1, 8], axis: 1, n: 2, m: 4, name: "w")
        #expect(keep == [false, true, true, false, true, true, false, false])
    }

    @Test func twoOfFourAlongConvChannels() throws {
        // Conv weight [M=1, C=4, 1, 2]: groups run along C for each kernel position.
        // Element (c, k) at c*2 + k. Position k=0: c values 1, 2, 3, 4 -> keep c=2,3.
        // Position k=1: -8, 1, 0, 7 -> keep c=0,3.
        let w: [Float] = [1, -8, 2, 1, 3, 0, 4, 7]
        let keep = try MagnitudeMask.nOfM(w, dims: [1, 4, 1, 2], axis: 1, n: 2, m: 4, name: "w")
        #expect(keep == [false, true, false, false, true, false, true, true])
    }

    @Test func nOfMAlongColumnsOfKxN() throws {
        // MatMul weight [K=4, N=2]; groups run down each column.
        let w: [Float] = [1, 10, 2, 20, 3, 30, 4, -40]
        let keep = try MagnitudeMask.nOfM(w, dims: [4, 2], axis: 0, n: 1, m: 2, name: "w")
        #expect(keep == [false, false, true, true, false, false, true, true])
    }

    @Test func nOfMRefusesLengthNotMultiple() {
        #expect(throws: PruningError.self) {
            _ = try MagnitudeMask.nOfM([1, 2, 3], dims: [1, 3], axis: 1, n: 2, m: 4, name: "w")
        }
    }

    @Test func perLayerThresholdPrunesEachTensorEqually() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [100, 200, 300, 400]
        let keeps = MagnitudeMask.unstructured([a, b], sparsity: 0.5, global: false)
        #expect(keeps[0] == [false, false, true, true])
        #expect(keeps[1] == [false, false, true, true])
    }

    @Test func globalThresholdPrunesTheSmallestAcrossTensors() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [100, 200, 300, 400]
        let keeps = MagnitudeMask.unstructured([a, b], sparsity: 0.5, global: true)
        #expect(keeps[0] == [false, false, false, false])
        #expect(keeps[1] == [true, true, true, true])
    }

    @Test func perOutputPrunesEachColumnOfKxN() {
        // W [K=4, N=2] row-major: column 0 = [1, -8, 3, 0.5], column 1 = [100, 200, -300, 400].
        // 50% per output: column 0 loses 0.5 and 1; column 1 loses 100 and 200 (a per-layer
        // threshold would instead empty column 0 but for -8).
        let w: [Float] = [1, 100, -8, 200, 3, -300, 0.5, 400]
        let keep = MagnitudeMask.perOutput(w, dims: [4, 2], outputAxis: 1, sparsity: 0.5)
        #expect(keep == [false, false, true, false, true, true, false, true])
        // Conv [M=2, C=1, 1, 2]: output channel 0 = [3, -1], channel 1 = [0.1, 0.2].
        let c = MagnitudeMask.perOutput([3, -1, 0.1, 0.2], dims: [2, 1, 1, 2], outputAxis: 0, sparsity: 0.5)
        #expect(c == [true, false, false, true])
    }

    @Test func exactCountWithTies() {
        let keeps = MagnitudeMask.unstructured([[1, 1, 1, 1, 1]], sparsity: 0.4, global: false)
        #expect(keeps[0].filter { !$0 }.count == 2)
        #expect(keeps[0] == [false, false, true, true, true])
    }

    @Test func patternParsing() throws {
        #expect(try PruningPattern(parsing: "2:4") == .nOfM(n: 2, m: 4))
        #expect(try PruningPattern(parsing: "channels") == .channels)
        #expect(throws: PruningError.self) { _ = try PruningPattern(parsing: "4:4") }
        #expect(throws: PruningError.self) { _ = try PruningPattern(parsing: "half") }
    }
}
