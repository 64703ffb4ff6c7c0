/// Solves symmetric positive-definite systems `A x = b` by Cholesky decomposition `A = L Lᵀ`
/// (L lower triangular), in Double, then forward substitution `L y = b` and back substitution
/// `Lᵀ x = y` (Golub & Van Loan, *Matrix Computations*, 4th ed., Algorithm 4.2.1).
///
/// Cost: `n³/3` multiply-adds to factor, `n²` per right-hand side. The sizes here (a layer's
/// inputs, at most a few thousand) make a plain loop fast enough.
public struct Cholesky {
    /// Order of the system.
    public let n: Int
    /// `L`, row-major `[n, n]`; the strict upper triangle is zero.
    public private(set) var lower: [Double]

    /// Factors `a` (row-major `[n, n]`, symmetric; only the lower triangle is read).
    /// - Returns: nil when `a` is not (numerically) positive definite: a pivot `<= 0` or not finite.
    public init?(_ a: [Double], n: Int) {
        guard n >= 0, a.count == n * n else { return nil }
        self.n = n
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let ljj = d.squareRoot()
            l[j * n + j] = ljj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / ljj
            }
        }
        lower = l
    }

    /// Solves `A x = b` for one right-hand side `b` (length `n`).
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == n, "right-hand side length")
        var y = b
        for i in 0..<n {
            var s = y[i]
            for k in 0..<i { s -= lower[i * n + k] * y[k] }
            y[i] = s / lower[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(i + 1, n) { s -= lower[k * n + i] * y[k] }
            y[i] = s / lower[i * n + i]
        }
        return y
    }
}
