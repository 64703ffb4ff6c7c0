/// Conversions between Float and the small float formats ONNX uses (Cast, QuantizeLinear,
/// DequantizeLinear): float8 (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E8M0), float6 (E2M3, E3M2), float4 (E2M1),
/// bfloat16 and float16.
///
/// Rounding is round-to-nearest-even everywhere except E8M0 (explicit `round_mode`). Special values follow
/// the ONNX Cast page tables and the onnx 1.23.2 reference (`onnx/reference/ops/op_cast.py`, which with
/// `saturate` clips to `[-max, max]` and then converts with ml_dtypes): with `saturate`, ±Inf and values
/// rounding beyond the range become ±max; without it they become ±Inf (E5M2) or NaN (other float8 types).
/// Formats without NaN/Inf (float4/float6) always saturate, and map NaN to a zero whose sign bit is the
/// opposite of the NaN's (the reference's ml_dtypes behaviour, as in the conformance test
/// `test_cast_FLOAT_to_FLOAT4E2M1`). Values are returned right-aligned in a `UInt8`.
public enum FloatFormats {
    /// Encodes `x` in `format` (see the type documentation for special values).
    public static func encode(_ x: Float, as format: MiniFloatFormat, saturate: Bool = true) -> UInt8 {
        let signBit = format.signBit
        let negative = x.sign == .minus
        if x.isNaN {
            switch format.specials {
            case .ieee: return negative ? 0xFE : 0x7E
            case .nanAllOnes: return negative ? 0xFF : 0x7F
            case .nanNegativeZero: return 0x80
            case .none: return negative ? 0 : signBit
            }
        }
        let sign: UInt8 = negative ? signBit : 0
        let a = Double(x.magnitude)
        let maxFinite = format.maxFinite
        // Round |x| to the format's grid (round half to even), in Double (exact for these widths).
        var rounded = a
        if a.isFinite && a > 0 {
            let exponent = Swift.max(a.exponent, 1 - format.bias)
            let quantum = Double(sign: .plus, exponent: exponent - format.mantissaBits, significand: 1)
            rounded = (a / quantum).rounded(.toNearestOrEven) * quantum
        }
        if rounded > maxFinite {
            if saturate || format.specials == .none { return sign | format.maxFiniteBits }
            switch format.specials {
            case .ieee: return sign | UInt8(((1 << format.exponentBits) - 1) << format.mantissaBits)
            case .nanAllOnes: return sign | 0x7F
            case .nanNegativeZero: return 0x80
            case .none: return sign | format.maxFiniteBits
            }
        }
        if rounded == 0 {
            return format.specials == .nanNegativeZero ? 0 : sign
        }
        let bits: Int
        if rounded < format.minNormal {
            let step = Double(sign: .plus, exponent: 1 - format.bias - format.mantissaBits, significand: 1)
            bits = Int(rounded / step)
        } else {
            let e = rounded.exponent
            let mantissa = Int((rounded.significand - 1) * Double(1 << format.mantissaBits))
            bits = (Int(e) + format.bias) << format.mantissaBits | mantissa
        }
        return sign | UInt8(bits)
    }

    /// Decodes a right-aligned bit pattern of `format` to Float (NaN for NaN encodings).
    public static func decode(_ bits: UInt8, from format: MiniFloatFormat) -> Float {
        let width = format.bitWidth
        let v = Int(bits) & ((1 << width) - 1)
        let negative = v >> (width - 1) != 0
        let exponentField = (v >> format.mantissaBits) & ((1 << format.exponentBits) - 1)
        let mantissa = v & ((1 << format.mantissaBits) - 1)
        let exponentMax = (1 << format.exponentBits) - 1
        switch format.specials {
        case .ieee where exponentField == exponentMax:
            return mantissa == 0 ? (negative ? -.infinity : .infinity) : .nan
        case .nanAllOnes where exponentField == exponentMax && mantissa == (1 << format.mantissaBits) - 1:
            return .nan
        case .nanNegativeZero where v == 1 << (width - 1):
            return .nan
        default: break
        }
        let magnitude: Double
        if exponentField == 0 {
            magnitude = Double(mantissa) * Double(sign: .plus, exponent: 1 - format.bias - format.mantissaBits, significand: 1)
        } else {
            magnitude = Double(sign: .plus, exponent: exponentField - format.bias,
                               significand: 1 + Double(mantissa) / Double(1 << format.mantissaBits))
        }
        return Float(negative ? -magnitude : magnitude)
    }

