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
    /// Something kept in float, and why: a node, a tensor, or every node of an op type the
    /// op set leaves in float (`opType` with the number of nodes in `count`).
    public struct KeptInFloat: Codable, Sendable, Equatable {
        public var node: String?
        public var tensor: String?
        public var opType: String?
        public var count: Int?
        public var reason: String

        public init(node: String?, tensor: String?, reason: String) {
            self.node = node; self.tensor = tensor; self.reason = reason
        }

        public init(opType: String, count: Int, reason: String) {
            self.opType = opType; self.count = count; self.reason = reason
        }

        /// What is kept, as the report shows it: the node, the tensor, or "Softmax (4 nodes)".
        public var subject: String {
            if let opType, let count { return "\(opType) (\(count) node\(count == 1 ? "" : "s"))" }
            switch (node, tensor) {
            case let (n?, t?): return "\(n) (\(t))"
            case let (n?, nil): return n
            case let (nil, t?): return t
            default: return "?"
            }
        }
    }

    /// The plan format versions `read` accepts.
    public static let supportedFormatVersions = [1]

    public var formatVersion = 1
    public var activationType: QuantizedType
    public var weightType: QuantizedType
    public var perChannel: Bool
    public var symmetricActivations: Bool
    public var method: String
    public var calibrationSamples: Int
    public var entries: [Entry] = []
    public var keptInFloat: [KeptInFloat] = []

    /// JSON with sorted keys (deterministic).
    public func jsonData() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    /// Reads a plan.
    /// - Throws: `QuantizationError.unreadable` when the file is missing or cannot be read,
    ///   `QuantizationError.invalidPlan` naming the file and, for a JSON that does not decode, the
    ///   key path and what was expected there; a `formatVersion` this build does not know is
    ///   refused with the versions it supports.
    public static func read(_ path: String) throws -> QuantizationPlan {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw QuantizationError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw QuantizationError.unreadable(path: path, reason: "not a regular file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QuantizationError.unreadable(path: path, reason: "cannot read the file (permissions?)")
        }
        // The version first, so that a future format is refused as such rather than as a
        // decoding error in a field it changed.
        struct Version: Decodable { var formatVersion: Int? }
        if let v = try? JSONDecoder().decode(Version.self, from: data), let version = v.formatVersion,
           !supportedFormatVersions.contains(version) {
            throw QuantizationError.invalidPlan(path: path, reason: "formatVersion \(version) is not supported (this build reads formatVersion \(supportedFormatVersions.map(String.init).joined(separator: ", ")))")
        }
        do { return try JSONDecoder().decode(QuantizationPlan.self, from: data) } catch let e as DecodingError {
            throw QuantizationError.invalidPlan(path: path, reason: describe(e, data: data))
        } catch {
            throw QuantizationError.invalidPlan(path: path, reason: "\(error)")
        }
    }

    /// A decoding error as one readable line: where (key path) and what was expected.
    static func describe(_ error: DecodingError, data: Data) -> String {
        func where_(_ path: [any CodingKey]) -> String {
            var s = ""
            for k in path {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "the top level" : "'\(s)'"
        }
        func typeName(_ t: Any.Type) -> String {
            let name = "\(t)"
            switch name {
            case "Int", "Int32", "Int64": return "an integer"
            case "Float", "Double": return "a number"
            case "String": return "a string"
            case "Bool": return "true or false"
            case _ where name.hasPrefix("Array"): return "an array"
            case _ where name.hasPrefix("Dictionary"): return "an object"
            default: return name
            }
        }
        switch error {
        case .keyNotFound(let key, let c):
            return "at \(where_(c.codingPath)): the key '\(key.stringValue)' is missing"
        case .typeMismatch(let type, let c):
            return "at \(where_(c.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let c):
            return "at \(where_(c.codingPath)): expected \(typeName(type)), found null"
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty {
                // The decoder does not say where; the serializer does ("around character N").
                var detail: String? = nil
                do { _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
                    detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
                }
                return "not valid JSON" + (detail.map { " (\($0))" } ?? "")
            }
            if c.codingPath.last?.stringValue == "activationType" || c.codingPath.last?.stringValue == "weightType"
                || c.codingPath.last?.stringValue == "type" {
                return "at \(where_(c.codingPath)): expected one of \(QuantizedType.allCases.map(\.rawValue).joined(separator: ", "))"
            }
            return "at \(where_(c.codingPath)): \(c.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Errors of quantization.
public enum QuantizationError: Error, CustomStringConvertible, Sendable {
    case invalidPlan(path: String, reason: String)
    /// An input file (a plan) is missing or cannot be read.
    case unreadable(path: String, reason: String)
    /// An option value the quantizer cannot use (a bad `--exclude-nodes` pattern).
    case invalidOption(String)
    case noCalibrationData
    /// The calibration data hold no samples.
    case emptyCalibration(String)
    case unsupported(String)
    case invalidModel(String)
    public var description: String {
        switch self {
        case .invalidPlan(let p, let r): return "\(p): invalid quantization plan: \(r)"
        case .unreadable(let p, let r): return "\(p): \(r)"
        case .invalidOption(let r): return r
        case .noCalibrationData: return "static quantization needs calibration data (--calibration) or a plan (--plan-in)"
        case .emptyCalibration(let p): return "\(p): the calibration data hold no samples"
        case .unsupported(let r): return "cannot quantize: \(r)"
        case .invalidModel(let r): return "cannot quantize: \(r)"
        }
    }
}
