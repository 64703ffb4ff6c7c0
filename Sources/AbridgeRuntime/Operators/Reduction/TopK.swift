import AbridgeIR
import AbridgeKernels

/// `TopK` (onnx.ai/onnx/operators/onnx__TopK.html, since-versions 1, 10, 11, 24): the `k` largest
/// (or, with `largest` = 0 from opset 11, smallest) elements of X along `axis` (default -1) and
/// their INT64 indices, sorted, ties by lower index. `k` is an attribute in opset 1 and a 1-D
/// INT64 input from opset 10. Numeric types (FLOAT16/BFLOAT16 compared in FLOAT, values returned
/// in the input type).
enum TopKOp {
    static let sinceVersions = [1, 10, 11, 24]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let a = context.attributes
        let axis = Int(clamping: try a.int("axis", default: -1))
        let largest = try a.int("largest", default: 1) != 0
        let attributeK = context.opset < 10 ? Int(clamping: try a.int("k", default: -1)) : nil
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "X")
            let k: Int
            if let attributeK { k = attributeK } else {
                let v = try NumericDispatch.ints(try inputs.tensor(1, "K"))
                guard v.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "TopK: K must hold one value") }
                k = v[0]
            }
            let w = NumericDispatch.isHalf(x.dataType) ? try NumericDispatch.widen(x) : x
            guard let r = try NumericDispatch.run(w.dataType, Body(x: w, axis: axis, k: k, largest: largest)) else {
                throw NumericDispatch.unsupported("TopK", x.dataType)
            }
            let values = NumericDispatch.isHalf(x.dataType) ? try NumericDispatch.narrow(r.0, to: x.dataType) : r.0
            return [.tensor(values), .tensor(r.1)]
        }
    }

    struct Body: NumericBody {
        let x: RuntimeTensor, axis: Int, k: Int, largest: Bool
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> (RuntimeTensor, RuntimeTensor) { try compute(T.self) }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> (RuntimeTensor, RuntimeTensor) { try compute(T.self) }

        func compute<T: Comparable>(_: T.Type) throws -> (RuntimeTensor, RuntimeTensor) {
            try FloatOperand.guarded("TopK") {
                let shape = try AbridgeKernels.TopK.outputShape(x.shape, axis: axis, k: k)
                let values = try RuntimeTensor.allocate(x.dataType, shape), indices = try RuntimeTensor.allocate(.int64, shape)
                try x.withUnsafeBuffer(as: T.self) { px in
                    try values.withUnsafeMutableBuffer(as: T.self) { pv in
                        try indices.withUnsafeMutableBuffer(as: Int64.self) { pi in
                            try AbridgeKernels.TopK.run(px, shape: x.shape, axis: axis, k: k, largest: largest, values: pv, indices: pi)
                        }
                    }
                }
                return (values, indices)
            }
        }
    }
}
