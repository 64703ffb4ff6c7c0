import Testing
@testable import AbridgePruning

@Suite struct SolverTests {
    @Test func cholesky2x2() throws {
        // [4 2; 2 3] x = [2; 1]  ->  det 8, x = [ (2*3 - 2*1)/8, (4*1 - 2*2)/8 ] = [0.5, 0].
        let c = try #require(Cholesky([4, 2, 2, 3], n: 2))
        let x = c.solve([2, 1])
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        // L = [2 0; 1 sqrt(2)].
        #expect(abs(c.lower[0] - 2) < 1e-12 && abs(c.lower[2] - 1) < 1e-12 && abs(c.lower[3] - 2.0.squareRoot()) < 1e-12)
    }

    @Test func cholesky3x3() throws {
        // A = [4 12 -16; 12 37 -43; -16 -43 98] = L Lᵀ with L = [2 0 0; 6 1 0; -8 5 3]
        // (the classic example). With x = [1, 2, 3]: b = A x = [-20, -43, 192].
        let c = try #require(Cholesky([4, 12, -16, 12, 37, -43, -16, -43, 98], n: 3))
        #expect(c.lower.map { ($0 * 1e9).rounded() / 1e9 } == [2, 0, 0, 6, 1, 0, -8, 5, 3])
        let x = c.solve([-20, -43, 192])
        for (a, b) in zip(x, [1.0, 2, 3]) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func choleskyRejectsIndefinite() {
        #expect(Cholesky([1, 2, 2, 1], n: 2) == nil)
    }

    @Test func ridgeRecoversExactWeightsWithFullRankX() throws {
        // Y = X Wᵀ + b with W [2, 3], b [2]; 20 rows of X in general position.
        let w: [[Double]] = [[0.5, -1, 2], [3, 0.25, -0.75]]
        let b: [Double] = [0.1, -2]
        let xs = pseudoRandom(60, seed: 7).map(Double.init)
        var acc = RidgeAccumulator(inputs: 4, outputs: 2)
        var x: [Double] = [], y: [Double] = []
        for r in 0..<20 {
            let row = Array(xs[(r * 3)..<(r * 3 + 3)])
            x += row + [1]
            for o in 0..<2 { y.append(zip(row, w[o]).map(*).reduce(0, +) + b[o]) }
        }
        try acc.add(x: Array(x[..<40]), y: Array(y[..<20]), rows: 10)   // two batches
        try acc.add(x: Array(x[40...]), y: Array(y[20...]), rows: 10)
        let sol = acc.solve(ridge: 0, support: { _ in nil }, unregularized: 3)
        for o in 0..<2 {
            let row = try #require(sol.weights[o])
            for i in 0..<3 { #expect(abs(row[i] - w[o][i]) < 1e-6) }
            #expect(abs(row[3] - b[o]) < 1e-6)
            #expect(acc.residual(row, output: o) < 1e-9)
        }
    }

    @Test func ridgeOnSupportKeepsZerosOutside() throws {
        var acc = RidgeAccumulator(inputs: 3, outputs: 1)
        let xs = pseudoRandom(30, seed: 3).map(Double.init)
        let y = (0..<10).map { 2 * xs[$0 * 3] - xs[$0 * 3 + 2] }
        try acc.add(x: xs, y: y, rows: 10)
        let sol = acc.solve(ridge: 0, support: { _ in [0, 2] })
        let row = try #require(sol.weights[0])
        #expect(row[1] == 0)
        #expect(abs(row[0] - 2) < 1e-6 && abs(row[2] + 1) < 1e-6)
    }
}
