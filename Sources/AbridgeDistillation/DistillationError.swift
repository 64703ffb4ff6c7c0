/// Errors of distillation. Each case names the node, tensor, input or option concerned.
public enum DistillationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A node needed to compute a matched output has no training kernel (or an attribute value
    /// the kernel does not cover).
    case unsupportedOperator(node: String, op: String, why: String)
    /// A node's runtime shapes are outside what its training kernel covers, or inconsistent.
    case unsupportedShape(node: String, op: String, why: String)
    /// The model cannot be trained (no graph, a cycle, nothing to match or train).
    case invalidModel(String)
    /// The calibration feeds do not fit the model (missing input, not floating-point, sample counts).
    case invalidCalibration(String)
    /// Running the teacher failed, or its outputs do not fit the student's.
    case teacherFailed(String)
    /// An option is out of range.
    case invalidOption(String)

    public var description: String {
        switch self {
        case .unsupportedOperator(let n, let op, let why): return "cannot train through \(op) node '\(n)': \(why)"
        case .unsupportedShape(let n, let op, let why): return "\(op) node '\(n)': \(why)"
        case .invalidModel(let r): return "cannot distill the model: \(r)"
        case .invalidCalibration(let r): return "calibration data: \(r)"
        case .teacherFailed(let r): return "teacher: \(r)"
        case .invalidOption(let r): return "invalid distillation option: \(r)"
        }
    }
}
