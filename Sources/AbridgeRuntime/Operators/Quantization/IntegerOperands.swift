import AbridgeIR
import AbridgeKernels

/// Dispatch of 8-bit operand pairs for MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv:
/// each operand is UINT8 or INT8 (the QLinear ops of opset 21 use the same pairs).
enum IntegerOperands {
    /// Receives the Swift element types of both operands.
    protocol Pair {
        func run<A: FixedWidthInteger, B: FixedWidthInteger>(_: A.Type, _: B.Type) throws
    }

    /// Calls `body.run` with the element types of `a` and `b`.
    /// - Throws: `RuntimeError.typeMismatch` naming `op` for types other than UINT8/INT8.
    static func dispatch(_ a: DataType, _ b: DataType, op: String, _ body: some Pair) throws {
        switch (a, b) {
        case (.uint8, .uint8): try body.run(UInt8.self, UInt8.self)
        case (.uint8, .int8): try body.run(UInt8.self, Int8.self)
        case (.int8, .uint8): try body.run(Int8.self, UInt8.self)
        case (.int8, .int8): try body.run(Int8.self, Int8.self)
        default: throw RuntimeError.typeMismatch("\(op): operands must be uint8 or int8, got \(a.shortName) and \(b.shortName)")
        }
    }

    /// Checks a zero point's type against its operand's.
    static func check(_ zero: RuntimeTensor?, _ operand: RuntimeTensor, _ role: String, op: String) throws {
        if let zero, zero.dataType != operand.dataType {
            throw RuntimeError.typeMismatch("\(op): \(role) is \(zero.dataType.shortName), its operand \(operand.dataType.shortName)")
        }
    }

    /// Requantizes Int32 accumulators as the QLinear references do:
    /// `y = saturate(rint(Double(acc) * multiplier[c]) + zeroPoint)` where `c = (i / inner) % channels`
    /// selects the multiplier (one value when `multipliers.count == 1`).
    static func requantize<Q: FixedWidthInteger>(_ acc: RuntimeTensor, multipliers: [Double], channels: Int, inner: Int,
                                                 zeroPoint: Int32, _: Q.Type, into y: RuntimeTensor) {
        let lo = Double(Q.min), hi = Double(Q.max), z = Double(zeroPoint)
        let perChannel = multipliers.count > 1
        acc.withUnsafeBuffer(as: Int32.self) { pa in
            y.withUnsafeMutableBuffer(as: Q.self) { py in
                ParallelFor.run(pa.count, minChunk: 1 << 14) { range in
                    for i in range {
                        let m = multipliers[perChannel ? (i / inner) % channels : 0]
                        let v = (Double(pa[i]) * m).rounded(.toNearestOrEven) + z
                        py[i] = Q(Swift.min(Swift.max(v, lo), hi))
                    }
                }
            }
        }
    }
}
