import AbridgeIR
import AbridgeKernels

/// The kernel of the Reduce* operators: `axes` from the attribute (before `axesInputSince`) or
/// the optional second input (from it); `keepdims` (default 1); `noop_with_empty_axes` (default
/// 0: empty axes reduce everything; 1: the input is returned unchanged). Float types compute
/// with AbridgeKernels' `Reduction` (FLOAT16/BFLOAT16 in FLOAT, rounded back); integer types
/// wrap; BOOL (ReduceMax/ReduceMin, opset 20) reduces 0/1 bytes.
struct ReduceKernel: OperatorKernel {
    let op: ReduceOp
    let name: String
    let keepDims: Bool
    let noopWithEmptyAxes: Bool
    let attributeAxes: [Int]?
    let axesFromInput: Bool

    init(_ op: ReduceOp, name: String, context: KernelBuildContext, axesInputSince: Int) throws {
        self.op = op; self.name = name
        let a = context.attributes
        keepDims = try a.int("keepdims", default: 1) != 0
        noopWithEmptyAxes = try a.int("noop_with_empty_axes", default: 0) != 0
        axesFromInput = context.opset >= axesInputSince
        attributeAxes = axesFromInput ? nil : try a.ints("axes")?.map { Int(clamping: $0) }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "data")
        let axes = axesFromInput ? (try NumericDispatch.ints(try inputs.optionalTensor(1)) ?? []) : (attributeAxes ?? [])
        if axes.isEmpty && noopWithEmptyAxes { return [.tensor(x)] }
        return [.tensor(try reduce(x, axes: axes))]
    }

    func reduce(_ x: RuntimeTensor, axes: [Int]) throws -> RuntimeTensor {
        if x.rank == 0 && axes.isEmpty {
            // A scalar reduces to itself (with the op's finishing function).
            return try reduce(x.reshaped([1]), axes: [0]).reshaped([])
        }
        let shape = try FloatOperand.guarded(name) { try Reduction.outputShape(x.shape, axes: axes, keepDims: keepDims) }
        switch x.dataType {
        case .float16, .bfloat16:
            return try NumericDispatch.narrow(try reduce(try NumericDispatch.widen(x), axes: axes), to: x.dataType)
        case .bool:
            guard op == .max || op == .min else { throw NumericDispatch.unsupported(name, x.dataType) }
            let bytes = RuntimeTensor(dataType: .uint8, shape: x.shape, storage: x.storage)
            let r = try reduce(bytes, axes: axes)
            return RuntimeTensor(dataType: .bool, shape: r.shape, storage: r.storage)
        default:
            guard let r = try NumericDispatch.run(x.dataType, Body(kernel: self, x: x, axes: axes, shape: shape)) else {
                throw NumericDispatch.unsupported(name, x.dataType)
            }
            return r
        }
    }

    struct Body: NumericBody {
        let kernel: ReduceKernel, x: RuntimeTensor, axes: [Int], shape: [Int]
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor {
            let out = try RuntimeTensor.allocate(x.dataType, shape)
            try FloatOperand.guarded(kernel.name) {
                try x.withUnsafeBuffer(as: T.self) { px in
                    try out.withUnsafeMutableBuffer(as: T.self) { po in
                        try Reduction.reduce(kernel.op, px, shape: x.shape, axes: axes, keepDims: kernel.keepDims, into: po)
                    }
                }
            }
            return out
        }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor {
            let out = try RuntimeTensor.allocate(x.dataType, shape)
            try FloatOperand.guarded(kernel.name) {
                try x.withUnsafeBuffer(as: T.self) { px in
                    try out.withUnsafeMutableBuffer(as: T.self) { po in
                        try Reduction.reduce(kernel.op, px, shape: x.shape, axes: axes, keepDims: kernel.keepDims, into: po)
                    }
                }
            }
            return out
        }
    }
}
