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

    @Test func groupSelectionKeepsTheGroupsThatExplainY() throws {
        // Four channels of two columns each; Y depends only on channels 1 and 3 (exactly), so
        // keeping 2 of 4 must keep {1, 3}: any other choice leaves a positive residual.
        let n = 40, d = 8
        let xs = pseudoRandom(n * d, seed: 11).map(Double.init)
        var y: [Double] = []
        for r in 0..<n {
            let x = Array(xs[(r * d)..<((r + 1) * d)])
            y += [x[2] - 0.5 * x[3] + 2 * x[6], 0.25 * x[2] + x[7]]
        }
        var acc = RidgeAccumulator(inputs: d, outputs: 2)
        try acc.add(x: xs, y: y, rows: n)
        let groups = (0..<4).map { [2 * $0, 2 * $0 + 1] }
        #expect(acc.selectGroups(groups, keep: 2, ridge: 0, unregularized: nil) == [1, 3])
        #expect(acc.selectGroups(groups, keep: 4, ridge: 0, unregularized: nil) == [0, 1, 2, 3])
        // The refit on the kept columns from the restricted sums is exact.
        let r = acc.restricted(to: [2, 3, 6, 7])
        let sol = r.solve(ridge: 0, support: { _ in nil })
        let w0 = try #require(sol.weights[0])
        for (a, b) in zip(w0, [1.0, -0.5, 2, 0]) { #expect(abs(a - b) < 1e-6) }
        #expect(r.residual(w0, output: 0) < 1e-9)
    }

    @Test func groupSelectionPrefersTheRedundantCopy() throws {
        // Column 1 is a copy of column 0 and Y = 3·x0 + x2: removing either copy costs nothing,
        // removing column 2 does, so keeping 2 of 3 single-column groups keeps column 2.
        let n = 30
        let base = pseudoRandom(n * 2, seed: 5).map(Double.init)
        var xs: [Double] = [], y: [Double] = []
        for r in 0..<n {
            let a = base[2 * r], c = base[2 * r + 1]
            xs += [a, a, c]
            y.append(3 * a + c)
        }
        var acc = RidgeAccumulator(inputs: 3, outputs: 1)
        try acc.add(x: xs, y: y, rows: n)
        let kept = try #require(acc.selectGroups([[0], [1], [2]], keep: 2, ridge: 1e-6, unregularized: nil))
        #expect(kept.contains(2) && kept.count == 2)
    }
}
