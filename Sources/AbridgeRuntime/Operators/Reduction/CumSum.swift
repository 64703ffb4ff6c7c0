import AbridgeIR
import AbridgeKernels

/// `CumSum` (onnx.ai/onnx/operators/onnx__CumSum.html, since-versions 11, 14): running sums of
/// `x` along the scalar `axis` input, `exclusive` and `reverse` attributes (default 0). FLOAT,
/// DOUBLE, integers (wrapping), FLOAT16/BFLOAT16 (summed in FLOAT, rounded back); each line is
/// summed sequentially (AbridgeKernels' `CumSum`).
enum CumSumOp {
    static let sinceVersions = [11, 14]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let exclusive = try context.attributes.int("exclusive", default: 0) != 0
        let reverse = try context.attributes.int("reverse", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "x")
            let axisValues = try NumericDispatch.ints(try inputs.tensor(1, "axis"))
            guard axisValues.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "CumSum: axis must be a scalar") }
            return [.tensor(try apply(x, axis: axisValues[0], exclusive: exclusive, reverse: reverse))]
        }
    }

    static func apply(_ x: RuntimeTensor, axis: Int, exclusive: Bool, reverse: Bool) throws -> RuntimeTensor {
        if NumericDispatch.isHalf(x.dataType) {
            return try NumericDispatch.narrow(try apply(try NumericDispatch.widen(x), axis: axis, exclusive: exclusive, reverse: reverse), to: x.dataType)
        }
        guard let r = try NumericDispatch.run(x.dataType, Body(x: x, axis: axis, exclusive: exclusive, reverse: reverse)) else {
            throw NumericDispatch.unsupported("CumSum", x.dataType)
        }
        return r
    }

    struct Body: NumericBody {
        let x: RuntimeTensor, axis: Int, exclusive: Bool, reverse: Bool
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            let out = try RuntimeTensor.allocate(x.dataType, x.shape)
            try FloatOperand.guarded("CumSum") {
                try x.withUnsafeBuffer(as: T.self) { px in
                    try out.withUnsafeMutableBuffer(as: T.self) { po in
                        try AbridgeKernels.CumSum.run(px, shape: x.shape, axis: axis, exclusive: exclusive, reverse: reverse, into: po)
                    }
                }
            }
            return out
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
            let out = try RuntimeTensor.allocate(x.dataType, x.shape)
            try FloatOperand.guarded("CumSum") {
                try x.withUnsafeBuffer(as: T.self) { px in
                    try out.withUnsafeMutableBuffer(as: T.self) { po in
                        try AbridgeKernels.CumSum.run(px, shape: x.shape, axis: axis, exclusive: exclusive, reverse: reverse, into: po)
                    }
                }
            }
            return out
        }
    }
}
