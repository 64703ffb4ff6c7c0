import AbridgeIR
import AbridgeKernels

/// Attributes shared by Conv, ConvTranspose, ConvInteger, QLinearConv and the pooling operators,
/// parsed once when the kernel is built: `auto_pad`, `kernel_shape`, `strides`, `dilations`,
/// `pads`, `group`, and the pooling-only `ceil_mode`.
struct ConvAttributes {
    let autoPad: AutoPad
    /// Empty when absent (convolutions then take it from W).
    let kernelShape: [Int]
    let strides: [Int]
    let dilations: [Int]
    let pads: [Int]
    let group: Int
    let ceilMode: Bool

    /// - Throws: `RuntimeError.invalidAttribute` for an unknown `auto_pad`, non-positive values,
    ///   or negative pads.
    init(_ context: KernelBuildContext) throws {
        let a = context.attributes, label = context.node.label
        let pad = try a.string("auto_pad", default: "NOTSET")
        guard let p = AutoPad(rawValue: pad) else {
            throw RuntimeError.invalidAttribute(node: label, name: "auto_pad", reason: "unknown value \"\(pad)\"")
        }
        autoPad = p
        func ints(_ name: String, positive: Bool) throws -> [Int] {
            let v = try a.ints(name)?.map { Int(clamping: $0) } ?? []
            guard v.allSatisfy({ positive ? $0 >= 1 : $0 >= 0 }) else {
                throw RuntimeError.invalidAttribute(node: label, name: name, reason: "values \(v) must be \(positive ? ">= 1" : ">= 0")")
            }
            return v
        }
        kernelShape = try ints("kernel_shape", positive: true)
        strides = try ints("strides", positive: true)
        dilations = try ints("dilations", positive: true)
        pads = try ints("pads", positive: false)
        let g = try a.int("group", default: 1)
        guard g >= 1 else { throw RuntimeError.invalidAttribute(node: label, name: "group", reason: "must be >= 1, got \(g)") }
        group = Int(clamping: g)
        ceilMode = try a.int("ceil_mode", default: 0) != 0
    }

    /// The kernel shape: the attribute, or W's spatial dimensions.
    /// - Throws: `RuntimeError.invalidInput` when they disagree or W has rank < 3.
    func kernel(from w: RuntimeTensor, op: String) throws -> [Int] {
        guard w.rank >= 3 else { throw RuntimeError.invalidInput(node: "", reason: "\(op): W \(w.shape) must have rank >= 3") }
        let fromW = Array(w.shape[2...])
        if !kernelShape.isEmpty && kernelShape != fromW {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): kernel_shape \(kernelShape) differs from W's spatial shape \(fromW)")
        }
        return fromW
    }

    /// Convolution geometry for X (`[N, C, D...]`) and a kernel shape.
    /// - Throws: `RuntimeError.invalidInput` for inconsistent shapes.
    func convGeometry(x: RuntimeTensor, kernel: [Int], op: String) throws -> ConvGeometry {
        guard x.rank == kernel.count + 2 else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): X \(x.shape) must have rank \(kernel.count + 2) for kernel \(kernel)")
        }
        return try FloatOperand.guarded(op) {
            try ConvGeometry.conv(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations,
                                  pads: pads, autoPad: autoPad)
        }
    }

    /// Pooling geometry for X and `kernel_shape` (required), with `ceil_mode`.
    /// - Throws: `RuntimeError.invalidInput`.
    func poolGeometry(x: RuntimeTensor, op: String) throws -> ConvGeometry {
        guard !kernelShape.isEmpty else { throw RuntimeError.invalidInput(node: "", reason: "\(op): kernel_shape is required") }
        guard x.rank == kernelShape.count + 2 else {
            throw RuntimeError.invalidInput(node: "", reason: "\(op): X \(x.shape) must have rank \(kernelShape.count + 2) for kernel_shape \(kernelShape)")
        }
        return try FloatOperand.guarded(op) {
            try ConvGeometry.pool(input: Array(x.shape[2...]), kernel: kernelShape, strides: strides, dilations: dilations,
                                  pads: pads, autoPad: autoPad, ceilMode: ceilMode)
        }
    }
}
