import AbridgeIR

/// `Range` (onnx.ai/onnx/operators/onnx__Range.html, since-version 11): `start, start + delta,
/// ...` below `limit` (above it for negative `delta`): `max(ceil((limit - start) / delta), 0)`
/// elements of the inputs' type (FLOAT, DOUBLE, INT16, INT32, INT64; FLOAT16 and BFLOAT16 from
/// opset 27), float types computed as `start + i * delta` in DOUBLE (numpy `arange`, as the
/// reference) and rounded to the type.
enum RangeOp {
    static let sinceVersions = [11, 27]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        ClosureKernel { inputs, _ in
            let s = try inputs.tensor(0, "start"), l = try inputs.tensor(1, "limit"), d = try inputs.tensor(2, "delta")
            guard s.count == 1, l.count == 1, d.count == 1 else {
                throw RuntimeError.invalidInput(node: "", reason: "Range: start, limit and delta must be scalars")
            }
            guard s.dataType == l.dataType, s.dataType == d.dataType else {
                throw RuntimeError.typeMismatch("Range: start, limit and delta must have one type")
            }
            switch s.dataType {
            case .float, .double, .float16, .bfloat16: return [.tensor(try floating(s, l, d))]
            case .int16: return [.tensor(try integer(s, l, d, Int16.self))]
            case .int32: return [.tensor(try integer(s, l, d, Int32.self))]
            case .int64: return [.tensor(try integer(s, l, d, Int64.self))]
            default: throw NumericDispatch.unsupported("Range", s.dataType)
            }
        }
    }

    static func floating(_ s: RuntimeTensor, _ l: RuntimeTensor, _ d: RuntimeTensor) throws -> RuntimeTensor {
        func value(_ t: RuntimeTensor) throws -> Double { try CastOp.convert(t, to: .double).withUnsafeBuffer(as: Double.self) { $0[0] } }
        let start = try value(s), limit = try value(l), delta = try value(d)
        let steps = ((limit - start) / delta).rounded(.up)
        guard !steps.isNaN, steps < 1e10 else { throw RuntimeError.invalidInput(node: "", reason: "Range: invalid or too large element count") }
        let n = Swift.max(0, Int(Swift.max(steps, 0)))
        let values = RuntimeTensor(.double, shape: [n], values: (0..<n).map { start + Double($0) * delta })
        return try CastOp.convert(values, to: s.dataType)
    }

    static func integer<T: FixedWidthInteger>(_ s: RuntimeTensor, _ l: RuntimeTensor, _ d: RuntimeTensor, _: T.Type) throws -> RuntimeTensor {
        let start = Int64(s.withUnsafeBuffer(as: T.self) { $0[0] }), limit = Int64(l.withUnsafeBuffer(as: T.self) { $0[0] })
        let delta = Int64(d.withUnsafeBuffer(as: T.self) { $0[0] })
        guard delta != 0 else { throw RuntimeError.invalidInput(node: "", reason: "Range: delta is 0") }
        let (span, overflow) = limit.subtractingReportingOverflow(start)
        guard !overflow else { throw RuntimeError.invalidInput(node: "", reason: "Range: limit - start overflows") }
        var n = span.dividedReportingOverflow(by: delta).partialValue
        if span.remainderReportingOverflow(dividingBy: delta).partialValue != 0 && (span < 0) == (delta < 0) { n += 1 }
        n = Swift.max(0, n)
        guard n < 1 << 34 else { throw RuntimeError.invalidInput(node: "", reason: "Range: too many elements") }
        return RuntimeTensor(s.dataType, shape: [Int(n)], values: (0..<Int(n)).map { T(truncatingIfNeeded: start &+ Int64($0) &* delta) })
    }
}
