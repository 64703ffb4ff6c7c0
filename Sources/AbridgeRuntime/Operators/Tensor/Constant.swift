import AbridgeIR

/// `Constant` (onnx.ai/onnx/operators/onnx__Constant.html, since-versions 1, 9, 11, 12, 13, 19,
/// 21, 23, 24, 25): outputs the value of exactly one attribute: `value` (a tensor),
/// `sparse_value` (densified), `value_float`/`value_int`/`value_string` (scalars), or
/// `value_floats`/`value_ints`/`value_strings` (1-D). The tensor is built once, when the kernel
/// is built.
enum ConstantOp {
    static let sinceVersions = [1, 9, 11, 12, 13, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let value = try tensor(context.node)
        return ClosureKernel { _, _ in [.tensor(value)] }
    }

    static func tensor(_ node: Node) throws -> RuntimeTensor {
        let present = node.attributes.filter { $0.name?.hasPrefix("value") == true || $0.name == "sparse_value" }
        guard present.count == 1, let attribute = present.first, let name = attribute.name else {
            throw RuntimeError.invalidAttribute(node: node.label, name: "value",
                                                reason: "exactly one of value, sparse_value, value_* must be set (found \(present.count))")
        }
        func bad(_ reason: String) -> RuntimeError { .invalidAttribute(node: node.label, name: name, reason: reason) }
        switch (name, attribute.value) {
        case ("value", .tensor(let t)): return try TensorConversion.runtimeTensor(from: t)
        case ("sparse_value", .sparseTensor(let s)): return try TensorConversion.densify(s)
        case ("value_float", .float(let f)): return RuntimeTensor(.float, shape: [], values: [f])
        case ("value_floats", .floats(let f)): return RuntimeTensor(.float, shape: [f.count], values: f)
        case ("value_int", .int(let i)): return RuntimeTensor(.int64, shape: [], values: [i])
        case ("value_ints", .ints(let i)): return RuntimeTensor(.int64, shape: [i.count], values: i)
        case ("value_string", .string(let b)): return RuntimeTensor(strings: [String(decoding: b, as: UTF8.self)], shape: [])
        case ("value_strings", .strings(let l)): return RuntimeTensor(strings: l.map { String(decoding: $0, as: UTF8.self) }, shape: [l.count])
        default: throw bad("unknown attribute or wrong attribute type")
        }
    }
}
