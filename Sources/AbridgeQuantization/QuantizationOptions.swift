import AbridgeIR
import Foundation

/// The element type of quantized activations or weights.
public enum QuantizedType: String, Codable, Sendable, CaseIterable {
    case uint8, int8, uint16, int16
    /// Only for biases (scale = input scale × weight scale).
    case int32

    /// The ONNX element type.
    public var dataType: DataType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .int32: return .int32
        }
    }

    /// The representable range.
    public var range: ClosedRange<Int32> {
        switch self {
        case .uint8: return 0...255
        case .int8: return -128...127
        case .uint16: return 0...65535
        case .int16: return -32768...32767
        case .int32: return Int32.min...Int32.max
        }
    }

    /// The smallest opset whose QuantizeLinear accepts this type (16-bit types: 21).
    public var minimumOpset: Int { (self == .uint16 || self == .int16) ? 21 : 10 }
}

/// How activation ranges are chosen from calibration statistics (onnxruntime's names).
public enum CalibrationMethod: Sendable, Equatable, Codable {
    /// The observed minimum and maximum (optionally a moving average over samples,
    /// `averagingConstant` the weight of each new sample, as onnxruntime's MinMax).
    case minMax(movingAverage: Bool, averagingConstant: Float)
    /// The `percentile` (e.g. 99.999) of the value distribution, from a histogram.
    case percentile(Double)
    /// The threshold minimising the KL divergence between the float histogram and its
    /// quantized form (TensorRT's entropy calibration, Migacz 2017; onnxruntime's Entropy).
    case entropy

    public var label: String {
        switch self {
        case .minMax(let avg, _): return avg ? "minmax (moving average)" : "minmax"
        case .percentile(let p): return "percentile \(p)"
        case .entropy: return "entropy"
        }
    }
}

/// Options of static post-training quantization.
public struct QuantizationOptions: Sendable {
    public var activationType: QuantizedType = .uint8
    public var weightType: QuantizedType = .int8
    /// Symmetric activations (zero point 0 for signed types, 128/32768 for unsigned).
    public var symmetricActivations = false
    /// One scale per output channel for weights (default), else one per tensor.
    public var perChannel = true
    public var method: CalibrationMethod = .minMax(movingAverage: false, averagingConstant: 0.01)
    /// Operator types whose inputs are quantized (default: the compute ops).
    public var opTypes: Set<String> = QuantizationOptions.defaultOpTypes
    /// Node names or regular expressions to keep in float.
    public var excludeNodes: [String] = []
    /// Store the tables of embedding lookups (`Gather` of a 2-D float initializer) as int8 with one
    /// scale per row (weight-only: the lookup still outputs float). Embeddings dominate the size
    /// of language models.
    public var quantizeEmbeddings = true
    /// Activations whose calibrated magnitude exceeds this stay in float (mask paths carrying
    /// constants like -1e4 make 8 bits meaningless).
    public var maxActivationMagnitude: Float = 1e3
    public init() {}

    /// Checks the options that can be wrong before any model is read.
    /// - Throws: `QuantizationError.invalidOption` naming the option and the value.
    public func validate() throws {
        _ = try NodeExclusion(excludeNodes)
    }

    /// The op types static quantization can quantize (Gather: embedding tables).
    public static let quantizableOpTypes: Set<String> = ["Conv", "ConvTranspose", "MatMul", "Gemm", "Gather"]

    /// Conv, ConvTranspose, MatMul, Gemm.
    public static let defaultOpTypes: Set<String> = ["Conv", "ConvTranspose", "MatMul", "Gemm"]
    /// Ops that only move data: their output keeps their input's scale and zero point, so
    /// runtimes can drop the surrounding Q/DQ.
    public static let dataMovementOpTypes: Set<String> = ["Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
                                                          "MaxPool", "Slice", "Split", "Gather", "Concat", "Resize", "Pad",
                                                          "GlobalMaxPool"]
}

/// `--exclude-nodes`: node names or regular expressions, each matched against whole node names.
public struct NodeExclusion {
    let patterns: [(text: String, regex: NSRegularExpression)]

    /// - Throws: `QuantizationError.invalidOption` for a pattern that is not a regular expression.
    public init(_ texts: [String]) throws {
        patterns = try texts.map { text in
            do { return (text, try NSRegularExpression(pattern: "^(?:\(text))$")) } catch {
                throw QuantizationError.invalidOption("--exclude-nodes: '\(text)' is not a valid regular expression")
            }
        }
    }

    private func matches(_ regex: NSRegularExpression, _ name: String) -> Bool {
        regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
    }

    /// Whether `node` is excluded (a node without a name never is).
    public func excludes(_ node: Node) -> Bool {
        guard let name = node.name, !name.isEmpty else { return false }
        return patterns.contains { matches($0.regex, name) }
    }

    /// The patterns that match the name of no node of `model` (any graph, any domain).
    public func unmatched(in model: Model) -> [String] {
        let names = model.allGraphs.flatMap { $0.nodes.compactMap(\.name) }.filter { !$0.isEmpty }
        return patterns.filter { p in !names.contains { matches(p.regex, $0) } }.map(\.text)
    }
}
