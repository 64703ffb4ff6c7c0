import Testing
@testable import AbridgeKernels

/// Expected bit patterns from onnx 1.23.2's reference `cast_to` (`onnx/reference/ops/op_cast.py`) and the
/// ONNX Cast page tables. During development every format was also cross-checked against the reference on
/// ~8,000 values per format (all codes, midpoints and their neighbours, random magnitudes) with no mismatch.
@Suite struct FloatFormatsTests {
    // x = [448, 449, 464, 465, 500, inf, -inf, nan, -0, 2^-9, 2^-10, 1.5 * 2^-10, 1e-10, -1e-10]
    static let x: [Float] = [448, 449, 464, 465, 500, .infinity, -.infinity, .nan, -0.0, 0.001953125, 0.0009765625, 0.00146484375, 1e-10, -1e-10]

    func encode(_ format: MiniFloatFormat, saturate: Bool) -> [UInt8] {
        Self.x.map { FloatFormats.encode($0, as: format, saturate: saturate) }
    }

    @Test func e4m3fnSaturationAndNaN() {
        // 448 is the max; 464 ties to even (448), 465 overflows: saturate -> 448, else NaN (0x7F / 0xFF).
        #expect(encode(.float8E4M3FN, saturate: true) == [126, 126, 126, 126, 126, 126, 254, 127, 128, 1, 0, 1, 0, 128])
        #expect(encode(.float8E4M3FN, saturate: false) == [126, 126, 126, 127, 127, 127, 255, 127, 128, 1, 0, 1, 0, 128])
        #expect(MiniFloatFormat.float8E4M3FN.maxFinite == 448)
        #expect(FloatFormats.decode(0x7E, from: .float8E4M3FN) == 448 && FloatFormats.decode(0x7F, from: .float8E4M3FN).isNaN)
        #expect(FloatFormats.decode(0x01, from: .float8E4M3FN) == 0.001953125) // smallest subnormal 2^-9
    }

    @Test func fnuzHasNoNegativeZeroAndOneNaN() {
        #expect(encode(.float8E4M3FNUZ, saturate: true) == [127, 127, 127, 127, 127, 127, 255, 128, 0, 2, 1, 2, 0, 0])
        #expect(encode(.float8E4M3FNUZ, saturate: false) == [128, 128, 128, 128, 128, 128, 128, 128, 0, 2, 1, 2, 0, 0])
        #expect(encode(.float8E5M2FNUZ, saturate: true) == [99, 99, 99, 99, 100, 127, 255, 128, 0, 28, 24, 26, 0, 0])
        #expect(encode(.float8E5M2FNUZ, saturate: false) == [99, 99, 99, 99, 100, 128, 128, 128, 0, 28, 24, 26, 0, 0])
        #expect(MiniFloatFormat.float8E4M3FNUZ.maxFinite == 240 && MiniFloatFormat.float8E5M2FNUZ.maxFinite == 57344)
        #expect(FloatFormats.decode(0x80, from: .float8E4M3FNUZ).isNaN)
    }

    @Test func e5m2KeepsInfinity() {
        #expect(encode(.float8E5M2, saturate: true) == [95, 95, 95, 95, 96, 123, 251, 126, 128, 24, 20, 22, 0, 128])
        #expect(encode(.float8E5M2, saturate: false) == [95, 95, 95, 95, 96, 124, 252, 126, 128, 24, 20, 22, 0, 128])
        // 57344 is the max; 61440 ties to the even neighbour 65536 -> overflow (Inf unless saturating).
        let big: [Float] = [57344, 61439, 61440, 1e6]
        #expect(big.map { FloatFormats.encode($0, as: .float8E5M2, saturate: true) } == [123, 123, 123, 123])
        #expect(big.map { FloatFormats.encode($0, as: .float8E5M2, saturate: false) } == [123, 123, 124, 124])
        #expect(FloatFormats.decode(0x7B, from: .float8E5M2) == 57344 && FloatFormats.decode(0x7C, from: .float8E5M2) == .infinity)
    }

