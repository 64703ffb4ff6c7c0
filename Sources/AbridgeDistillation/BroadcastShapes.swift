import AbridgeKernels

/// The adjoint of numpy (multidirectional) broadcasting for the training kernels' backward
/// passes (ONNX "Broadcasting in ONNX"); the forward passes use `AbridgeKernels.Broadcast`.
enum BroadcastShapes {
    /// Calls `body(o, ia, ib)` for every element `o` of `out` (row-major) with the offsets of the
    /// elements of `a` and `b` it reads.
    static func forEach(out: [Int], a: [Int], b: [Int], _ body: (Int, Int, Int) -> Void) {
        let total = out.reduce(1, *)
        guard total > 0 else { return }
        let r = out.count
        if r == 0 { body(0, 0, 0); return }
        let sa = Broadcast.alignedStrides(a, to: r), sb = Broadcast.alignedStrides(b, to: r)
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
}
