/// ONNX `auto_pad` attribute values (Conv, ConvTranspose, MaxPool, AveragePool, LpPool).
public enum AutoPad: String, Sendable, CaseIterable {
    /// Explicit `pads` are used.
    case notSet = "NOTSET"
    /// Pad so the output is `ceil(in / stride)` (`in * stride` for ConvTranspose); odd extra at the end.
    case sameUpper = "SAME_UPPER"
    /// As `sameUpper`, odd extra at the beginning.
    case sameLower = "SAME_LOWER"
    /// No padding.
    case valid = "VALID"
}

/// Spatial geometry of a convolution or pooling window: per spatial axis, the input and output sizes,
/// kernel size, stride, dilation and the begin/end pads (all resolved, no `auto_pad` left).
///
/// For `Conv`/pooling, `input` is X's spatial shape `[D1, ..., Dn]` and `output` Y's. For `ConvTranspose`,
/// `input` is still X's spatial shape and `output` the (larger) Y's, and the pads crop Y.
public struct ConvGeometry: Equatable, Sendable {
    /// Input spatial shape `[D1, ..., Dn]`.
    public var input: [Int]
    /// Kernel spatial shape `[k1, ..., kn]`.
    public var kernel: [Int]
    /// Strides, one per axis (>= 1).
    public var strides: [Int]
    /// Dilations, one per axis (>= 1).
    public var dilations: [Int]
    /// Pads added before each axis.
    public var padsBegin: [Int]
    /// Pads added after each axis.
    public var padsEnd: [Int]
    /// Output spatial shape.
    public var output: [Int]

    /// Number of spatial axes.
    public var rank: Int { input.count }
    /// Effective (dilated) kernel extent per axis: `(k - 1) * d + 1`.
    public var effectiveKernel: [Int] { (0..<rank).map { (kernel[$0] - 1) * dilations[$0] + 1 } }
    /// ONNX-layout pads `[x1_begin, ..., xn_begin, x1_end, ..., xn_end]`.
    public var onnxPads: [Int] { padsBegin + padsEnd }

    /// Builds a geometry with explicit values, validating ranks and ranges.
    /// - Throws: `KernelError.invalidArgument` on rank mismatch, non-positive kernel/stride/dilation,
    ///   negative pads or output sizes.
    public init(input: [Int], kernel: [Int], strides: [Int], dilations: [Int],
                padsBegin: [Int], padsEnd: [Int], output: [Int]) throws {
        try self.init(input: input, kernel: kernel, strides: strides, dilations: dilations, padsBegin: padsBegin,
                      padsEnd: padsEnd, output: output, allowNegativePads: false)
    }

    /// As the public initializer; `allowNegativePads` admits the negative pads that ConvTranspose's
    /// `auto_pad`/`output_shape` rules produce when the output is larger than the full transposed result.
    init(input: [Int], kernel: [Int], strides: [Int], dilations: [Int],
         padsBegin: [Int], padsEnd: [Int], output: [Int], allowNegativePads: Bool) throws {
        let n = input.count
        guard kernel.count == n, strides.count == n, dilations.count == n, padsBegin.count == n,
              padsEnd.count == n, output.count == n else {
            throw KernelError.invalidArgument(kernel: "ConvGeometry", message:
                "rank mismatch: input \(input) kernel \(kernel) strides \(strides) dilations \(dilations) pads \(padsBegin)+\(padsEnd) output \(output)")
        }
        guard kernel.allSatisfy({ $0 >= 1 }), strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }),
              allowNegativePads || (padsBegin.allSatisfy({ $0 >= 0 }) && padsEnd.allSatisfy({ $0 >= 0 })),
              input.allSatisfy({ $0 >= 0 }), output.allSatisfy({ $0 >= 0 }) else {
            throw KernelError.invalidArgument(kernel: "ConvGeometry", message:
                "kernel \(kernel), strides \(strides), dilations \(dilations) must be >= 1; pads \(padsBegin)+\(padsEnd), input \(input), output \(output) >= 0")
        }
        self.input = input; self.kernel = kernel; self.strides = strides; self.dilations = dilations
        self.padsBegin = padsBegin; self.padsEnd = padsEnd; self.output = output
    }
}

