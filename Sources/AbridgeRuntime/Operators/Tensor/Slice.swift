import AbridgeIR

/// `Slice` (onnx.ai/onnx/operators/onnx__Slice.html, since-versions 1, 10, 11, 13): the elements
/// of `data` at `starts[i]..<ends[i]` by `steps[i]` along `axes[i]` (numpy slicing). Opset 1
/// takes `starts`, `ends`, `axes` as attributes; from opset 10 they (and `steps`) are inputs.
/// Negative starts/ends count from the back; values are clamped as the spec says (to `[0, d]`
/// for positive steps, `[-1, d-1]` for negative ones). Any element type.
enum SliceOp {
    static let sinceVersions = [1, 10, 11, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        if context.opset < 10 {
            let a = context.attributes
            guard let starts = try a.ints("starts"), let ends = try a.ints("ends") else {
                throw RuntimeError.invalidAttribute(node: context.node.label, name: "starts", reason: "starts and ends are required")
            }
            let axes = try a.ints("axes")
            return ClosureKernel { inputs, _ in
                [.tensor(try apply(try inputs.tensor(0, "data"), starts: starts.map { Int(clamping: $0) }, ends: ends.map { Int(clamping: $0) },
                                   axes: axes?.map { Int(clamping: $0) }, steps: nil))]
            }
        }
        return ClosureKernel { inputs, _ in
            [.tensor(try apply(try inputs.tensor(0, "data"), starts: try NumericDispatch.ints(try inputs.tensor(1, "starts")),
                               ends: try NumericDispatch.ints(try inputs.tensor(2, "ends")),
                               axes: try NumericDispatch.ints(try inputs.optionalTensor(3)),
                               steps: try NumericDispatch.ints(try inputs.optionalTensor(4))))]
        }
    }

    static func apply(_ x: RuntimeTensor, starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?) throws -> RuntimeTensor {
        let axes = axes ?? Array(0..<starts.count)
        let steps = steps ?? [Int](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw RuntimeError.invalidInput(node: "", reason: "Slice: starts, ends, axes and steps differ in length")
        }
        var shape = x.shape
        var strides = StridedCopy.strides(x.shape)
        var offset = 0
        var seen = Set<Int>()
        for i in 0..<starts.count {
            let a = try NumericDispatch.axis(axes[i], rank: x.rank, "Slice")
            guard seen.insert(a).inserted else { throw RuntimeError.invalidInput(node: "", reason: "Slice: axis \(axes[i]) repeated") }
            let d = x.shape[a], step = steps[i]
            guard step != 0 else { throw RuntimeError.invalidInput(node: "", reason: "Slice: step 0 on axis \(axes[i])") }
            var start = starts[i] < 0 ? starts[i] &+ d : starts[i]
            var end = ends[i] < 0 ? ends[i] &+ d : ends[i]
            let count: Int
            if step > 0 {
                start = Swift.min(Swift.max(start, 0), d)
                end = Swift.min(Swift.max(end, 0), d)
                count = end > start ? (end - start + step - 1) / step : 0
            } else {
                start = Swift.min(Swift.max(start, -1), d - 1)
                end = Swift.min(Swift.max(end, -1), d - 1)
                count = start > end ? (start - end + (-step) - 1) / (-step) : 0
            }
            shape[a] = count
            if count > 0 { offset += start * strides[a] }
            strides[a] *= step
        }
        if shape.contains(0) { return try StridedCopy.materialize(x, offset: 0, strides: strides, shape: shape) }
        return try StridedCopy.materialize(x, offset: offset, strides: strides, shape: shape)
    }
}
