/// Numpy (multidirectional) broadcasting for the element-wise training kernels
/// (ONNX "Broadcasting in ONNX": shapes aligned at the right, a dimension 1 stretches).
enum BroadcastShapes {
    /// The broadcast shape of `a` and `b`, or nil when they do not broadcast.
    static func result(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            guard da == db || da == 1 || db == 1 else { return nil }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Element strides of `shape` seen through `out` (rank of `out`): 0 on broadcast axes.
    static func strides(of shape: [Int], in out: [Int]) -> [Int] {
        let r = out.count
        var strides = [Int](repeating: 0, count: r)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let axis = i + r - shape.count
            strides[axis] = shape[i] == 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// Calls `body(o, ia, ib)` for every element `o` of `out` (row-major) with the offsets of the
    /// elements of `a` and `b` it reads.
    static func forEach(out: [Int], a: [Int], b: [Int], _ body: (Int, Int, Int) -> Void) {
        let total = out.reduce(1, *)
        guard total > 0 else { return }
        let r = out.count
        if r == 0 { body(0, 0, 0); return }
        let sa = strides(of: a, in: out), sb = strides(of: b, in: out)
        var index = [Int](repeating: 0, count: r)
        var ia = 0, ib = 0
        let last = out[r - 1], la = sa[r - 1], lb = sb[r - 1]
        var o = 0
        while o < total {
            for j in 0..<last { body(o + j, ia + j * la, ib + j * lb) }
            o += last
            var axis = r - 2
            while axis >= 0 {
                index[axis] += 1
                ia += sa[axis]; ib += sb[axis]
                if index[axis] < out[axis] { break }
                ia -= sa[axis] * out[axis]; ib -= sb[axis] * out[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Sums `grad` (shape `out`) down to `shape` (the adjoint of broadcasting `shape` to `out`).
    static func reduce(_ grad: [Float], out: [Int], to shape: [Int]) -> [Float] {
        if shape == out { return grad }
        var result = [Float](repeating: 0, count: shape.reduce(1, *))
        forEach(out: out, a: shape, b: []) { o, ia, _ in result[ia] += grad[o] }
        return result
    }

    /// `values` (shape `shape`) repeated to `out`.
    static func expand(_ values: [Float], from shape: [Int], to out: [Int]) -> [Float] {
        if shape == out { return values }
        var result = [Float](repeating: 0, count: out.reduce(1, *))
        forEach(out: out, a: shape, b: []) { o, ia, _ in result[o] = values[ia] }
        return result
    }
}
