import AbridgeIR
import AbridgeKernels

/// `CastLike` (onnx.ai/onnx/operators/onnx__CastLike.html, since-versions 15, 19, 21, 23, 24,
/// 25): `Cast` of `input` to the element type of `target_type` (whose values are not read), with
/// the same `saturate` and `round_mode` attributes and conversion rules as `CastOp`.
enum CastLikeOp {
    static let sinceVersions = [15, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let saturate = try context.attributes.int("saturate", default: 1) != 0
        let rounding = try CastOp.roundMode(context.attributes)
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input"), like = try inputs.tensor(1, "target_type")
            return [.tensor(try CastOp.convert(x, to: like.dataType, saturate: saturate, rounding: rounding))]
        }
    }
}
