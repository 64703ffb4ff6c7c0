import AbridgeIR
import AbridgeKernels

/// `MaxPool` (onnx.ai/onnx/operators/onnx__MaxPool.html, since-versions 1, 8, 10, 11, 12, 22):
/// X `[N, C, D1..Dn]` -> Y `[N, C, O1..On]`, the maximum over each window (pads never win), with
/// `kernel_shape`, `strides`, `pads`, `auto_pad`, and from opset 10 `ceil_mode` and `dilations`.
/// The optional Indices output (opset 8+) holds flat int64 indices into X, row-major for
/// `storage_order` 0 and column-major for 1. Float types, and INT8/UINT8 (opset 12+).
struct MaxPool: OperatorKernel {
    static let sinceVersions = [1, 8, 10, 11, 12, 22]
    let attributes: ConvAttributes
    let storageOrder: Int
    /// Whether the node asks for the Indices output (computing it costs a table per window).
    let wantsIndices: Bool

    init(_ context: KernelBuildContext) throws {
        attributes = try ConvAttributes(context)
        let outputs = context.node.outputs
        wantsIndices = outputs.count > 1 && !outputs[1].name.isEmpty
        storageOrder = Int(clamping: try context.attributes.int("storage_order", default: 0))
        guard storageOrder == 0 || storageOrder == 1 else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "storage_order", reason: "must be 0 or 1")
        }
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        let g = try attributes.poolGeometry(x: x, op: "MaxPool")
        let shape = Array(x.shape[0..<2]) + g.output
        switch x.dataType {
        case .float: return try pool(x, g, shape, Float.self)
        case .double: return try pool(x, g, shape, Double.self)
        case .float16: return try pool(x, g, shape, Float16.self)
        case .int8: return try pool(x, g, shape, Int8.self)
        case .uint8: return try pool(x, g, shape, UInt8.self)
        case .bfloat16:
            var r = try pool(try FloatOperand.asFloat(x), g, shape, Float.self)
            if let y = r[0]?.tensor { r[0] = .tensor(try FloatOperand.narrowed(y, to: .bfloat16)) }
            return r
        default: throw RuntimeError.typeMismatch("MaxPool: unsupported input type \(x.dataType.shortName)")
        }
    }

    func pool<T: PoolingElement>(_ x: RuntimeTensor, _ g: ConvGeometry, _ shape: [Int], _: T.Type) throws -> [RuntimeValue?] {
        let y = try RuntimeTensor.allocate(x.dataType, shape)
        let order = storageOrder
        guard wantsIndices else {
            try FloatOperand.guarded("MaxPool") {
                try x.withUnsafeBuffer(as: T.self) { px in
                    try y.withUnsafeMutableBuffer(as: T.self) { py in
                        try Pooling.maxPool(px, shape: x.shape, geometry: g, storageOrder: order, into: py, indices: nil)
                    }
                }
            }
            return [.tensor(y)]
        }
        let indices = try RuntimeTensor.allocate(.int64, shape)
        try FloatOperand.guarded("MaxPool") {
            try x.withUnsafeBuffer(as: T.self) { px in
                try y.withUnsafeMutableBuffer(as: T.self) { py in
                    try indices.withUnsafeMutableBuffer(as: Int64.self) { pi in
                        try Pooling.maxPool(px, shape: x.shape, geometry: g, storageOrder: order, into: py, indices: pi)
                    }
                }
            }
        }
        return [.tensor(y), .tensor(indices)]
    }
}
