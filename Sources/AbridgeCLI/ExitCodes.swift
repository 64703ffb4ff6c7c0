import AbridgeData
import AbridgeIR
import AbridgePasses
import AbridgePruning
import AbridgeQuantization
import AbridgeRuntime
import AbridgeONNX
import AbridgeSupport
import ArgumentParser

/// The project-wide exit status table (BSD sysexits, as swift-argument-parser uses for usage
/// errors). Documented in the README.
public enum ExitStatus: Int32, Sendable {
    /// A quality gate (`--max-drop`) failed.
    case gateFailed = 1
    /// Command-line usage error.
    case usage = 64
    /// Invalid model or data.
    case dataError = 65
    /// Input file missing or unreadable.
    case noInput = 66
    /// Unsupported operator or feature.
    case unavailable = 69
    /// Internal error.
    case software = 70
    /// Output cannot be created.
    case cannotCreate = 73
    /// I/O error.
    case ioError = 74
}

/// Maps any error to its exit status and one-line message.
enum ErrorReport {
    static func status(for error: Error) -> ExitStatus {
        switch error {
        case let e as ONNXError:
            switch e {
            case .invalidModel, .invalidExternalData: return .dataError
            case .unsupported: return .unavailable
            case .unreadable: return .noInput
            case .cannotCreate: return .cannotCreate
            case .io: return .ioError
            }
        case let e as SupportError:
            switch e {
            case .notFound, .notRegularFile, .unreadable: return .noInput
            case .invalid: return .dataError
            case .cannotCreate: return .cannotCreate
            case .io: return .ioError
            }
        case is IRError: return .dataError
        case let e as CLIError: return e.status
        case let e as QuantizationError:
            switch e {
            case .invalidPlan, .invalidModel, .emptyCalibration: return .dataError
            case .noCalibrationData, .invalidOption: return .usage
            case .unreadable: return .noInput
            case .unsupported: return .unavailable
            }
        case let e as PassError:
            if case .unknownPass = e { return .usage }
            return .dataError
        case let e as PruningError:
            switch e {
            case .invalidOption: return .usage
            case .invalidModel, .unsupportedTensor, .recoveryFailed: return .dataError
            }
        case let e as DataError:
            switch e.kind {
            case .io: return .noInput
            default: return .dataError
            }
        case let e as RuntimeError:
            switch e {
            case .unsupportedOperator, .unsupportedType: return .unavailable
            case .inNode(_, let inner): return status(for: inner)
            default: return .dataError
            }
        default: return .software
        }
    }
}

/// An error raised by a command itself, with its exit status.
struct CLIError: Error, CustomStringConvertible {
    var status: ExitStatus
    var message: String
    var description: String { message }
}
