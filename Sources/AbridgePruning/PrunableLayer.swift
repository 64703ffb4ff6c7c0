import AbridgeIR
import AbridgeRuntime
import Foundation

/// The compute operators whose constant weight can be pruned.
public enum PrunableKind: String, Sendable, Codable {
    case conv = "Conv", convTranspose = "ConvTranspose", gemm = "Gemm", matMul = "MatMul"
}

/// A Conv, ConvTranspose, Gemm or MatMul node whose weight (input 1) is a FLOAT initializer, with
/// the weight's layout:
///
/// | op | weight | output axis | reduction axis |
/// | --- | --- | --- | --- |
/// | Conv | `[M, C/group, k...]` | 0 | 1 (C) |
/// | ConvTranspose | `[C, M/group, k...]` | 1 | 0 (C) |
/// | Gemm, transB = 0 | `[K, N]` | 1 | 0 (K) |
/// | Gemm, transB = 1 | `[N, K]` | 0 | 1 (K) |
/// | MatMul | `[..., K, N]` (rank >= 2) or `[K]` | rank-1 | rank-2 (or 0) |
///
/// (ONNX operator pages Conv-11, ConvTranspose-11, Gemm-13, MatMul-13.)
struct PrunableLayer {
    let node: Node
    let kind: PrunableKind
    /// The weight value (a dense FLOAT initializer).
    let weight: Value
    /// Weight dims at discovery.
    let dims: [Int]
    let group: Int
    let transB: Bool

    /// The node's name, or its weight's name when unnamed (for reports and `--exclude-nodes`).
    var name: String { (node.name?.isEmpty == false ? node.name : nil) ?? weight.name }

    /// Recognises a prunable node.
    /// - Returns: the layer, or a reason it is not prunable (nil, nil when the op is not a
    ///   candidate at all).
    static func classify(_ node: Node) -> (PrunableLayer?, String?) {
        guard node.normalizedDomain.isEmpty, let kind = PrunableKind(rawValue: node.opType) else { return (nil, nil) }
        guard node.inputs.count >= 2, let w = node.inputs[1], let t = w.initializer else {
            return (nil, "weight is not an initializer")
        }
        guard t.elementType == .float || t.elementType == .float16 else { return (nil, "weight type \(t.elementType) is not FLOAT or FLOAT16") }
        guard let dims = t.dims.map({ Int(exactly: $0) }) as? [Int], dims.allSatisfy({ $0 > 0 }) else {
            return (nil, "weight '\(w.name)' has empty or invalid dims \(t.dims)")
        }
        let group = Int(node.attribute("group")?.int ?? 1)
        let transB = (node.attribute("transB")?.int ?? 0) != 0
        switch kind {
        case .conv, .convTranspose:
            guard dims.count >= 3 else { return (nil, "weight rank \(dims.count) < 3") }
            guard group >= 1 else { return (nil, "group \(group) < 1") }
        case .gemm:
            guard dims.count == 2 else { return (nil, "Gemm weight is not 2-D") }
            if (node.attribute("transA")?.int ?? 0) != 0 { return (nil, "Gemm with transA = 1") }
        case .matMul:
            guard dims.count >= 1 else { return (nil, "MatMul weight is a scalar") }
        }
        if w.uses.count != 1 { return (nil, "weight '\(w.name)' is shared by \(w.uses.count) inputs") }
        return (PrunableLayer(node: node, kind: kind, weight: w, dims: dims, group: group, transB: transB), nil)
    }

    /// The axis of the weight holding output channels (nil for a rank-1 MatMul weight).
    var outputAxis: Int? {
        switch kind {
        case .conv: return 0
        case .convTranspose: return 1
        case .gemm: return transB ? 0 : 1
        case .matMul: return dims.count >= 2 ? dims.count - 1 : nil
        }
    }

    /// The axis of the weight that is summed over (the reduction axis N:M groups run along).
    var reductionAxis: Int {
        switch kind {
        case .conv: return 1
        case .convTranspose: return 0
        case .gemm: return transB ? 1 : 0
        case .matMul: return dims.count >= 2 ? dims.count - 2 : 0
        }
    }

