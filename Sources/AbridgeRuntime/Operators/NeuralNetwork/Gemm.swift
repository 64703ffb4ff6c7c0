import AbridgeIR
import AbridgeKernels

/// `Gemm` (onnx.ai/onnx/operators/onnx__Gemm.html, since-versions 1, 6, 7, 9, 11, 13):
/// Y `[M, N]` = alpha * op(A) * op(B) + beta * C, op = transpose when `transA`/`transB` is 1,
/// A `[M, K]` (or `[K, M]`), B `[K, N]` (or `[N, K]`), C optional (opset 11+) and
/// unidirectionally broadcastable to `[M, N]`. FLOAT and DOUBLE through BLAS; FLOAT16/BFLOAT16
/// computed in FLOAT.
struct Gemm: OperatorKernel {
    static let sinceVersions = [1, 6, 7, 9, 11, 13]
    let alpha: Float, beta: Float
    let transA: Bool, transB: Bool

    init(_ context: KernelBuildContext) throws {
        let a = context.attributes
        alpha = try a.float("alpha", default: 1)
        beta = try a.float("beta", default: 1)
        transA = try a.int("transA", default: 0) != 0
        transB = try a.int("transB", default: 0) != 0
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let a = try inputs.tensor(0, "A"), b = try inputs.tensor(1, "B"), c = try inputs.optionalTensor(2)
        guard a.rank == 2, b.rank == 2 else {
            throw RuntimeError.invalidInput(node: "", reason: "Gemm: A \(a.shape) and B \(b.shape) must be 2-D")
        }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == kb else {
            throw RuntimeError.invalidInput(node: "", reason: "Gemm: inner dimensions differ (A \(a.shape), B \(b.shape), transA \(transA), transB \(transB))")
        }
        if let c {
            let s = try FloatOperand.guarded("Gemm") { try Broadcast.shape(c.shape, [m, n]) }
            guard s == [m, n] else {
                throw RuntimeError.invalidInput(node: "", reason: "Gemm: C \(c.shape) is not broadcastable to [\(m), \(n)]")
            }
        }
        try FloatOperand.check(a, "Gemm A")
        if a.dataType == .double {
            return [.tensor(try compute(a, b, c, m, n, k, Double.self))]
        }
        let y = try compute(try FloatOperand.asFloat(a), try FloatOperand.asFloat(b), try c.map { try FloatOperand.asFloat($0, "C") },
                            m, n, k, Float.self)
        return [.tensor(try FloatOperand.narrowed(y, to: a.dataType))]
    }

    func compute<T: KernelFloat>(_ a: RuntimeTensor, _ b: RuntimeTensor, _ c: RuntimeTensor?,
                                 _ m: Int, _ n: Int, _ k: Int, _: T.Type) throws -> RuntimeTensor {
        let type: DataType = T.self == Double.self ? .double : .float
        guard b.dataType == type, c.map({ $0.dataType == type }) ?? true else {
            throw RuntimeError.typeMismatch("Gemm: A, B and C must have the same type")
        }
        let y = try RuntimeTensor.allocate(type, [m, n])
        let useC = c != nil && beta != 0
        let (transA, transB, alpha, beta) = (self.transA, self.transB, self.alpha, self.beta)
        try FloatOperand.guarded("Gemm") {
            try y.withUnsafeMutableBuffer(as: T.self) { py in
                if let c, useC {
                    try c.withUnsafeBuffer(as: T.self) { pc in
                        // Common C shapes without the general broadcast plan: [M, N], [N] / [1, N], one value.
                        if let src = pc.baseAddress, let dst = py.baseAddress, c.count == m * n, c.shape.last == n || m * n <= 1 {
                            dst.update(from: src, count: m * n)
                        } else if let src = pc.baseAddress, let dst = py.baseAddress, c.count == n, c.shape.last == n, n > 0 {
                            for row in 0..<m { (dst + row * n).update(from: src, count: n) }
                        } else if let dst = py.baseAddress, c.count == 1 {
                            dst.update(repeating: pc[0], count: m * n)
                        } else {
                            try Broadcast.expand(pc, c.shape, to: [m, n], into: py)
                        }
                    }
                }
                try a.withUnsafeBuffer(as: T.self) { pa in
                    try b.withUnsafeBuffer(as: T.self) { pb in
                        let lda = max(1, transA ? m : k), ldb = max(1, transB ? k : n)
                        if T.self == Float.self {
                            try AbridgeKernels.Gemm.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                                                          a: unsafeBitCast(pa, to: UnsafeBufferPointer<Float>.self), lda: lda,
                                                          b: unsafeBitCast(pb, to: UnsafeBufferPointer<Float>.self), ldb: ldb, beta: useC ? beta : 0,
                                                          c: unsafeBitCast(py, to: UnsafeMutableBufferPointer<Float>.self), ldc: max(1, n))
                        } else if T.self == Double.self {
                            try AbridgeKernels.Gemm.dgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: Double(alpha),
                                                          a: unsafeBitCast(pa, to: UnsafeBufferPointer<Double>.self), lda: lda,
                                                          b: unsafeBitCast(pb, to: UnsafeBufferPointer<Double>.self), ldb: ldb,
                                                          beta: useC ? Double(beta) : 0,
                                                          c: unsafeBitCast(py, to: UnsafeMutableBufferPointer<Double>.self), ldc: max(1, n))
                        }
                    }
                }
            }
        }
        return y
    }
}
