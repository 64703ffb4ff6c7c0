import AbridgeIR

/// `ConstantOfShape` (onnx.ai/onnx/operators/onnx__ConstantOfShape.html, since-versions 9, 20,
/// 21, 23, 24, 25): a tensor of the shape given by the INT64 input, every element equal to the
/// one-element `value` attribute (default FLOAT 0).
enum ConstantOfShapeOp {
    static let sinceVersions = [9, 20, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let value: RuntimeTensor
        if let t = try context.attributes.tensor("value") {
            value = try TensorConversion.runtimeTensor(from: t)
            guard value.count == 1 else {
                throw RuntimeError.invalidAttribute(node: context.node.label, name: "value", reason: "must hold one element, has \(value.count)")
            }
        } else {
            value = RuntimeTensor(floats: [0], shape: [1])
        }
        return ClosureKernel { inputs, _ in
            let shape = try NumericDispatch.ints(try inputs.tensor(0, "input"))
            return [.tensor(try ExpandOp.broadcast(value.reshaped(shape.map { _ in 1 }), to: shape))]
        }
    }
}
