import AbridgeIR
import AbridgeKernels

/// `Transpose` (onnx.ai/onnx/operators/onnx__Transpose.html, since-versions 1, 13, 21, 23, 24,
/// 25): permutes the axes of `data` by `perm` (default: reversed), any element type. Uses
/// AbridgeKernels' tiled byte-generic `Transpose`.
enum TransposeOp {
    static let sinceVersions = [1, 13, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let perm = try context.attributes.ints("perm")?.map { Int(clamping: $0) }
        return ClosureKernel { inputs, _ in
            [.tensor(try apply(try inputs.tensor(0, "data"), perm: perm ?? []))]
        }
    }

    /// `x` with axes permuted (`perm` empty: reversed).
    static func apply(_ x: RuntimeTensor, perm requested: [Int]) throws -> RuntimeTensor {
        let perm = requested.isEmpty ? Array((0..<x.rank).reversed()) : requested
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw RuntimeError.invalidInput(node: "", reason: "Transpose: perm \(perm) is not a permutation of the \(x.rank) axes")
        }
        let shape = perm.map { x.shape[$0] }
        if x.dataType == .string {
            let st = StridedCopy.strides(x.shape)
            return try StridedCopy.materialize(x, offset: 0, strides: perm.map { st[$0] }, shape: shape)
        }
        guard let size = RuntimeTensor.elementSize(x.dataType) else { throw NumericDispatch.unsupported("Transpose", x.dataType) }
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        let bytes = x.count * size
        try FloatOperand.guarded("Transpose") {
            try AbridgeKernels.Transpose.run(UnsafeRawBufferPointer(start: x.storage.base, count: bytes), shape: x.shape, perm: perm,
                                             elementSize: size, into: UnsafeMutableRawBufferPointer(start: out.storage.base, count: bytes))
        }
        return out
    }
}
