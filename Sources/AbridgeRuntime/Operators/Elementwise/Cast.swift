import AbridgeIR
import AbridgeKernels

/// `Cast` (onnx.ai/onnx/operators/onnx__Cast.html, since-versions 1, 6, 9, 13, 19, 21, 23, 24,
/// 25): converts every element of `input` to the type `to`.
///
/// Integers, FLOAT, DOUBLE, FLOAT16 and BOOL convert directly: float to integer truncates toward
/// zero (NaN gives 0), integer to integer wraps, float to float rounds to nearest even, anything
/// to BOOL is `x != 0`. BFLOAT16, the float8/float6/float4 types and FLOAT8E8M0 go through FLOAT
/// with AbridgeKernels' `FloatFormats` (round to nearest even; `saturate` (opset 19+, default 1)
/// clamps out-of-range values to the largest finite value, as the spec's tables say;
/// `round_mode` for FLOAT8E8M0, opset 24). INT4/UINT4/INT2/UINT2 targets truncate toward zero and
/// wrap to their width, as the onnx 1.23.2 reference (`astype` of ml_dtypes) and its conformance
/// data do. STRING parses
/// (`strtod` syntax, "inf"/"nan" accepted) or prints (shortest round-trip form, numpy's `str`).
enum CastOp {
    static let sinceVersions = [1, 6, 9, 13, 19, 21, 23, 24, 25]

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let a = context.attributes
        guard let toRaw = try a.int("to") else { throw RuntimeError.invalidAttribute(node: context.node.label, name: "to", reason: "required attribute is missing") }
        let to = DataType(rawValue: Int32(clamping: toRaw))
        guard to == .string || RuntimeTensor.elementSize(to) != nil, !to.isComplex else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "to", reason: "cannot cast to \(to)")
        }
        let saturate = try a.int("saturate", default: 1) != 0
        let rounding = try roundMode(a)
        return ClosureKernel { inputs, _ in
            [.tensor(try convert(try inputs.tensor(0, "input"), to: to, saturate: saturate, rounding: rounding))]
        }
    }

    static func roundMode(_ a: NodeAttributes) throws -> FloatFormats.E8M0Rounding {
        let s = try a.string("round_mode", default: "up")
        guard let r = FloatFormats.E8M0Rounding(rawValue: s) else {
            throw RuntimeError.invalidAttribute(node: a.node.label, name: "round_mode", reason: "'\(s)' is not up, down or nearest")
        }
        return r
    }

    /// Converts `x` to `type` (see the type documentation).
    /// - Throws: `RuntimeError.typeMismatch` for complex types or unknown types.
    static func convert(_ x: RuntimeTensor, to type: DataType, saturate: Bool = true,
                        rounding: FloatFormats.E8M0Rounding = .up) throws -> RuntimeTensor {
        if x.dataType == type { return x }
        if type == .string { return try toStrings(x) }
        if x.dataType == .string { return try convert(try fromStrings(x, preferring: type), to: type, saturate: saturate, rounding: rounding) }
        if let direct = try direct(x, to: type) { return direct }
        // Sub-byte integer sources are stored as Int8/UInt8: relabel and convert directly.
        switch x.dataType {
        case .int4, .int2: return try convert(RuntimeTensor(dataType: .int8, shape: x.shape, storage: x.storage), to: type, saturate: saturate, rounding: rounding)
        case .uint4, .uint2: return try convert(RuntimeTensor(dataType: .uint8, shape: x.shape, storage: x.storage), to: type, saturate: saturate, rounding: rounding)
        default: break
        }
        if let format = miniFormat(x.dataType) {
            let f = try NumericDispatch.unary(x, as: UInt8.self, into: .float, Float.self) { FloatFormats.decode($0, from: format) }
            return try convert(f, to: type, saturate: saturate, rounding: rounding)
        }
        switch x.dataType {
        case .bfloat16:
            return try convert(try NumericDispatch.widen(x), to: type, saturate: saturate, rounding: rounding)
        case .float8e8m0:
            let f = try NumericDispatch.unary(x, as: UInt8.self, into: .float, Float.self) { FloatFormats.decodeE8M0($0) }
            return try convert(f, to: type, saturate: saturate, rounding: rounding)
        default: break
        }
        // Targets reached through FLOAT.
        let isPlain = directType(x.dataType)
        guard isPlain else { throw RuntimeError.typeMismatch("Cast from \(x.dataType) is not supported") }
        let f = x.dataType == .float ? x : try convert(x, to: x.dataType == .double ? .double : .float, saturate: saturate)
        if let format = miniFormat(type) {
            let f32 = f.dataType == .float ? f : try convert(f, to: .float)
            return try NumericDispatch.unary(f32, as: Float.self, into: type, UInt8.self) { FloatFormats.encode($0, as: format, saturate: saturate) }
        }
        switch type {
        case .bfloat16:
            let f32 = f.dataType == .float ? f : try convert(f, to: .float)
            return try NumericDispatch.narrow(f32, to: .bfloat16)
        case .float8e8m0:
            let f32 = f.dataType == .float ? f : try convert(f, to: .float)
            return try NumericDispatch.unary(f32, as: Float.self, into: type, UInt8.self) { FloatFormats.encodeE8M0($0, saturate: saturate, rounding: rounding) }
        case .int4, .int2, .uint4, .uint2:
            // ml_dtypes semantics (the reference's `astype`): truncate toward zero, then wrap to
            // the width (two's complement for the signed types).
            let bits = type.bitWidth ?? 4, signed = type == .int4 || type == .int2
            let i = try convert(f, to: .int64)
            let mask = Int64((1 << bits) - 1), signBit = Int64(1 << (bits - 1))
            return try NumericDispatch.unary(i, as: Int64.self, into: type, UInt8.self) { v in
                var w = v & mask
                if signed && w & signBit != 0 { w -= 1 << bits }
                return UInt8(truncatingIfNeeded: w)
            }
        default:
            throw RuntimeError.typeMismatch("Cast to \(type) is not supported")
        }
    }

    static func directType(_ t: DataType) -> Bool {
        switch t {
        case .float, .double, .float16, .bool, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    static func miniFormat(_ t: DataType) -> MiniFloatFormat? {
        MiniFloatFormat(dataType: t)
    }

    /// Direct conversion between the `CastElement` types, or nil when either type is not one.
    static func direct(_ x: RuntimeTensor, to type: DataType) throws -> RuntimeTensor? {
        guard directType(x.dataType), directType(type) else { return nil }
        switch x.dataType {
        case .float: return try target(x, Float.self, to: type)
        case .double: return try target(x, Double.self, to: type)
        case .float16: return try target(x, Float16.self, to: type)
        case .bool: return try target(x, Bool.self, to: type)
        case .int8: return try target(x, Int8.self, to: type)
        case .int16: return try target(x, Int16.self, to: type)
        case .int32: return try target(x, Int32.self, to: type)
        case .int64: return try target(x, Int64.self, to: type)
        case .uint8: return try target(x, UInt8.self, to: type)
        case .uint16: return try target(x, UInt16.self, to: type)
        case .uint32: return try target(x, UInt32.self, to: type)
        case .uint64: return try target(x, UInt64.self, to: type)
        default: return nil
        }
    }

    static func target<S: CastElement>(_ x: RuntimeTensor, _ s: S.Type, to type: DataType) throws -> RuntimeTensor? {
        switch type {
        case .float: return try cast(x, S.self, type, Float.self)
        case .double: return try cast(x, S.self, type, Double.self)
        case .float16: return try cast(x, S.self, type, Float16.self)
        case .bool: return try cast(x, S.self, type, Bool.self)
        case .int8: return try cast(x, S.self, type, Int8.self)
        case .int16: return try cast(x, S.self, type, Int16.self)
        case .int32: return try cast(x, S.self, type, Int32.self)
        case .int64: return try cast(x, S.self, type, Int64.self)
        case .uint8: return try cast(x, S.self, type, UInt8.self)
        case .uint16: return try cast(x, S.self, type, UInt16.self)
        case .uint32: return try cast(x, S.self, type, UInt32.self)
        case .uint64: return try cast(x, S.self, type, UInt64.self)
        default: return nil
        }
    }

    static func cast<S: CastElement, D: CastElement>(_ x: RuntimeTensor, _: S.Type, _ type: DataType, _: D.Type) throws -> RuntimeTensor {
        let unsigned = x.dataType == .uint64
        return try NumericDispatch.unary(x, as: S.self, into: type, D.self) { s in
            if let i = s.castInteger { return D.fromInteger(i, unsigned: unsigned) }
            return D.fromDouble(s.castDouble)
        }
    }

    /// Parses STRING elements as numbers: INT64 (or UINT64) when the target is an integer type
    /// and every element is an integer literal, DOUBLE otherwise; BOOL targets accept
    /// "true"/"false" too.
    static func fromStrings(_ x: RuntimeTensor, preferring type: DataType) throws -> RuntimeTensor {
        let items = x.strings ?? []
        if type.isInteger {
            let ints = items.map { Int64($0.trimmingSpaces) }
            if ints.allSatisfy({ $0 != nil }) { return RuntimeTensor(.int64, shape: x.shape, values: ints.map { $0 ?? 0 }) }
        }
        var values = [Double](repeating: 0, count: items.count)
        for (i, s) in items.enumerated() {
            let t = s.trimmingSpaces
            if let d = Double(t) { values[i] = d; continue }
            switch t.lowercased() {
            case "true": values[i] = 1
            case "false": values[i] = 0
            case "+inf", "+infinity": values[i] = .infinity
            default: throw RuntimeError.invalidInput(node: "", reason: "Cast: '\(s)' is not a number")
            }
        }
        return RuntimeTensor(.double, shape: x.shape, values: values)
    }

    /// Prints elements as numpy's `str` does (shortest round-trip form).
    static func toStrings(_ x: RuntimeTensor) throws -> RuntimeTensor {
        let n = x.count
        let out: [String]
        switch x.dataType {
        case .float: out = x.withUnsafeBuffer(as: Float.self) { b in (0..<n).map { Self.text(b[$0]) } }
        case .double: out = x.withUnsafeBuffer(as: Double.self) { b in (0..<n).map { Self.text(b[$0]) } }
        case .float16: out = x.withUnsafeBuffer(as: Float16.self) { b in (0..<n).map { Self.text(b[$0]) } }
        case .bool: out = x.withUnsafeBuffer(as: Bool.self) { b in (0..<n).map { b[$0] ? "True" : "False" } }
        case .uint64: out = x.withUnsafeBuffer(as: UInt64.self) { b in (0..<n).map { String(b[$0]) } }
        default:
            if x.dataType.isInteger { out = try x.int64Values().map { String($0) }; break }
            let f = try convert(x, to: .float)
            out = f.withUnsafeBuffer(as: Float.self) { b in (0..<n).map { Self.text(b[$0]) } }
        }
        return RuntimeTensor(strings: out, shape: x.shape)
    }

    static func text<T: BinaryFloatingPoint & CustomStringConvertible>(_ v: T) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return v.description
    }
}

extension String {
    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
