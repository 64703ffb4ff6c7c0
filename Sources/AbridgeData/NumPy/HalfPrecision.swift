/// IEEE 754 binary16 ⇄ binary32 conversion on bit patterns, independent of `Float16`
/// availability (which differs between platforms).
enum HalfPrecision {
    /// Widens a binary16 bit pattern to `Float` (exact).
    static func float(from bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))  // inf or NaN (payload kept)
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }

    /// Narrows a `Float` to a binary16 bit pattern, rounding to nearest-even; overflow gives ±inf,
    /// NaN stays NaN (quiet).
    static func bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x007F_FFFF
        if exponent == 0xFF {
            return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7C00 }
        if unbiased >= -14 {
            // Normal half: keep 10 mantissa bits, round to nearest-even on the 13 dropped bits.
            var half = UInt32(unbiased + 15) << 10 | mantissa >> 13
            let dropped = mantissa & 0x1FFF
            if dropped > 0x1000 || (dropped == 0x1000 && half & 1 == 1) { half += 1 }  // may carry into inf
            return sign | UInt16(truncatingIfNeeded: half)
        }
        if unbiased < -25 { return sign }  // rounds to ±0
        // Subnormal half: value = m × 2^-24 with the implicit bit restored.
        let full = mantissa | 0x0080_0000
        let shift = UInt32(-unbiased - 14 + 13)  // 14...24
        var half = full >> shift
        let remainder = full & ((1 << shift) - 1)
        let halfway = UInt32(1) << (shift - 1)
        if remainder > halfway || (remainder == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }
}
