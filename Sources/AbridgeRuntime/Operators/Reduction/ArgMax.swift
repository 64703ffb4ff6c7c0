import AbridgeIR
import AbridgeKernels

/// `ArgMax` (onnx.ai/onnx/operators/onnx__ArgMax.html, since-versions 1, 11, 12, 13) and, with
/// `largest` false, `ArgMin` (onnx__ArgMin.html, same versions): INT64 indices of the largest
/// (smallest) elements along `axis` (default 0), `keepdims` (default 1), ties to the first
/// index or, with `select_last_index` (opset 12), the last. Numeric types (FLOAT16/BFLOAT16
/// compared in FLOAT, which preserves order).
struct ArgExtremumKernel: OperatorKernel {
    let largest: Bool
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool

    init(largest: Bool, context: KernelBuildContext) throws {
        self.largest = largest
        let a = context.attributes
        axis = Int(clamping: try a.int("axis", default: 0))
        keepDims = try a.int("keepdims", default: 1) != 0
        selectLast = try a.int("select_last_index", default: 0) != 0
    }

    var name: String { largest ? "ArgMax" : "ArgMin" }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        var x = try inputs.tensor(0, "data")
        if NumericDispatch.isHalf(x.dataType) { x = try NumericDispatch.widen(x) }
        guard let r = try NumericDispatch.run(x.dataType, Body(kernel: self, x: x)) else { throw NumericDispatch.unsupported(name, x.dataType) }
        return [.tensor(r)]
    }

    func compute<T: Comparable>(_ x: RuntimeTensor, _: T.Type) throws -> RuntimeTensor {
        try FloatOperand.guarded(name) {
            let shape = try ArgExtremum.outputShape(x.shape, axis: axis, keepDims: keepDims)
            let out = try RuntimeTensor.allocate(.int64, shape)
            try x.withUnsafeBuffer(as: T.self) { px in
                try out.withUnsafeMutableBuffer(as: Int64.self) { po in
                    try ArgExtremum.run(px, shape: x.shape, axis: axis, largest: largest, keepDims: keepDims, selectLastIndex: selectLast, into: po)
                }
            }
            return out
        }
    }

    struct Body: NumericBody {
        let kernel: ArgExtremumKernel, x: RuntimeTensor
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor { try kernel.compute(x, T.self) }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor { try kernel.compute(x, T.self) }
    }
}

/// `ArgMax` registration; see `ArgExtremumKernel`.
enum ArgMaxOp {
    static let sinceVersions = [1, 11, 12, 13]
    static func make(_ context: KernelBuildContext) throws -> OperatorKernel { try ArgExtremumKernel(largest: true, context: context) }
}
