import AbridgeIR
import AbridgeKernels

/// `MatMul` (onnx.ai/onnx/operators/onnx__MatMul.html, since-versions 1, 9, 13): numpy `matmul`
/// semantics, A `[..., M, K]` @ B `[..., K, N]` -> Y `[..., M, N]` with broadcast batch axes and
/// 1-D operands promoted and squeezed. FLOAT and DOUBLE go through BLAS (one gemm per batch
/// matrix); FLOAT16/BFLOAT16 are computed in FLOAT; the integer types of opset 9+ are computed
/// exactly (wrapping on overflow, like C integer arithmetic).
struct MatMul: OperatorKernel {
    static let sinceVersions = [1, 9, 13]

    init(_ context: KernelBuildContext) {}

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B")
        guard a.dataType == b.dataType else {
            throw RuntimeError.typeMismatch("MatMul: A is \(a.dataType.shortName), B is \(b.dataType.shortName)")
        }
        let shape = try FloatOperand.guarded("MatMul") { try AbridgeKernels.MatMul.outputShape(a.shape, b.shape) }
        switch a.dataType {
        case .double:
            let y = try RuntimeTensor.allocate(.double, shape)
            try FloatOperand.guarded("MatMul") {
                try a.withUnsafeBuffer(as: Double.self) { pa in
                    try b.withUnsafeBuffer(as: Double.self) { pb in
                        try y.withUnsafeMutableBuffer(as: Double.self) { try AbridgeKernels.MatMul.run(pa, a.shape, pb, b.shape, into: $0) }
                    }
                }
            }
            return [.tensor(y)]
        case .int32: return [.tensor(try integer(a, b, shape, Int32.self))]
        case .int64: return [.tensor(try integer(a, b, shape, Int64.self))]
        case .uint32: return [.tensor(try integer(a, b, shape, UInt32.self))]
        case .uint64: return [.tensor(try integer(a, b, shape, UInt64.self))]
        default:
            try FloatOperand.check(a, "MatMul A")
            let fa = try FloatOperand.asFloat(a), fb = try FloatOperand.asFloat(b)
            let y = try RuntimeTensor.allocate(.float, shape)
            try FloatOperand.guarded("MatMul") {
                try fa.withUnsafeBuffer(as: Float.self) { pa in
                    try fb.withUnsafeBuffer(as: Float.self) { pb in
                        try y.withUnsafeMutableBuffer(as: Float.self) { try AbridgeKernels.MatMul.run(pa, a.shape, pb, b.shape, into: $0) }
                    }
                }
            }
            return [.tensor(try FloatOperand.narrowed(y, to: a.dataType))]
        }
    }

    func integer<T: FixedWidthInteger>(_ a: RuntimeTensor, _ b: RuntimeTensor, _ shape: [Int], _: T.Type) throws -> RuntimeTensor {
        let plan = try FloatOperand.guarded("MatMul") { try MatMulPlan(a.shape, b.shape) }
        let y = try RuntimeTensor.allocate(a.dataType, shape)
        let m = plan.m, n = plan.n, k = plan.k
        a.withUnsafeBuffer(as: T.self) { pa in
            b.withUnsafeBuffer(as: T.self) { pb in
                y.withUnsafeMutableBuffer(as: T.self) { py in
                    for batch in 0..<plan.batchCount {
                        let (oa, ob) = plan.offsets(batch)
                        let oy = batch * m * n
                        for i in 0..<m {
                            for j in 0..<n {
                                var s: T = 0
                                for t in 0..<k { s &+= pa[oa + i * k + t] &* pb[ob + t * n + j] }
                                py[oy + i * n + j] = s
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}
