import AbridgeIR

/// `OneHot` (onnx.ai/onnx/operators/onnx__OneHot.html, since-versions 9, 11): for `indices` of
/// any numeric type (truncated to integers; negative values count from the back from opset 11),
/// an output with a new axis of size `depth` inserted at `axis` (default -1), holding
/// `values[1]` at the index and `values[0]` elsewhere (the type of `values`). Out-of-range
/// indices give all-off rows.
enum OneHotOp {
    static let sinceVersions = [9, 11]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: -1))
        return ClosureKernel { inputs, _ in
            let indices = try inputs.tensor(0, "indices"), depthT = try inputs.tensor(1, "depth"), values = try inputs.tensor(2, "values")
            let depthValue = try CastOp.convert(depthT, to: .double).withUnsafeBuffer(as: Double.self) { $0.first ?? 0 }
            guard depthT.count == 1, depthValue >= 1, depthValue < 1e9 else {
                throw RuntimeError.invalidInput(node: "", reason: "OneHot: depth must be one positive value")
            }
            let depth = Int(depthValue)
            guard values.count == 2 else { throw RuntimeError.invalidInput(node: "", reason: "OneHot: values must hold [off, on]") }
            let idx = try CastOp.convert(indices, to: .double).elements(as: Double.self)
            let rank = indices.rank + 1
            let a = try NumericDispatch.axis(axis, rank: rank, "OneHot")
            var shape = indices.shape
            shape.insert(depth, at: a)
            let outer = indices.shape[..<a].reduce(1, *), inner = indices.shape[a...].reduce(1, *)
            // Element (o, d, i) is "on" when idx[o * inner + i] == d.
            let offsets = [0, 1]
            let n = try RuntimeTensor.checkedByteCount(shape: shape, elementSize: MemoryLayout<Int>.stride, what: "the output of shape \(shape)") / MemoryLayout<Int>.stride
            var pick = [Int](repeating: 0, count: n)
            for o in 0..<outer {
                for i in 0..<inner {
                    var v = Int(clamping: castTruncatedInt64(idx[o * inner + i]))
                    if v < 0 { v += depth }
                    if v >= 0 && v < depth { pick[(o * depth + v) * inner + i] = 1 }
                }
            }
            return [.tensor(try ElementIndexing.gather(values.reshaped([2]), offsets: pick.map { offsets[$0] }, shape: shape))]
        }
    }
}
