import AbridgeIR
import AbridgeKernels

/// `Expand` (onnx.ai/onnx/operators/onnx__Expand.html, since-versions 8, 13): broadcasts `input`
/// with `shape` by numpy rules (the output shape is the broadcast of both, so `shape` may have
/// smaller dimensions or rank than the input). Any element type.
enum ExpandOp {
    static let sinceVersions = [8, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let requested = try NumericDispatch.ints(try inputs.tensor(1, "shape"))
            return [.tensor(try apply(x, to: requested))]
        }
    }

    /// `x` broadcast with `requested`.
    static func apply(_ x: RuntimeTensor, to requested: [Int]) throws -> RuntimeTensor {
        let shape = try FloatOperand.guarded("Expand") { try Broadcast.shape(x.shape, requested) }
        return try broadcast(x, to: shape)
    }

    /// `x` materialized at `shape` (which must be a broadcast of `x.shape`).
    static func broadcast(_ x: RuntimeTensor, to shape: [Int]) throws -> RuntimeTensor {
        if x.shape == shape { return x }
        let strides = Broadcast.alignedStrides(x.shape, to: shape.count)
        return try StridedCopy.materialize(x, offset: 0, strides: strides, shape: shape)
    }
}
