import AbridgeIR
import AbridgeKernels

/// `Pad` (onnx.ai/onnx/operators/onnx__Pad.html, since-versions 1, 2, 11, 13, 18, 19, 21, 23, 24,
/// 25): pads (or, with negative pads, crops) `data` by `pads` = `[x1_begin, x2_begin, ...,
/// x1_end, x2_end, ...]` over all axes or over `axes` (opset 18). Opset 1 takes the `paddings`
/// attribute, opset 2 `pads` and the float `value` attribute; from opset 11 `pads`,
/// `constant_value` and `axes` are inputs. Modes: `constant` (default; value default 0),
/// `reflect` (mirror without repeating the edge), `edge` (repeat the edge), `wrap` (opset 19,
/// periodic). Any fixed-width element type.
enum PadOp {
    static let sinceVersions = [1, 2, 11, 13, 18, 19, 21, 23, 24, 25]

    enum Mode: String { case constant, reflect, edge, wrap }

    static func make(_ context: KernelBuildContext) throws -> OperatorKernel {
        let a = context.attributes
        let modeName = try a.string("mode", default: "constant")
        guard let mode = Mode(rawValue: modeName) else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "mode", reason: "'\(modeName)' is not constant, reflect, edge or wrap")
        }
        if context.opset < 11 {
            let pads = (try a.ints(context.opset < 2 ? "paddings" : "pads") ?? []).map { Int(clamping: $0) }
            let value = try a.float("value", default: 0)
            return ClosureKernel { inputs, _ in
                let x = try inputs.tensor(0, "data")
                let v = try CastOp.convert(RuntimeTensor(floats: [value], shape: []), to: x.dataType)
                return [.tensor(try apply(x, pads: pads, axes: nil, mode: mode, value: v))]
            }
        }
        return ClosureKernel { inputs, _ in
            let x = try inputs.tensor(0, "data")
            let pads = try NumericDispatch.ints(try inputs.tensor(1, "pads"))
            let value = try inputs.optionalTensor(2)
            let axes = try NumericDispatch.ints(try inputs.optionalTensor(3))
            return [.tensor(try apply(x, pads: pads, axes: axes, mode: mode, value: value))]
        }
    }

    static func apply(_ x: RuntimeTensor, pads requested: [Int], axes: [Int]?, mode: Mode, value: RuntimeTensor?) throws -> RuntimeTensor {
        let rank = x.rank
        var begin = [Int](repeating: 0, count: rank), end = [Int](repeating: 0, count: rank)
        let axisList = try (axes ?? Array(0..<rank)).map { try NumericDispatch.axis($0, rank: rank, "Pad") }
        guard requested.count == 2 * axisList.count else {
            throw RuntimeError.invalidInput(node: "", reason: "Pad: \(requested.count) pads for \(axisList.count) axes (need twice as many)")
        }
        for (i, a) in axisList.enumerated() {
            begin[a] = Swift.max(Swift.min(requested[i], 1 << 40), -(1 << 40))
            end[a] = Swift.max(Swift.min(requested[i + axisList.count], 1 << 40), -(1 << 40))
        }
        let shape = try (0..<rank).map { a -> Int in
            let d = x.shape[a] + begin[a] + end[a]
            guard d >= 0 else { throw RuntimeError.invalidInput(node: "", reason: "Pad: pads \(requested) crop axis \(a) of \(x.shape) below zero") }
            return d
        }
        guard x.dataType != .string, let size = RuntimeTensor.elementSize(x.dataType) else { throw NumericDispatch.unsupported("Pad", x.dataType) }
        let out = try RuntimeTensor.allocate(x.dataType, shape)
        let n = out.count
        guard n > 0 else { return out }
        // Per-axis map from output index to input index, -1 for the constant.
        var maps: [[Int]] = []
        for a in 0..<rank {
            let d = x.shape[a]
            var m = [Int](repeating: -1, count: shape[a])
            for o in 0..<shape[a] {
                var i = o - begin[a]
                if i < 0 || i >= d {
                    guard d > 0 else {
                        if mode != .constant { throw RuntimeError.invalidInput(node: "", reason: "Pad: \(mode.rawValue) mode cannot pad the empty axis \(a)") }
                        continue
                    }
                    switch mode {
                    case .constant: i = -1
                    case .edge: i = Swift.min(Swift.max(i, 0), d - 1)
                    case .wrap: i = ((i % d) + d) % d
                    case .reflect:
                        if d == 1 { i = 0 } else {
                            let period = 2 * (d - 1)
                            i = ((i % period) + period) % period
                            if i >= d { i = period - i }
                        }
                    }
                }
                m[o] = i
            }
            maps.append(m)
        }
        // Constant value bytes.
        var fill = [UInt8](repeating: 0, count: size)
        if let value, value.count > 0 {
            guard value.dataType == x.dataType else { throw RuntimeError.typeMismatch("Pad: constant_value is \(value.dataType.shortName), data is \(x.dataType.shortName)") }
            fill = Array(UnsafeRawBufferPointer(start: value.storage.base, count: size))
        }
        let strides = StridedCopy.strides(x.shape)
        let inner = rank == 0 ? 1 : shape[rank - 1]
        let innerMap = rank == 0 ? [0] : maps[rank - 1]
        let innerStride = rank == 0 ? 0 : strides[rank - 1]
        let rows = n / inner
        let src = UnsafeRawPointer(x.storage.base), dst = out.storage.base
        fill.withUnsafeBytes { fillBytes in
            let fp = fillBytes.baseAddress
            ParallelFor.run(rows, minChunk: max(1, 16384 / max(1, inner))) { range in
                for row in range {
                    var r = row, offset = 0, constant = false
                    var axis = rank - 2
                    while axis >= 0 {
                        let o = r % shape[axis]; r /= shape[axis]
                        let i = maps[axis][o]
                        if i < 0 { constant = true } else { offset += i * strides[axis] }
                        axis -= 1
                    }
                    let d = dst + row * inner * size
                    for j in 0..<inner {
                        let i = innerMap[j]
                        if constant || i < 0 {
                            if let fp { (d + j * size).copyMemory(from: fp, byteCount: size) }
                        } else {
                            (d + j * size).copyMemory(from: src + (offset + i * innerStride) * size, byteCount: size)
                        }
                    }
                }
            }
        }
        return out
    }
}
