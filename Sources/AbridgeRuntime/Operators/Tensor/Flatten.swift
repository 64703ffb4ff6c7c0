import AbridgeIR

/// `Flatten` (onnx.ai/onnx/operators/onnx__Flatten.html, since-versions 1, 9, 11, 13, 21, 23, 24,
/// 25): `input` as a 2-D tensor `[d0 * ... * d(axis-1), d(axis) * ... * d(n-1)]` (no copy);
/// `axis` (default 1) may be negative from opset 11 and ranges over `[-r, r]`.
enum FlattenOp {
    static let sinceVersions = [1, 9, 11, 13, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = Int(clamping: try context.attributes.int("axis", default: 1))
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let a = axis < 0 ? axis + x.rank : axis
            guard a >= 0 && a <= x.rank else {
                throw RuntimeError.invalidInput(node: "", reason: "Flatten: axis \(axis) is out of range for rank \(x.rank)")
            }
            let outer = x.shape[..<a].reduce(1, *), inner = x.shape[a...].reduce(1, *)
            return [.tensor(x.reshaped([outer, inner]))]
        }
    }
}
