import AbridgeIR
import AbridgeONNX
import AbridgeRuntime
import AbridgeKernels

/// Comparison of runtime results with ONNX's expected outputs, with the tolerances of ONNX's own
/// backend tests (`onnx/backend/test/runner`, `assert_similar_outputs`): floating-point outputs
/// pass when `|actual - expected| <= atol + rtol * |expected|` (rtol 1e-3, atol 1e-7), NaN
/// matches NaN and infinities must match exactly; integers, booleans and strings must be equal.
/// Shape and element type are checked first.
enum ConformanceComparison {
    static let rtol = 1e-3
    static let atol = 1e-7

    /// Converts test data to a runtime value (feeds).
    static func runtimeValue(_ v: DataValue) throws -> RuntimeValue {
        switch v {
        case .tensor(let t): return .tensor(try TensorConversion.runtimeTensor(from: t))
        case .sequence(let items):
            return .sequence(try items.map { item in
                guard case .tensor(let t) = item else { throw ComparisonFailure("sequences of non-tensors are not supported by the runtime") }
                return try TensorConversion.runtimeTensor(from: t)
            })
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return .optional(try runtimeValue(inner))
        }
    }

    /// Compares `actual` with `expected`.
    /// - Throws: `ComparisonFailure` describing the first difference (kind, type, shape, or the
    ///   worst element with its index and both values).
    static func compare(_ actual: RuntimeValue, _ expected: DataValue, output: String) throws {
        switch (actual, expected) {
        case (.tensor(let a), .tensor(let e)):
            try compare(a, try TensorConversion.runtimeTensor(from: e), output: output)
        case (.sequence(let a), .sequence(let e)):
            guard a.count == e.count else {
                throw ComparisonFailure("output '\(output)': sequence has \(a.count) elements, expected \(e.count)")
            }
            for (i, (x, y)) in zip(a, e).enumerated() {
                try compare(.tensor(x), y, output: "\(output)[\(i)]")
            }
        case (.optional(let a), .optional(let e)):
            switch (a, e) {
            case (nil, nil): return
            case (let x?, let y?): try compare(x, y, output: output)
            case (nil, _?): throw ComparisonFailure("output '\(output)': optional is empty, expected a value")
            case (_?, nil): throw ComparisonFailure("output '\(output)': optional holds a value, expected none")
            }
        case (.optional(let a?), _):
            // Some backends return the element of a non-empty optional directly; ONNX's test data
            // do the same for optional outputs written as plain tensors.
            try compare(a, expected, output: output)
        case (_, .optional(let e?)):
            try compare(actual, e, output: output)
        default:
            throw ComparisonFailure("output '\(output)': got \(kind(actual)), expected \(kind(expected))")
        }
    }

    static func kind(_ v: RuntimeValue) -> String {
        switch v {
        case .tensor: return "a tensor"
        case .sequence: return "a sequence"
        case .optional: return "an optional"
        }
    }

    static func kind(_ v: DataValue) -> String {
        switch v {
        case .tensor: return "a tensor"
        case .sequence: return "a sequence"
        case .optional: return "an optional"
        }
    }

