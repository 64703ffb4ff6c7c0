import AbridgeIR
import AbridgeKernels

/// `Dropout` (onnx.ai/onnx/operators/onnx__Dropout.html, since-versions 1, 6, 7, 10, 12, 13, 22)
/// in inference: `output` = `data` unchanged and `mask` all true (BOOL from opset 10; FLOAT ones
/// before). From opset 12 `ratio` and `training_mode` are inputs; training mode with a ratio of 0
/// is also the identity. Training mode with ratio > 0 draws random values, which this runtime
/// refuses (its results could not match any other implementation's).
struct Dropout: OperatorKernel {
    static let sinceVersions = [1, 6, 7, 10, 12, 13, 22]
    let boolMask: Bool
    let trainingInputs: Bool

    init(_ context: KernelBuildContext) {
        boolMask = context.opset >= 10
        trainingInputs = context.opset >= 12
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "data")
        if trainingInputs, let mode = try inputs.optionalTensor(2), mode.count == 1, try mode.int64Values()[0] != 0 {
            let ratio = try inputs.optionalTensor(1).map { try FloatOperand.scalar($0, "ratio") } ?? 0.5
            if ratio != 0 {
                throw RuntimeError.invalidInput(node: "", reason: "Dropout: training mode with ratio \(ratio) needs random values; only inference (or ratio 0) is supported")
            }
        }
        let mask: RuntimeTensor
        if boolMask {
            mask = try RuntimeTensor.allocate(.bool, x.shape)
            memset(mask.storage.base, 1, mask.storage.byteCount)
        } else {
            mask = try RuntimeTensor.allocate(x.dataType, x.shape)
            let w = try FloatOperand.narrowed(try RuntimeTensor.filledFloat(1, shape: x.shape), to: x.dataType)
            mask.storage.base.copyMemory(from: w.storage.base, byteCount: mask.storage.byteCount)
        }
        return [.tensor(x), .tensor(mask)]
    }
}

extension RuntimeTensor {
    /// A FLOAT tensor of `shape` with every element `value`.
    static func filledFloat(_ value: Float, shape: [Int]) throws -> RuntimeTensor {
        let t = try RuntimeTensor.allocate(.float, shape)
        t.withUnsafeMutableBuffer(as: Float.self) { $0.initialize(repeating: value) }
        return t
    }
}

#if canImport(Glibc)
import Glibc
#endif
