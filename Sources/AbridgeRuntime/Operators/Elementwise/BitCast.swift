import AbridgeIR

/// `BitCast` (onnx.ai/onnx/operators/onnx__BitCast.html, since-version 26): reinterprets the bits
/// of each element of `input` as type `to`, which must have the same width (numpy `view`); BOOL
/// results are normalized to 0/1. STRING and the sub-byte types are rejected.
enum BitCastOp {
    static let sinceVersions = [26]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        guard let raw = try context.attributes.int("to") else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "to", reason: "required attribute is missing")
        }
        let to = DataType(rawValue: Int32(clamping: raw))
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            guard x.dataType != .string, to != .string, !x.dataType.isSubByte, !to.isSubByte,
                  let a = RuntimeTensor.elementSize(x.dataType), let b = RuntimeTensor.elementSize(to), a == b else {
                throw RuntimeError.typeMismatch("BitCast: cannot reinterpret \(x.dataType.shortName) as \(to.shortName)")
            }
            let view = RuntimeTensor(dataType: to, shape: x.shape, storage: x.storage)
            if to == .bool { return [.tensor(try NumericDispatch.unary(view, as: UInt8.self, into: .bool, Bool.self) { $0 != 0 })] }
            return [.tensor(view)]
        }
    }
}
