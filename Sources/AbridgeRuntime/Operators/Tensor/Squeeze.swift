import AbridgeIR

/// `Squeeze` (onnx.ai/onnx/operators/onnx__Squeeze.html, since-versions 1, 11, 13, 21, 23, 24,
/// 25): removes size-1 dimensions of `data` (no copy): those listed in `axes` (the attribute
/// before opset 13, the optional input from 13; negative from 11), or all size-1 dimensions when
/// `axes` is absent.
enum SqueezeOp {
    static let sinceVersions = [1, 11, 13, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let attributeAxes = context.opset < 13 ? try context.attributes.ints("axes")?.map { Int(clamping: $0) } : nil
        let fromInput = context.opset >= 13
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            let axes = fromInput ? try NumericDispatch.ints(try inputs.optionalTensor(1)) : attributeAxes
            guard let axes else { return [.tensor(x.reshaped(x.shape.filter { $0 != 1 }))] }
            var drop = Set<Int>()
            for a in axes {
                let n = try NumericDispatch.axis(a, rank: x.rank, "Squeeze")
                guard x.shape[n] == 1 else {
                    throw RuntimeError.invalidInput(node: "", reason: "Squeeze: dimension \(a) of \(x.shape) is not 1")
                }
                drop.insert(n)
            }
            return [.tensor(x.reshaped(x.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)))]
        }
    }
}
