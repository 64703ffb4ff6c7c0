import AbridgeIR

/// `NonZero` (onnx.ai/onnx/operators/onnx__NonZero.html, since-versions 9, 13): the coordinates
/// of the nonzero elements of X as INT64 `[rank, count]`, in row-major order (numpy `nonzero`;
/// a scalar gives `[0, count]`... as numpy: rank-0 input is treated as 1-D of one element).
enum NonZeroOp {
    static let sinceVersions = [9, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X")
            let nonzero: [Bool]
            if x.dataType == .string {
                nonzero = (x.strings ?? []).map { !$0.isEmpty }
            } else {
                nonzero = try CastOp.convert(x, to: .bool).elements(as: Bool.self)
            }
            let shape = x.rank == 0 ? [1] : x.shape
            let strides = StridedCopy.strides(shape)
            let positions = (0..<x.count).filter { nonzero[$0] }
            var out = [Int64](repeating: 0, count: shape.count * positions.count)
            for (j, p) in positions.enumerated() {
                var r = p
                for d in 0..<shape.count {
                    out[d * positions.count + j] = Int64(r / strides[d])
                    r %= strides[d]
                }
            }
            return [.tensor(RuntimeTensor(int64s: out, shape: [shape.count, positions.count]))]
        }
    }
}
