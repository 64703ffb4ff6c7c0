/// Element-wise float activations and math functions, with the formulas of their ONNX operator pages
/// (opset 22 unless noted). Parameters default to the ONNX attribute defaults.
public enum UnaryOp: Sendable, Equatable {
    /// ONNX Abs, Neg, Sign, Reciprocal, Sqrt, Floor, Ceil.
    case abs, neg, sign, reciprocal, sqrt, floor, ceil
    /// ONNX `Round`: half to even.
    case round
    /// ONNX Exp, Log and the trigonometric/hyperbolic operators (libm).
    case exp, log, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh
    /// ONNX Tanh and Erf (libm).
    case tanh, erf
    /// `1 / (1 + e^-x)`, evaluated without overflow for large |x|.
    case sigmoid
    /// ONNX `Gelu` approximate="none": `0.5 * x * (1 + erf(x / sqrt(2)))` (opset 20).
    case gelu
    /// ONNX `Gelu` approximate="tanh": `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.
    case geluTanh
    /// `max(0, x)`; NaN propagates.
    case relu
    /// `x >= 0 ? x : alpha * x` (default alpha 0.01).
    case leakyRelu(alpha: Float = 0.01)
    /// `x >= 0 ? x : alpha * (e^x - 1)` (default 1).
    case elu(alpha: Float = 1)
    /// `gamma * (x > 0 ? x : alpha * (e^x - 1))` with ONNX defaults.
    case selu(alpha: Float = 1.67326319217681884765625, gamma: Float = 1.05070102214813232421875)
    /// `max(0, x) + min(0, alpha * (e^(x / alpha) - 1))` (default 1).
    case celu(alpha: Float = 1)
    /// `x > alpha ? x : 0` (default 1).
    case thresholdedRelu(alpha: Float = 1)
    /// `ln(1 + e^x)`, stable for large |x|.
    case softplus
    /// `x / (1 + |x|)`.
    case softsign
    /// `max(0, min(1, alpha * x + beta))` (defaults 0.2, 0.5).
    case hardSigmoid(alpha: Float = 0.2, beta: Float = 0.5)
    /// `x * max(0, min(1, x / 6 + 1 / 2))`.
    case hardSwish
    /// `x * tanh(softplus(x))`.
    case mish
    /// `min(max(x, lo), hi)` (ONNX `Clip`; NaN propagates).
    case clip(min: Float, max: Float)
    /// `x * sigmoid(alpha * x)` (ONNX `Swish`, opset 24; alpha 1 = SiLU).
    case swish(alpha: Float = 1)

    /// Evaluates the function at one value.
    @inlinable
    public func callAsFunction<T: KernelFloat>(_ x: T) -> T {
        switch self {
        case .abs: return Swift.abs(x)
        case .neg: return -x
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : x)
        case .reciprocal: return 1 / x
        case .sqrt: return x.squareRoot()
        case .floor: return x.rounded(.down)
        case .ceil: return x.rounded(.up)
        case .round: return x.rounded(.toNearestOrEven)
        case .exp: return T.kExp(x)
        case .log: return T.kLog(x)
        case .sin: return T.kSin(x)
        case .cos: return T.kCos(x)
        case .tan: return T.kTan(x)
        case .asin: return T.kAsin(x)
        case .acos: return T.kAcos(x)
        case .atan: return T.kAtan(x)
        case .sinh: return T.kSinh(x)
        case .cosh: return T.kCosh(x)
        case .asinh: return T.kAsinh(x)
        case .acosh: return T.kAcosh(x)
        case .atanh: return T.kAtanh(x)
        case .tanh: return T.kTanh(x)
        case .erf: return T.kErf(x)
        case .sigmoid: return Self.logistic(x)
        case .gelu: return x * (1 + T.kErf(x * T(0.70710678118654752440))) / 2
        case .geluTanh:
            let inner = T(0.79788456080286535588) * (x + T(0.044715) * x * x * x)
            return x * (1 + T.kTanh(inner)) / 2
        case .relu: return x < 0 ? 0 : x
        case .leakyRelu(let alpha): return x < 0 ? T(alpha) * x : x
        case .elu(let alpha): return x < 0 ? T(alpha) * T.kExpm1(x) : x
        case .selu(let alpha, let gamma): return T(gamma) * (x > 0 ? x : T(alpha) * T.kExpm1(x))
        case .celu(let alpha):
            let a = T(alpha)
            return Swift.max(0, x) + Swift.min(0, a * T.kExpm1(x / a))
        case .thresholdedRelu(let alpha): return x > T(alpha) ? x : 0
        case .softplus: return Self.softplusValue(x)
        case .softsign: return x / (1 + Swift.abs(x))
        case .hardSigmoid(let alpha, let beta): return Swift.max(0, Swift.min(1, T(alpha) * x + T(beta)))
        case .hardSwish: return x * Swift.max(0, Swift.min(1, x / 6 + T(0.5)))
        case .mish: return x * T.kTanh(Self.softplusValue(x))
        case .clip(let lo, let hi): return x.isNaN ? x : Swift.min(Swift.max(x, T(lo)), T(hi))
        case .swish(let alpha): return x * Self.logistic(T(alpha) * x)
        }
    }

    /// Logistic sigmoid without overflow: uses `e^x / (1 + e^x)` for negative x.
    @inlinable
    public static func logistic<T: KernelFloat>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.kExp(-x)) }
        let e = T.kExp(x)
        return e / (1 + e)
    }

    /// `ln(1 + e^x)` without overflow.
    @inlinable
    public static func softplusValue<T: KernelFloat>(_ x: T) -> T {
        x > 0 ? x + T.kLog1p(T.kExp(-x)) : T.kLog1p(T.kExp(x))
    }
}
