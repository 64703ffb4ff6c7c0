import AbridgeIR

/// `SpaceToDepth` (onnx.ai/onnx/operators/onnx__SpaceToDepth.html, since-versions 1, 13): moves
/// `[N, C, H, W]` space blocks of size `blocksize` b into depth: `[N, C * b^2, H / b, W / b]`
/// in `DCR` order (default; the inverse of DepthToSpace in DCR mode) or, with `mode` = `CRD`
/// (opset 25+ reference), channel-major order.
enum SpaceToDepthOp {
    static let sinceVersions = [1, 13, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let b = Int(clamping: try context.attributes.int("blocksize") ?? 0)
        let crd = try context.attributes.string("mode", default: "DCR") == "CRD"
        guard b > 0 else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "blocksize", reason: "must be positive") }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            guard x.rank == 4, x.shape[2] % b == 0, x.shape[3] % b == 0 else {
                throw RuntimeError.invalidInput(node: "", reason: "SpaceToDepth: input \(x.shape) is not [N, C, H, W] with H and W divisible by \(b)")
            }
            let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let view = x.reshaped([n, c, h / b, b, w / b, b])
            return [.tensor(try TransposeOp.apply(view, perm: crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4]).reshaped([n, c * b * b, h / b, w / b]))]
        }
    }
}