    /// Rounding modes of ONNX Cast to FLOAT8E8M0 (`round_mode` attribute, opset 24).
    public enum E8M0Rounding: String, Sendable, CaseIterable {
        /// Any nonzero fraction rounds the exponent up (default, CUDA behaviour).
        case up
        /// Truncate the fraction.
        case down
        /// Round to nearest, ties to even exponent as the reference's guard/round/sticky logic does.
        case nearest
    }

    /// Encodes `x` as FLOAT8E8M0 (`2^(e - 127)`, 0xFF = NaN), exactly as onnx's reference
    /// `numpy_helper.to_float8e8m0`: the sign is ignored, NaN and ±Inf map to 0xFF, zero and float32
    /// subnormals start from exponent field 0, rounding per `rounding`; with `saturate` the exponent stops
    /// at 0xFE instead of rounding up into NaN. (The Cast page's table lists Inf -> E8M0_MAX with saturate;
    /// the reference, and its conformance data, produce NaN, which is what we follow.)
    public static func encodeE8M0(_ x: Float, saturate: Bool = true, rounding: E8M0Rounding = .up) -> UInt8 {
        let bits = x.bitPattern
        let exponent = Int((bits >> 23) & 0xFF)
        if exponent == 0xFF { return 0xFF }
        var roundUp: Bool
        switch rounding {
        case .down: roundUp = false
        case .up: roundUp = bits & 0x7F_FFFF != 0
        case .nearest:
            let guardBit = bits & 0x40_0000 != 0, roundBit = bits & 0x20_0000 != 0
            let sticky = bits & 0x1F_FFFF != 0, lsb = exponent > 0
            roundUp = guardBit && (roundBit || sticky || lsb)
        }
        if saturate && exponent == 0xFE { roundUp = false }
        return UInt8(exponent + (roundUp ? 1 : 0))
    }

    /// Decodes FLOAT8E8M0: `2^(bits - 127)`, 0xFF = NaN (0 decodes to 2^-127).
    public static func decodeE8M0(_ bits: UInt8) -> Float {
        bits == 0xFF ? .nan : Float(Double(sign: .plus, exponent: Int(bits) - 127, significand: 1))
    }

    /// Float -> bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN with its sign.
    public static func encodeBFloat16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// bfloat16 bits -> Float (exact).
    public static func decodeBFloat16(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// Float -> IEEE float16 bits, round to nearest even (Swift's `Float16(_:)`).
    public static func encodeFloat16(_ x: Float) -> UInt16 { Float16(x).bitPattern }

    /// IEEE float16 bits -> Float (exact).
    public static func decodeFloat16(_ bits: UInt16) -> Float { Float(Float16(bitPattern: bits)) }

    /// Buffer form of `encode`: `y[i] = encode(x[i])`, one right-aligned value per byte (pack float4 with
    /// `SubByte.pack`). - Throws: `KernelError.bufferSize`.
    public static func encode(_ x: UnsafeBufferPointer<Float>, as format: MiniFloatFormat, saturate: Bool = true,
                              into y: UnsafeMutableBufferPointer<UInt8>) throws {
        try Elementwise.map(x, into: y, grain: Elementwise.costlyGrain) { encode($0, as: format, saturate: saturate) }
    }

    /// Buffer form of `decode`. - Throws: `KernelError.bufferSize`.
    public static func decode(_ x: UnsafeBufferPointer<UInt8>, from format: MiniFloatFormat,
                              into y: UnsafeMutableBufferPointer<Float>) throws {
        // A 256-entry table makes decoding a lookup.
        let table = (0..<256).map { decode(UInt8($0), from: format) }
        try Elementwise.map(x, into: y) { table[Int($0)] }
    }
}
