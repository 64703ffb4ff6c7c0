import AbridgeIR
#if canImport(Glibc)
import Glibc
#endif

/// `EyeLike` (onnx.ai/onnx/operators/onnx__EyeLike.html, since-versions 9, 22): a 2-D tensor of
/// the input's shape with ones on the diagonal shifted by `k` and zeros elsewhere, of type
/// `dtype` (default: the input's type).
enum EyeLikeOp {
    static let sinceVersions = [9, 22]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let k = Int(clamping: try context.attributes.int("k", default: 0))
        let dtype = try context.attributes.int("dtype").map { DataType(rawValue: Int32(clamping: $0)) }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            guard x.rank == 2 else { throw RuntimeError.invalidInput(node: "", reason: "EyeLike: input must be 2-D, has shape \(x.shape)") }
            let type = dtype ?? x.dataType
            let rows = x.shape[0], cols = x.shape[1]
            var ones = [Bool](repeating: false, count: rows * cols)
            for i in 0..<rows {
                let j = i &+ k
                if j >= 0 && j < cols { ones[i * cols + j] = true }
            }
            return [.tensor(try CastOp.convert(RuntimeTensor(.bool, shape: x.shape, values: ones), to: type))]
        }
    }
}
