import AbridgeIR
import AbridgeKernels
#if canImport(Glibc)
import Glibc
#endif

/// `Trilu` (onnx.ai/onnx/operators/onnx__Trilu.html, since-version 14): the upper (`upper` = 1,
/// default) or lower triangle of each matrix in the last two axes of `input`, shifted by the
/// optional scalar `k` (INT64, default 0); other elements are zero. Upper keeps `j - i >= k`,
/// lower keeps `j - i <= k`. Any numeric or BOOL type (zero is the all-zero bit pattern).
enum TriluOp {
    static let sinceVersions = [14]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let upper = try context.attributes.int("upper", default: 1) != 0
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            var k = 0
            if let kt = try inputs.optionalTensor(1) {
                let v = try NumericDispatch.ints(kt)
                guard v.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "Trilu: k must be a scalar") }
                k = Swift.max(Swift.min(v[0], 1 << 40), -(1 << 40))
            }
            guard x.rank >= 2 else { throw RuntimeError.invalidInput(node: "", reason: "Trilu: input must have rank >= 2, has shape \(x.shape)") }
            guard let size = RuntimeTensor.elementSize(x.dataType) else { throw NumericDispatch.unsupported("Trilu", x.dataType) }
            let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1]
            let matrices = x.shape.dropLast(2).reduce(1, *)
            let out = try RuntimeTensor.allocate(x.dataType, x.shape)
            guard out.count > 0 else { return [.tensor(out)] }
            let src = UnsafeRawPointer(x.storage.base), dst = out.storage.base
            ParallelFor.run(matrices * rows, minChunk: max(1, 4096 / max(1, cols))) { range in
                for r in range {
                    let i = r % rows
                    let rowBytes = cols * size
                    let base = r * rowBytes
                    // Kept columns: upper j >= i + k, lower j <= i + k.
                    let keepStart = upper ? Swift.min(Swift.max(i + k, 0), cols) : 0
                    let keepEnd = upper ? cols : Swift.max(Swift.min(i + k + 1, cols), 0)
                    memset(dst + base, 0, rowBytes)
                    if keepEnd > keepStart {
                        (dst + base + keepStart * size).copyMemory(from: src + base + keepStart * size, byteCount: (keepEnd - keepStart) * size)
                    }
                }
            }
            return [.tensor(out)]
        }
    }
}
