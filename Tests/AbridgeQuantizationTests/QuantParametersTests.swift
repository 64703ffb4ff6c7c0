import Testing
@testable import AbridgeQuantization

/// Scale and zero point from a range, by hand from the ONNX QuantizeLinear formula
/// (x = (q - zero_point) * scale, zero exactly representable).
@Suite("Quantization parameters")
struct QuantParametersTests {
    @Test func asymmetricUInt8() {
        // [-1, 3]: scale = 4 / 255, zero point = round(0 - (-1) / scale) = round(63.75) = 64.
        let p = QuantParameters.forRange(-1, 3, type: .uint8, symmetric: false)
        #expect(abs(p.scale[0] - 4.0 / 255.0) < 1e-9)
        #expect(p.zeroPoint == [64])
    }

    @Test func rangeAlwaysIncludesZero() {
        // [2, 6] is widened to [0, 6]: scale 6 / 255, zero point 0.
        let p = QuantParameters.forRange(2, 6, type: .uint8, symmetric: false)
        #expect(abs(p.scale[0] - 6.0 / 255.0) < 1e-9)
        #expect(p.zeroPoint == [0])
    }

    @Test func symmetricInt8UsesTheRestrictedRange() {
        // max |x| = 2 maps to 127: scale = 2 / 127, zero point 0.
        let p = QuantParameters.forRange(-2, 1, type: .int8, symmetric: true)
        #expect(abs(p.scale[0] - 2.0 / 127.0) < 1e-9)
        #expect(p.zeroPoint == [0])
    }

    @Test func zeroRangeGetsAValidScale() {
        let p = QuantParameters.forRange(0, 0, type: .uint8, symmetric: false)
        #expect(p.scale == [1])
        #expect(p.zeroPoint == [0])
    }

    @Test func planValidationRejectsBadScalesAndZeroPoints() {
        #expect(throws: QuantizationError.self) {
            try QuantParameters(type: .uint8, scale: [0], zeroPoint: [0]).validate(tensor: "x", plan: "p")
        }
        #expect(throws: QuantizationError.self) {
            try QuantParameters(type: .uint8, scale: [0.1], zeroPoint: [300]).validate(tensor: "x", plan: "p")
        }
        #expect(throws: QuantizationError.self) {
            try QuantParameters(type: .int8, scale: [0.1, 0.2], zeroPoint: [0, 0]).validate(tensor: "w", plan: "p")
        }
        #expect(throws: Never.self) {
            try QuantParameters(type: .int8, scale: [0.1, 0.2], zeroPoint: [0, 0], axis: 0).validate(tensor: "w", plan: "p")
        }
    }

    @Test func perChannelWeightsRoundHalfToEven() {
        // Channel 0: max |w| = 1.27 -> scale 0.01; 0.025 / 0.01 = 2.5 rounds to 2 (half to even).
        // Channel 1: max |w| = 2.54 -> scale 0.02; -2.54 -> -127.
        let w: [Float] = [1.27, 0.025, -2.54, 0.03]
        let p = WeightQuantization.parameters(w, shape: [2, 2], axis: 0, type: .int8)
        #expect(p.scale.count == 2 && abs(p.scale[0] - 0.01) < 1e-7 && abs(p.scale[1] - 0.02) < 1e-7)
        #expect(WeightQuantization.quantize(w, shape: [2, 2], p) == [127, 2, -127, 2])
    }
}

/// The streaming histogram: samples with different ranges merge without losing counts.
@Suite("Calibration histogram")
struct HistogramTests {
    @Test func mergesSamplesOfDifferentRanges() {
        var h = Histogram(maxBins: 64)
        [Float(0), 0.5, 1, 1.5].withUnsafeBufferPointer { h.add($0) }
        [Float(100), -20].withUnsafeBufferPointer { h.add($0) }
        #expect(h.total == 6)
        #expect(h.counts.reduce(0, +) == 6)
        #expect(h.minValue == -20 && h.maxValue == 100)
        #expect(h.counts.count <= 64)
        #expect(h.quantile(1.0) == 100)
    }

    @Test func percentileOfUniformValues() {
        var s = TensorStatistics(histogram: true)
        let values = (0..<10_000).map { Float($0) / 10_000 }
        values.withUnsafeBufferPointer { s.add($0, averagingConstant: 0.01) }
        let (lo, hi) = s.range(.percentile(99.0))
        #expect(lo == 0)
        #expect(abs(hi - 0.99) < 0.01)
    }

    @Test func nonFiniteValuesAreCountedAndIgnored() {
        var s = TensorStatistics(histogram: false)
        [Float.nan, 1, -3, .infinity].withUnsafeBufferPointer { s.add($0, averagingConstant: 0.01) }
        #expect(s.nonFinite == 2)
        #expect(s.min == -3 && s.max == 1)
    }
}
