import AbridgeIR
import AbridgeKernels

/// `Upsample` (onnx.ai/onnx/operators/onnx__Upsample.html, since-versions 7, 9; deprecated in 10):
/// resamples X by `scales` (attribute in opset 7, input from opset 9), `out = floor(in * scale)`,
/// with asymmetric coordinates; `mode` nearest (floor when upsampling) or linear.
struct Upsample: OperatorKernel {
    static let sinceVersions = [7, 9]
    let settings: ResizeSettings
    let attributeScales: [Float]?

    init(_ context: KernelBuildContext) throws {
        let name = try context.attributes.string("mode", default: "nearest")
        let mode: ResizeSettings.Mode
        switch name {
        case "nearest": mode = .nearest
        case "linear", "bilinear": mode = .linear
        default: throw RuntimeError.invalidAttribute(node: context.node.label, name: "mode", reason: "unknown value \"\(name)\"")
        }
        settings = ResizeSettings(mode: mode, coordinates: .asymmetric, nearest: .simple)
        attributeScales = context.opset < 9 ? try context.attributes.floats("scales") : nil
    }

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let x = try inputs.tensor(0, "X")
        let scales: [Double]
        if let attributeScales { scales = attributeScales.map(Double.init) } else {
            scales = try QuantizationParameters.doubles(try inputs.tensor(1, "scales"), "scales")
        }
        guard scales.count == x.rank, scales.allSatisfy({ $0 > 0 }) else {
            throw RuntimeError.invalidInput(node: "", reason: "Upsample: scales \(scales) must have \(x.rank) positive values")
        }
        let output = try (0..<x.rank).map { try Resize.length(scales[$0] * Double(x.shape[$0]), axis: $0) }
        return [.tensor(try Resize.resample(x, axes: Array(0..<x.rank), scale: scales, output: output,
                                            roi: Array(repeating: (0, 1), count: x.rank), settings: settings))]
    }
}
