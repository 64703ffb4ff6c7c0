import AbridgeIR
import AbridgeKernels

/// `Clip` (onnx.ai/onnx/operators/onnx__Clip.html, since-versions 1, 6, 11, 12, 13):
/// Y = min(max(X, min), max), element-wise; NaN propagates; when min > max every element becomes
/// max (numpy `clip`, as the reference). Opset 1/6 take `min`/`max` attributes (default: the
/// float range); opset 11+ take optional scalar inputs `min` and `max` (default: the type's
/// range), and opset 12+ accept the integer types (computed exactly).
enum Clip {
    static let sinceVersions = [1, 6, 11, 12, 13]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        if context.opset < 11 {
            let lo = try context.attributes.float("min", default: -.greatestFiniteMagnitude)
            let hi = try context.attributes.float("max", default: .greatestFiniteMagnitude)
            return UnaryActivationKernel(op: .clip(min: lo, max: hi), name: "Clip")
        }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "input")
            let lo = try inputs.optionalTensor(1), hi = try inputs.optionalTensor(2)
            for bound in [lo, hi] {
                if let b = bound, b.count != 1 { throw RuntimeError.invalidInput(node: "", reason: "Clip: min/max must be scalars, got shape \(b.shape)") }
            }
            switch x.dataType {
            case .int8: return [.tensor(try integer(x, lo, hi, Int8.self))]
            case .uint8: return [.tensor(try integer(x, lo, hi, UInt8.self))]
            case .int16: return [.tensor(try integer(x, lo, hi, Int16.self))]
            case .uint16: return [.tensor(try integer(x, lo, hi, UInt16.self))]
            case .int32: return [.tensor(try integer(x, lo, hi, Int32.self))]
            case .uint32: return [.tensor(try integer(x, lo, hi, UInt32.self))]
            case .int64: return [.tensor(try integer(x, lo, hi, Int64.self))]
            case .uint64: return [.tensor(try integer(x, lo, hi, UInt64.self))]
            case .double:
                let l = try lo.map { try FloatOperand.widened($0).withUnsafeBuffer(as: Double.self) { $0[0] } } ?? -.infinity
                let h = try hi.map { try FloatOperand.widened($0).withUnsafeBuffer(as: Double.self) { $0[0] } } ?? .infinity
                let y = try RuntimeTensor.allocate(.double, x.shape)
                try FloatOperand.guarded("Clip") {
                    try x.withUnsafeBuffer(as: Double.self) { src in
                        try y.withUnsafeMutableBuffer(as: Double.self) { dst in
                            try Elementwise.map(src, into: dst) { $0.isNaN ? $0 : Swift.min(Swift.max($0, l), h) }
                        }
                    }
                }
                return [.tensor(y)]
            default:
                let l = try lo.map { try FloatOperand.scalar($0, "min") } ?? -.infinity
                let h = try hi.map { try FloatOperand.scalar($0, "max") } ?? .infinity
                return [.tensor(try UnaryActivationKernel.apply(.clip(min: l, max: h), x, name: "Clip"))]
            }
        }
    }

    static func integer<T: FixedWidthInteger>(_ x: RuntimeTensor, _ lo: RuntimeTensor?, _ hi: RuntimeTensor?, _: T.Type) throws -> RuntimeTensor {
        func bound(_ t: RuntimeTensor?, _ d: T) throws -> T {
            guard let t else { return d }
            guard t.dataType == x.dataType else { throw RuntimeError.typeMismatch("Clip: bound type \(t.dataType.shortName) differs from input \(x.dataType.shortName)") }
            return t.withUnsafeBuffer(as: T.self) { $0[0] }
        }
        let l = try bound(lo, T.min), h = try bound(hi, T.max)
        let y = try RuntimeTensor.allocate(x.dataType, x.shape)
        try FloatOperand.guarded("Clip") {
            try x.withUnsafeBuffer(as: T.self) { src in
                try y.withUnsafeMutableBuffer(as: T.self) { dst in try Elementwise.map(src, into: dst) { Swift.min(Swift.max($0, l), h) } }
            }
        }
        return y
    }
}
