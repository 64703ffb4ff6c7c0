import Foundation

/// Every quantization decision of a model, reviewable and editable: written with
/// `--plan-out plan.json`, applied with `--plan-in plan.json`.
public struct QuantizationPlan: Codable, Sendable, Equatable {
    /// One quantized tensor.
    public struct Entry: Codable, Sendable, Equatable {
        /// The tensor's name in the float model.
        public var tensor: String
        /// `activation`, `weight` or `bias`.
        public var role: String
        public var parameters: QuantParameters
        /// For activations: the observed range and the range the method chose.
        public var observedMin: Float?
        public var observedMax: Float?
        public var chosenMin: Float?
        public var chosenMax: Float?
        /// For activations that share another tensor's parameters (data-movement ops): that tensor.
        public var sharesWith: String?
    }
    /// Something kept in float, and why.
    public struct KeptInFloat: Codable, Sendable, Equatable {
        public var node: String?
        public var tensor: String?
        public var reason: String
    }

    public var formatVersion = 1
    public var activationType: QuantizedType
    public var weightType: QuantizedType
    public var perChannel: Bool
    public var symmetricActivations: Bool
    public var method: String
    public var calibrationSamples: Int
    public var entries: [Entry] = []
    public var keptInFloat: [KeptInFloat] = []

    /// Activation parameters by tensor name.
    func activation(_ name: String) -> QuantParameters? {
        entries.first { $0.role == "activation" && $0.tensor == name }?.parameters
    }

    /// JSON with sorted keys (deterministic).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// Reads a plan.
    /// - Throws: `QuantizationError.invalidPlan` naming the file.
    public static func read(_ path: String) throws -> QuantizationPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QuantizationError.invalidPlan(path: path, reason: "cannot read the file")
        }
        do { return try JSONDecoder().decode(QuantizationPlan.self, from: data) } catch {
            throw QuantizationError.invalidPlan(path: path, reason: "\(error)")
        }
    }
}

/// Errors of quantization.
public enum QuantizationError: Error, CustomStringConvertible, Sendable {
    case invalidPlan(path: String, reason: String)
    case noCalibrationData
    /// The calibration data hold no samples.
    case emptyCalibration(String)
    case unsupported(String)
    case invalidModel(String)
    public var description: String {
        switch self {
        case .invalidPlan(let p, let r): return "\(p): invalid quantization plan: \(r)"
        case .noCalibrationData: return "static quantization needs calibration data (--calibration) or a plan (--plan-in)"
        case .emptyCalibration(let p): return "\(p): the calibration data hold no samples"
        case .unsupported(let r): return "cannot quantize: \(r)"
        case .invalidModel(let r): return "cannot quantize: \(r)"
        }
    }
}
