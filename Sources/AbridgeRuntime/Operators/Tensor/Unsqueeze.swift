import AbridgeIR

/// `Unsqueeze` (onnx.ai/onnx/operators/onnx__Unsqueeze.html, since-versions 1, 11, 13, 21, 23,
/// 24, 25): inserts size-1 dimensions at the positions `axes` of the output (the attribute before
/// opset 13, the input from 13; negative values count from the back of the output rank).
enum UnsqueezeOp {
    static let sinceVersions = [1, 11, 13, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let attributeAxes = context.opset < 13 ? try context.attributes.ints("axes")?.map { Int(clamping: $0) } : nil
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            let axes: [Int]
            if let attributeAxes { axes = attributeAxes } else { axes = try NumericDispatch.ints(try inputs.tensor(1, "axes")) }
            let rank = x.rank + axes.count
            var insert = Set<Int>()
            for a in axes {
                let n = try NumericDispatch.axis(a, rank: rank, "Unsqueeze")
                guard insert.insert(n).inserted else { throw RuntimeError.invalidInput(node: "", reason: "Unsqueeze: axis \(a) repeated") }
            }
            var shape: [Int] = []
            var next = 0
            for i in 0..<rank {
                if insert.contains(i) { shape.append(1) } else { shape.append(x.shape[next]); next += 1 }
            }
            return [.tensor(x.reshaped(shape))]
        }
    }
}
