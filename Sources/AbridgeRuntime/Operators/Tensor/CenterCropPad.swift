import AbridgeIR

/// `CenterCropPad` (onnx.ai/onnx/operators/onnx__CenterCropPad.html, since-versions 18, 24):
/// crops or zero-pads `input_data` along `axes` (default: all) to `shape`, centred: a crop
/// starts at `(d - s) / 2` (rounded down), a pad puts `(s - d) / 2` (rounded down) zeros before
/// and the rest after.
enum CenterCropPadOp {
    static let sinceVersions = [18, 24]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axes = try context.attributes.ints("axes")?.map { Int(clamping: $0) }
        return ClosureKernel { inputs, _ in
            var x = try inputs.tensor(0, "input_data")
            let shape = try NumericDispatch.ints(try inputs.tensor(1, "shape"))
            let list = try (axes ?? Array(0..<x.rank)).map { try NumericDispatch.axis($0, rank: x.rank, "CenterCropPad") }
            guard shape.count == list.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw RuntimeError.invalidInput(node: "", reason: "CenterCropPad: shape \(shape) does not match the \(list.count) axes")
            }
            var pads = [Int](repeating: 0, count: 2 * x.rank)
            for (a, s) in zip(list, shape) {
                let d = x.shape[a]
                if s < d {
                    let start = (d - s) / 2
                    x = try SliceOp.apply(x, starts: [start], ends: [start + s], axes: [a], steps: nil)
                } else if s > d {
                    pads[a] = (s - d) / 2
                    pads[a + x.rank] = (s - d) - (s - d) / 2
                }
            }
            if pads.contains(where: { $0 != 0 }) {
                x = try PadOp.apply(x, pads: pads, axes: nil, mode: .constant, value: nil)
            }
            return [.tensor(x)]
        }
    }
}
