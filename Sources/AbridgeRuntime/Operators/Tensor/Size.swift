import AbridgeIR

/// `Size` (onnx.ai/onnx/operators/onnx__Size.html, since-versions 1, 13, 19, 21, 23, 24, 25): the
/// number of elements of `data` as an INT64 scalar.
enum SizeOp {
    static let sinceVersions = [1, 13, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            return [.tensor(RuntimeTensor(int64s: [Int64(x.count)], shape: []))]
        }
    }
}