    /// The weight as a matrix `[O, R]` (one row per output channel, R = inputs to one output
    /// channel), when the layer is a plain matrix product: Conv with group 1 (R = C·k...),
    /// ConvTranspose with group 1 (O = M, R = C·k..., column `c·K + j` for input channel `c` and
    /// kernel offset `j`, K = prod(k): element `W[c, m, j]` at `c·M·K + m·K + j`), Gemm (R = K),
    /// MatMul with a 2-D weight (R = K). Refit works on this view. For Conv and ConvTranspose
    /// input channel `c` owns columns `c·K ..< (c+1)·K` (what channel selection relies on).
    var matrix: WeightMatrix? {
        switch kind {
        case .conv:
            guard group == 1 else { return nil }
            let r = dims.dropFirst().reduce(1, *)
            return WeightMatrix(rows: dims[0], cols: r, rowStride: r, colStride: 1)
        case .gemm:
            return transB ? WeightMatrix(rows: dims[0], cols: dims[1], rowStride: dims[1], colStride: 1)
                          : WeightMatrix(rows: dims[1], cols: dims[0], rowStride: 1, colStride: dims[1])
        case .matMul:
            guard dims.count == 2 else { return nil }
            return WeightMatrix(rows: dims[1], cols: dims[0], rowStride: 1, colStride: dims[1])
        case .convTranspose:
            guard group == 1 else { return nil }
            let m = dims[1], k = dims.dropFirst(2).reduce(1, *)
            return WeightMatrix(rows: m, cols: dims[0] * k, rowStride: k, colStride: 1, block: k, blockStride: m * k)
        }
    }

    /// The current weight elements (row-major in the weight's dims).
    /// - Throws: `IRError.invalidTensor` when the stored data do not match the dims.
    static func floats(of v: Value) throws -> [Float] {
        guard let t = v.initializer else { throw PruningError.unsupportedTensor(name: v.name, reason: "not a dense initializer") }
        return try TensorConversion.runtimeTensor(from: t).floatValues()
    }

    /// Replaces a value's dense initializer with `values` of shape `dims`.
    /// Replaces a value's dense initializer with `values` of shape `dims`, in the element type
    /// it had (FLOAT16 weights stay FLOAT16: rounded to nearest).
    static func store(_ values: [Float], dims: [Int], in v: Value) {
        let t: RuntimeTensor = v.initializer?.elementType == .float16
            ? RuntimeTensor(.float16, shape: dims, values: values.map { Float16($0) })
            : RuntimeTensor(floats: values, shape: dims)
        v.initializer = TensorConversion.tensor(from: t, name: v.name)
    }
}

/// A strided matrix view of a weight. Columns come in runs of `block` consecutive columns:
/// element `(row, col)` is at `row·rowStride + (col / block)·blockStride + (col % block)·colStride`.
/// With `block` 1 (the plain case) that is `row·rowStride + col·colStride`; a ConvTranspose
/// weight `[C, M, K]` viewed as `[M, C·K]` needs runs of K (one per input channel).
struct WeightMatrix: Equatable {
    let rows: Int
    let cols: Int
    let rowStride: Int
    let colStride: Int
    let block: Int
    let blockStride: Int

    init(rows: Int, cols: Int, rowStride: Int, colStride: Int) {
        self.init(rows: rows, cols: cols, rowStride: rowStride, colStride: colStride, block: 1, blockStride: colStride)
    }

    init(rows: Int, cols: Int, rowStride: Int, colStride: Int, block: Int, blockStride: Int) {
        self.rows = rows; self.cols = cols; self.rowStride = rowStride; self.colStride = colStride
        self.block = Swift.max(block, 1); self.blockStride = blockStride
    }

    @inline(__always) func index(_ r: Int, _ c: Int) -> Int {
        r * rowStride + (c / block) * blockStride + (c % block) * colStride
    }
}

/// Linear indices of every line of a tensor along one axis: for each combination of the other
/// coordinates, the `dims[axis]` indices `base + i·stride(axis)`, in order. N:M groups are
/// consecutive runs of M in such a line.
func axisLines(dims: [Int], axis: Int) -> [[Int]] {
    guard axis >= 0, axis < dims.count else { return [] }
    var strides = [Int](repeating: 1, count: dims.count)
    for i in stride(from: dims.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * dims[i + 1] }
    let total = dims.reduce(1, *)
    let len = dims[axis], st = strides[axis]
    var lines: [[Int]] = []
    lines.reserveCapacity(total / max(len, 1))
    for base in 0..<total where (base / st) % len == 0 {
        lines.append((0..<len).map { base + $0 * st })
    }
    return lines
}