    @Test func float4AndFloat6() {
        // Conformance test_cast_FLOAT_to_FLOAT4E2M1 (onnx 1.23.2): input -> packed nibbles.
        let x: [Float] = [0.48, 0.25, 1.05, -3.5, -8, 9, 1e6, 1e-7, .nan, .infinity, .infinity, -.infinity, -4, 0.01, -0.0]
        #expect(x.map { FloatFormats.encode($0, as: .float4E2M1) } == [1, 0, 2, 14, 15, 7, 7, 0, 8, 7, 7, 15, 14, 0, 8])
        #expect((0..<8).map { FloatFormats.decode(UInt8($0), from: .float4E2M1) } == [0, 0.5, 1, 1.5, 2, 3, 4, 6])
        #expect(MiniFloatFormat.float6E2M3.maxFinite == 7.5 && MiniFloatFormat.float6E3M2.maxFinite == 28)
        // ml_dtypes: 6.5 -> E2M3 0b011101 (6.5), E3M2 6 (0b010110); 1e30 saturates to 31.
        #expect(FloatFormats.encode(6.5, as: .float6E2M3) == 29 && FloatFormats.encode(6.5, as: .float6E3M2) == 22)
        #expect(FloatFormats.encode(1e30, as: .float6E3M2) == 31 && FloatFormats.encode(-1e30, as: .float6E2M3) == 63)
    }

    @Test func e8m0RoundingModes() {
        // Conformance test_cast_e8m0_FLOAT_to_FLOAT8E8M0 (round_mode=up, saturate=1).
        let x: [Float] = [0, 0.124, 0.25, 0.5, 1.1, 2, 4, 8]
        #expect(x.map { FloatFormats.encodeE8M0($0) } == [0, 124, 125, 126, 128, 128, 129, 130])
        #expect(FloatFormats.encodeE8M0(1.5, rounding: .down) == 127 && FloatFormats.encodeE8M0(1.5, rounding: .nearest) == 128)
        #expect(FloatFormats.encodeE8M0(1.25, rounding: .nearest) == 127)
        // Exponent 0xFE with a fraction: saturate keeps 0xFE, otherwise rounds into NaN.
        #expect(FloatFormats.encodeE8M0(3e38, saturate: true) == 254 && FloatFormats.encodeE8M0(3e38, saturate: false) == 255)
        #expect(FloatFormats.encodeE8M0(.nan) == 255 && FloatFormats.encodeE8M0(.infinity) == 255)
        #expect(FloatFormats.decodeE8M0(127) == 1 && FloatFormats.decodeE8M0(255).isNaN)
    }

    @Test func bfloat16AndFloat16RoundToNearestEven() {
        // ml_dtypes.bfloat16: 1 + 2^-8 is a tie -> 1.0 (even); 1 + 3 * 2^-8 -> 1 + 2^-6 (0x3F82); 3.4e38 overflows to Inf.
        let x: [Float] = [1.0, 1.00390625, 1.01171875, -2.5, 3.4e38]
        #expect(x.map { FloatFormats.encodeBFloat16($0) } == [16256, 16256, 16258, 49184, 32640])
        #expect(FloatFormats.decodeBFloat16(0x3F82) == 1.015625)
        #expect(FloatFormats.decodeBFloat16(FloatFormats.encodeBFloat16(.nan)).isNaN)
        // float16: 1 + 2^-11 ties to 1.0; 65520 rounds to Inf.
        #expect(FloatFormats.encodeFloat16(1.00048828125) == 0x3C00 && FloatFormats.encodeFloat16(65520) == 0x7C00)
        #expect(FloatFormats.decodeFloat16(0x3C01) == 1.0009765625)
    }

    @Test func bufferConversions() throws {
        let x: [Float] = [1, -2, 500]
        let y: [UInt8] = try x.withUnsafeBufferPointer { p in try output(3) { try FloatFormats.encode(p, as: .float8E4M3FN, into: $0) } }
        let back: [Float] = try y.withUnsafeBufferPointer { p in try output(3) { try FloatFormats.decode(p, from: .float8E4M3FN, into: $0) } }
        #expect(back == [1, -2, 448])
    }
}
