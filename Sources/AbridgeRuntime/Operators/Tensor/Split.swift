import AbridgeIR

/// `Split` (onnx.ai/onnx/operators/onnx__Split.html, since-versions 1, 2, 11, 13, 18): splits
/// `input` along `axis` into the node's outputs. Sizes come from `split` (an attribute before
/// opset 13, an optional input from 13), else equal parts; from opset 18 `num_outputs` gives the
/// number of parts, the last one smaller when the dimension does not divide evenly.
enum SplitOp {
    static let sinceVersions = [1, 2, 11, 13, 18]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let a = context.attributes
        let axis = Int(clamping: try a.int("axis", default: 0))
        let attributeSplit = context.opset < 13 ? try a.ints("split")?.map { Int(clamping: $0) } : nil
        let numOutputs = try a.int("num_outputs").map { Int(clamping: $0) }
        let outputs = context.node.outputs.count
        let splitFromInput = context.opset >= 13 || (context.opset < 2)
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let ax = try NumericDispatch.axis(axis, rank: x.rank, "Split")
            let d = x.shape[ax]
            var sizes: [Int]
            if let s = attributeSplit, !s.isEmpty {
                sizes = s
            } else if splitFromInput, let s = try NumericDispatch.ints(try inputs.optionalTensor(1)) {
                sizes = s
            } else {
                let parts = numOutputs ?? outputs
                guard parts > 0 else { throw RuntimeError.invalidInput(node: "", reason: "Split: no outputs") }
                if numOutputs != nil {
                    let chunk = (d + parts - 1) / parts
                    sizes = (0..<parts).map { Swift.max(0, Swift.min(chunk, d - $0 * chunk)) }
                } else {
                    guard d % parts == 0 else { throw RuntimeError.invalidInput(node: "", reason: "Split: dimension \(d) does not divide into \(parts) parts") }
                    sizes = [Int](repeating: d / parts, count: parts)
                }
            }
            guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == d else {
                throw RuntimeError.invalidInput(node: "", reason: "Split: sizes \(sizes) do not add up to dimension \(d)")
            }
            return try pieces(x, axis: ax, sizes: sizes).map { .tensor($0) }
        }
    }

    /// Slices of `x` along `axis` of the given sizes.
    static func pieces(_ x: RuntimeTensor, axis: Int, sizes: [Int]) throws -> [RuntimeTensor] {
        var start = 0
        var out: [RuntimeTensor] = []
        for s in sizes {
            out.append(try SliceOp.apply(x, starts: [start], ends: [start + s], axes: [axis], steps: nil))
            start += s
        }
        return out
    }
}
