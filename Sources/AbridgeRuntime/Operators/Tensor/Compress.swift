import AbridgeIR

/// `Compress` (onnx.ai/onnx/operators/onnx__Compress.html, since-versions 9, 11): the slices of
/// `input` along `axis` where the BOOL `condition` is true (a shorter condition selects only its
/// length); without `axis` the input is flattened first. Any element type.
enum CompressOp {
    static let sinceVersions = [9, 11]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let axis = try context.attributes.int("axis").map { Int(clamping: $0) }
        return ClosureKernel { inputs, _ in
            var x = try inputs.tensor(0, "input")
            let condition = try CastOp.convert(try inputs.tensor(1, "condition"), to: .bool).elements(as: Bool.self)
            var a = 0
            if let axis { a = try NumericDispatch.axis(axis, rank: x.rank, "Compress") } else { x = x.reshaped([x.count]) }
            let d = x.shape[a]
            guard condition.count <= d else {
                throw RuntimeError.invalidInput(node: "", reason: "Compress: condition has \(condition.count) entries, axis has \(d)")
            }
            let kept = (0..<condition.count).filter { condition[$0] }
            return [.tensor(try GatherOp.apply(x, RuntimeTensor(int64s: kept.map { Int64($0) }, shape: [kept.count]), axis: a))]
        }
    }
}