extension ConvGeometry {
    /// Resolves strides/dilations defaults (empty = all 1) and ONNX pads (empty = zeros).
    static func defaults(_ v: [Int], _ n: Int, _ value: Int) -> [Int] { v.isEmpty ? Array(repeating: value, count: n) : v }

    static func splitPads(_ pads: [Int], _ n: Int, kernel: String) throws -> ([Int], [Int]) {
        if pads.isEmpty { return (Array(repeating: 0, count: n), Array(repeating: 0, count: n)) }
        guard pads.count == 2 * n else {
            throw KernelError.invalidArgument(kernel: kernel, message: "pads \(pads) must have \(2 * n) entries")
        }
        return (Array(pads[0..<n]), Array(pads[n...]))
    }

    /// Splits a total SAME pad: odd extra at the end for SAME_UPPER, at the beginning for SAME_LOWER.
    static func sameSplit(_ total: Int, upper: Bool) -> (Int, Int) {
        upper ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
    }

    static func checkCommon(_ input: [Int], _ kernel: [Int], _ strides: [Int], _ dilations: [Int],
                            name: String) throws {
        let n = input.count
        guard kernel.count == n, strides.count == n, dilations.count == n else {
            throw KernelError.invalidArgument(kernel: name, message:
                "rank mismatch: input \(input) kernel \(kernel) strides \(strides) dilations \(dilations)")
        }
        guard kernel.allSatisfy({ $0 >= 1 }), strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else {
            throw KernelError.invalidArgument(kernel: name, message:
                "kernel \(kernel), strides \(strides), dilations \(dilations) must be >= 1")
        }
    }

    /// Geometry of ONNX `Conv` (and `ConvInteger`, `QLinearConv`): output and pads per the Conv operator page.
    ///
    /// NOTSET: `out = floor((in + pb + pe - ((k - 1) * d + 1)) / s) + 1` with explicit `pads`
    /// (`[x1_begin, ..., x1_end, ...]`). SAME_*: `out = ceil(in / s)`, total pad
    /// `max(0, (out - 1) * s + (k - 1) * d + 1 - in)`. VALID: no pads.
    /// `strides`/`dilations` may be empty (all 1).
    /// - Throws: `KernelError.invalidArgument` for bad ranks/values or a window larger than the padded input.
    public static func conv(input: [Int], kernel: [Int], strides: [Int] = [], dilations: [Int] = [],
                            pads: [Int] = [], autoPad: AutoPad = .notSet) throws -> ConvGeometry {
        try pooled(input: input, kernel: kernel, strides: strides, dilations: dilations, pads: pads,
                   autoPad: autoPad, ceilMode: false, name: "Conv")
    }

    /// Geometry of ONNX `MaxPool`/`AveragePool`/`LpPool` (opset 22 pages): like `conv`, plus `ceil_mode`,
    /// where `out = ceil(...)` and a last window that would start in the end padding is dropped.
    /// With `auto_pad` VALID and `ceil_mode`: `out = ceil((in - ((k - 1) * d + 1) + 1) / s)`.
    /// - Throws: `KernelError.invalidArgument`.
    public static func pool(input: [Int], kernel: [Int], strides: [Int] = [], dilations: [Int] = [],
                            pads: [Int] = [], autoPad: AutoPad = .notSet, ceilMode: Bool = false) throws -> ConvGeometry {
        try pooled(input: input, kernel: kernel, strides: strides, dilations: dilations, pads: pads,
                   autoPad: autoPad, ceilMode: ceilMode, name: "Pool")
    }

