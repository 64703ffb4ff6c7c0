import AbridgeIR

/// `Shape` (onnx.ai/onnx/operators/onnx__Shape.html, since-versions 1, 13, 15, 19, 21, 23, 24,
/// 25): the dimensions of `data` as a 1-D INT64 tensor; from opset 15 only dimensions
/// `start..<end` (negative values count from the back, both clamped to `[0, rank]`).
enum ShapeOp {
    static let sinceVersions = [1, 13, 15, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let start = Int(clamping: try context.attributes.int("start", default: 0))
        let end = try context.attributes.int("end").map { Int(clamping: $0) }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            let r = x.rank
            func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + r : v, 0), r) }
            let s = clamp(start), e = clamp(end ?? r)
            let dims = s < e ? x.shape[s..<e].map { Int64($0) } : []
            return [.tensor(RuntimeTensor(int64s: dims, shape: [dims.count]))]
        }
    }
}
