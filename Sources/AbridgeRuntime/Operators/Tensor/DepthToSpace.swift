import AbridgeIR

/// `DepthToSpace` (onnx.ai/onnx/operators/onnx__DepthToSpace.html, since-versions 1, 11, 13):
/// moves `[N, C, H, W]` depth blocks into `[N, C / b^2, H * b, W * b]` space blocks of size
/// `blocksize` b, in `DCR` (default) or `CRD` order (opset 11), as a reshape-transpose-reshape.
enum DepthToSpaceOp {
    static let sinceVersions = [1, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let b = Int(clamping: try context.attributes.int("blocksize") ?? 0)
        let crd = try context.attributes.string("mode", default: "DCR") == "CRD"
        guard b > 0 else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "blocksize", reason: "must be positive") }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            guard x.rank == 4, x.shape[1] % (b * b) == 0 else {
                throw RuntimeError.invalidInput(node: "", reason: "DepthToSpace: input \(x.shape) is not [N, C, H, W] with C divisible by \(b * b)")
            }
            let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let view: RuntimeTensor, perm: [Int]
            if crd {
                view = x.reshaped([n, c / (b * b), b, b, h, w]); perm = [0, 1, 4, 2, 5, 3]
            } else {
                view = x.reshaped([n, b, b, c / (b * b), h, w]); perm = [0, 3, 4, 1, 5, 2]
            }
            return [.tensor(try TransposeOp.apply(view, perm: perm).reshaped([n, c / (b * b), h * b, w * b]))]
        }
    }
}