    static func pooled(input: [Int], kernel: [Int], strides s0: [Int], dilations d0: [Int], pads: [Int],
                       autoPad: AutoPad, ceilMode: Bool, name: String) throws -> ConvGeometry {
        let n = input.count
        let strides = defaults(s0, n, 1), dilations = defaults(d0, n, 1)
        try checkCommon(input, kernel, strides, dilations, name: name)
        var (pb, pe) = try splitPads(autoPad == .notSet ? pads : [], n, kernel: name)
        var out = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let ek = (kernel[i] - 1) * dilations[i] + 1
            switch autoPad {
            case .sameUpper, .sameLower:
                out[i] = (input[i] + strides[i] - 1) / strides[i]
                let total = max(0, (out[i] - 1) * strides[i] + ek - input[i])
                (pb[i], pe[i]) = sameSplit(total, upper: autoPad == .sameUpper)
            case .valid:
                let span = input[i] - ek
                guard span >= 0 else {
                    throw KernelError.invalidArgument(kernel: name, message: "window \(ek) larger than input \(input[i]) on axis \(i)")
                }
                out[i] = ceilMode ? (span + strides[i]) / strides[i] : span / strides[i] + 1
            case .notSet:
                guard pb[i] >= 0, pe[i] >= 0 else {
                    throw KernelError.invalidArgument(kernel: name, message: "negative pads \(pads)")
                }
                let span = input[i] + pb[i] + pe[i] - ek
                guard span >= 0 else {
                    throw KernelError.invalidArgument(kernel: name, message: "window \(ek) larger than padded input \(input[i] + pb[i] + pe[i]) on axis \(i)")
                }
                if ceilMode {
                    out[i] = (span + strides[i] - 1) / strides[i] + 1
                    if (out[i] - 1) * strides[i] >= input[i] + pb[i] { out[i] -= 1 }
                } else {
                    out[i] = span / strides[i] + 1
                }
            }
        }
        return try ConvGeometry(input: input, kernel: kernel, strides: strides, dilations: dilations,
                                padsBegin: pb, padsEnd: pe, output: out)
    }

    /// Geometry of ONNX `ConvTranspose` (opset 11/22 page).
    ///
    /// Without `outputShape`: `out = s * (in - 1) + output_padding + (k - 1) * d + 1 - pb - pe` (explicit
    /// pads; SAME_* first sets `outputShape = in * s`). With `outputShape`: `total = s * (in - 1) +
    /// output_padding + (k - 1) * d + 1 - out`, SAME_UPPER puts `total / 2` at the beginning, otherwise the
    /// beginning gets `total - total / 2`. With SAME_* and a negative total (stride larger than the dilated
    /// kernel plus output_padding) the pads are 0 and the output is the full result, as onnxruntime does
    /// (`in * s` is unreachable by padding). An explicit `outputShape` beyond the full result gives negative
    /// pads: the extra positions receive no kernel tap and hold just the bias.
    /// - Throws: `KernelError.invalidArgument`.
    public static func convTranspose(input: [Int], kernel: [Int], strides s0: [Int] = [], dilations d0: [Int] = [],
                                     pads: [Int] = [], outputPadding op0: [Int] = [], outputShape: [Int] = [],
                                     autoPad: AutoPad = .notSet) throws -> ConvGeometry {
        let n = input.count, name = "ConvTranspose"
        let strides = defaults(s0, n, 1), dilations = defaults(d0, n, 1), outputPadding = defaults(op0, n, 0)
        try checkCommon(input, kernel, strides, dilations, name: name)
        guard outputPadding.count == n, outputShape.isEmpty || outputShape.count == n else {
            throw KernelError.invalidArgument(kernel: name, message: "output_padding \(outputPadding) / output_shape \(outputShape) rank mismatch")
        }
        var target = outputShape
        let sameAuto = target.isEmpty && (autoPad == .sameUpper || autoPad == .sameLower)
        if sameAuto {
            target = (0..<n).map { input[$0] * strides[$0] }
        }
        var pb: [Int], pe: [Int], out = [Int](repeating: 0, count: n)
        if target.isEmpty {
            (pb, pe) = try splitPads(autoPad == .valid ? [] : pads, n, kernel: name)
            guard (pb + pe).allSatisfy({ $0 >= 0 }) else {
                throw KernelError.invalidArgument(kernel: name, message: "negative pads \(pads)")
            }
            for i in 0..<n {
                out[i] = strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - pb[i] - pe[i]
            }
        } else {
            pb = Array(repeating: 0, count: n); pe = pb
            for i in 0..<n {
                // `/` truncates toward zero, as onnxruntime.
                let full = strides[i] * (input[i] - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1
                // SAME cannot reach `in * stride` when that exceeds the full result; like onnxruntime the
                // padding is then 0 and the output is the full result.
                let total = sameAuto ? max(0, full - target[i]) : full - target[i]
                (pb[i], pe[i]) = autoPad == .sameUpper ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
                out[i] = full - total
            }
        }
        return try ConvGeometry(input: input, kernel: kernel, strides: strides, dilations: dilations,
                                padsBegin: pb, padsEnd: pe, output: out, allowNegativePads: true)
    }
}