    static func compare(_ a: RuntimeTensor, _ e: RuntimeTensor, output: String) throws {
        guard a.dataType == e.dataType else {
            throw ComparisonFailure("output '\(output)': element type \(a.dataType), expected \(e.dataType)")
        }
        guard a.shape == e.shape else {
            throw ComparisonFailure("output '\(output)': shape \(a.shape), expected \(e.shape)")
        }
        let n = e.count
        if e.dataType == .string {
            let x = a.strings ?? [], y = e.strings ?? []
            guard x.count == n, y.count == n else { throw ComparisonFailure("output '\(output)': string count mismatch") }
            for i in 0..<n where x[i] != y[i] {
                throw ComparisonFailure("output '\(output)': element \(index(i, e.shape)) is \"\(x[i])\", expected \"\(y[i])\"")
            }
            return
        }
        if let x = try floats(a), let y = try floats(e) {
            guard x.count == y.count else { throw ComparisonFailure("output '\(output)': element count \(x.count), expected \(y.count)") }
            var worst = -1, worstExcess = 0.0, mismatches = 0
            for i in 0..<y.count {
                let u = x[i], v = y[i]
                if u.isNaN && v.isNaN { continue }
                if u == v { continue }
                let excess: Double
                if u.isNaN || v.isNaN || u.isInfinite || v.isInfinite {
                    excess = .infinity
                } else {
                    excess = Swift.abs(u - v) - (atol + rtol * Swift.abs(v))
                    if excess <= 0 { continue }
                }
                mismatches += 1
                if worst < 0 || excess > worstExcess { worst = i; worstExcess = excess }
            }
            if worst >= 0 {
                let components = e.dataType.isComplex ? 2 : 1
                throw ComparisonFailure("output '\(output)' (\(e.dataType.shortName) \(e.shape)): \(mismatches) of \(y.count) values differ; worst at \(index(worst / components, e.shape))\(components == 2 ? (worst % 2 == 0 ? ".real" : ".imag") : ""): got \(x[worst]), expected \(y[worst]) (rtol \(rtol), atol \(atol))")
            }
            return
        }
        let x = try a.int64Values(), y = try e.int64Values()
        guard x.count >= n, y.count >= n else { throw ComparisonFailure("output '\(output)': element count mismatch") }
        var mismatches = 0, first = -1
        for i in 0..<n where x[i] != y[i] {
            mismatches += 1
            if first < 0 { first = i }
        }
        if first >= 0 {
            throw ComparisonFailure("output '\(output)' (\(e.dataType.shortName) \(e.shape)): \(mismatches) of \(n) values differ (exact comparison); first at \(index(first, e.shape)): got \(x[first]), expected \(y[first])")
        }
    }

    /// Elements of a floating-point tensor as Double (complex as interleaved pairs), nil for
    /// other types.
    static func floats(_ t: RuntimeTensor) throws -> [Double]? {
        let n = t.count
        func decoded(_ f: (UInt8) -> Float) -> [Double] {
            t.withUnsafeBuffer(as: UInt8.self) { b in (0..<n).map { Double(f(b[$0])) } }
        }
        switch t.dataType {
        case .float: return t.withUnsafeBuffer(as: Float.self) { b in (0..<n).map { Double(b[$0]) } }
        case .double: return t.withUnsafeBuffer(as: Double.self) { b in Array(b.prefix(n)) }
        case .float16: return t.withUnsafeBuffer(as: Float16.self) { b in (0..<n).map { Double(b[$0]) } }
        case .bfloat16: return t.withUnsafeBuffer(as: UInt16.self) { b in (0..<n).map { Double(FloatFormats.decodeBFloat16(b[$0])) } }
        case .complex64: return t.withUnsafeBuffer(as: Float.self) { b in (0..<(2 * n)).map { Double(b[$0]) } }
        case .complex128: return t.withUnsafeBuffer(as: Double.self) { b in Array(b.prefix(2 * n)) }
        case .float8e4m3fn: return decoded { FloatFormats.decode($0, from: .float8E4M3FN) }
        case .float8e4m3fnuz: return decoded { FloatFormats.decode($0, from: .float8E4M3FNUZ) }
        case .float8e5m2: return decoded { FloatFormats.decode($0, from: .float8E5M2) }
        case .float8e5m2fnuz: return decoded { FloatFormats.decode($0, from: .float8E5M2FNUZ) }
        case .float8e8m0: return decoded { FloatFormats.decodeE8M0($0) }
        case .float4e2m1: return decoded { FloatFormats.decode($0, from: .float4E2M1) }
        case .float6e2m3: return decoded { FloatFormats.decode($0, from: .float6E2M3) }
        case .float6e3m2: return decoded { FloatFormats.decode($0, from: .float6E3M2) }
        default: return nil
        }
    }

    /// Multi-dimensional index of linear index `i` in `shape`.
    static func index(_ i: Int, _ shape: [Int]) -> String {
        var rest = i
        var coords = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
            coords[d] = rest % shape[d]
            rest /= shape[d]
        }
        return "[" + coords.map(String.init).joined(separator: ", ") + "]"
    }
}

/// A mismatch between a runtime result and the expected output.
struct ComparisonFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
