import AbridgeIR
import AbridgeKernels

/// `CumProd` (onnx.ai/onnx/operators/onnx__CumProd.html, since-version 26): running products of
/// `x` along the scalar `axis` input, with `exclusive` (start from 1) and `reverse` attributes.
/// Numeric types (integers wrap; FLOAT16/BFLOAT16 multiplied in FLOAT and rounded back); each
/// line is multiplied sequentially, so results do not depend on the thread count.
enum CumProdOp {
    static let sinceVersions = [26]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let exclusive = try context.attributes.int("exclusive", default: 0) != 0
        let reverse = try context.attributes.int("reverse", default: 0) != 0
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "x")
            let axisValues = try NumericDispatch.ints(try inputs.tensor(1, "axis"))
            guard axisValues.count == 1 else { throw RuntimeError.invalidInput(node: "", reason: "CumProd: axis must be a scalar") }
            let w = NumericDispatch.isHalf(x.dataType) ? try NumericDispatch.widen(x) : x
            let a = try NumericDispatch.axis(axisValues[0], rank: w.rank, "CumProd")
            guard let r = try NumericDispatch.run(w.dataType, Body(x: w, axis: a, exclusive: exclusive, reverse: reverse)) else {
                throw NumericDispatch.unsupported("CumProd", x.dataType)
            }
            return [.tensor(try NumericDispatch.narrow(r, to: x.dataType))]
        }
    }

    struct Body: NumericBody {
        let x: RuntimeTensor, axis: Int, exclusive: Bool, reverse: Bool
        func integer<T: FixedWidthInteger & Sendable>(_ type: T.Type) throws -> RuntimeTensor { try run(T.self, 1) { $0 &* $1 } }
        func floating<T: KernelFloat>(_ type: T.Type) throws -> RuntimeTensor { try run(T.self, 1) { $0 * $1 } }

        func run<T>(_: T.Type, _ one: T, _ mul: (T, T) -> T) throws -> RuntimeTensor {
            let out = try RuntimeTensor.allocate(x.dataType, x.shape)
            let n = x.shape[axis], outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
            x.withUnsafeBuffer(as: T.self) { px in
                out.withUnsafeMutableBuffer(as: T.self) { po in
                    for s in 0..<(outer * inner) {
                        let base = (s / inner) * n * inner + s % inner
                        var acc = one
                        for t in 0..<n {
                            let j = base + (reverse ? n - 1 - t : t) * inner
                            if exclusive { po[j] = acc; acc = mul(acc, px[j]) } else { acc = mul(acc, px[j]); po[j] = acc }
                        }
                    }
                }
            }
            return out
        }
    }
}
