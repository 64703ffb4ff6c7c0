#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Floating-point element types the math kernels compute in (Float and Double), with the libm functions
/// they need. Float16/BFloat16 tensors are widened to Float by the caller (as onnxruntime does on CPU).
public protocol KernelFloat: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// e^x (libm `exp`).
    static func kExp(_ x: Self) -> Self
    /// Natural logarithm (libm `log`).
    static func kLog(_ x: Self) -> Self
    /// log(1 + x), accurate near 0 (libm `log1p`).
    static func kLog1p(_ x: Self) -> Self
    /// e^x - 1, accurate near 0 (libm `expm1`).
    static func kExpm1(_ x: Self) -> Self
    /// Hyperbolic tangent (libm `tanh`).
    static func kTanh(_ x: Self) -> Self
    /// Error function (libm `erf`).
    static func kErf(_ x: Self) -> Self
    /// x^y (libm `pow`).
    static func kPow(_ x: Self, _ y: Self) -> Self
    /// Sine (libm `sin`).
    static func kSin(_ x: Self) -> Self
    /// Cosine (libm `cos`).
    static func kCos(_ x: Self) -> Self
    /// Tangent (libm `tan`).
    static func kTan(_ x: Self) -> Self
    /// Arcsine (libm `asin`).
    static func kAsin(_ x: Self) -> Self
    /// Arccosine (libm `acos`).
    static func kAcos(_ x: Self) -> Self
    /// Arctangent (libm `atan`).
    static func kAtan(_ x: Self) -> Self
    /// Hyperbolic sine (libm `sinh`).
    static func kSinh(_ x: Self) -> Self
    /// Hyperbolic cosine (libm `cosh`).
    static func kCosh(_ x: Self) -> Self
    /// Inverse hyperbolic sine (libm `asinh`).
    static func kAsinh(_ x: Self) -> Self
    /// Inverse hyperbolic cosine (libm `acosh`).
    static func kAcosh(_ x: Self) -> Self
    /// Inverse hyperbolic tangent (libm `atanh`).
    static func kAtanh(_ x: Self) -> Self
}

/// Float32 math through the libm single-precision functions (`expf`, `erff`, ...).
extension Float: KernelFloat {
    @inlinable public static func kExp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func kLog(_ x: Float) -> Float { logf(x) }
    @inlinable public static func kLog1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func kExpm1(_ x: Float) -> Float { expm1f(x) }
    @inlinable public static func kTanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func kErf(_ x: Float) -> Float { erff(x) }
    @inlinable public static func kPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable public static func kSin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func kCos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func kTan(_ x: Float) -> Float { tanf(x) }
    @inlinable public static func kAsin(_ x: Float) -> Float { asinf(x) }
    @inlinable public static func kAcos(_ x: Float) -> Float { acosf(x) }
    @inlinable public static func kAtan(_ x: Float) -> Float { atanf(x) }
    @inlinable public static func kSinh(_ x: Float) -> Float { sinhf(x) }
    @inlinable public static func kCosh(_ x: Float) -> Float { coshf(x) }
    @inlinable public static func kAsinh(_ x: Float) -> Float { asinhf(x) }
    @inlinable public static func kAcosh(_ x: Float) -> Float { acoshf(x) }
    @inlinable public static func kAtanh(_ x: Float) -> Float { atanhf(x) }
}

/// Float64 math through the libm double-precision functions.
extension Double: KernelFloat {
    @inlinable public static func kExp(_ x: Double) -> Double { exp(x) }
    @inlinable public static func kLog(_ x: Double) -> Double { log(x) }
    @inlinable public static func kLog1p(_ x: Double) -> Double { log1p(x) }
    @inlinable public static func kExpm1(_ x: Double) -> Double { expm1(x) }
    @inlinable public static func kTanh(_ x: Double) -> Double { tanh(x) }
    @inlinable public static func kErf(_ x: Double) -> Double { erf(x) }
    @inlinable public static func kPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
    @inlinable public static func kSin(_ x: Double) -> Double { sin(x) }
    @inlinable public static func kCos(_ x: Double) -> Double { cos(x) }
    @inlinable public static func kTan(_ x: Double) -> Double { tan(x) }
    @inlinable public static func kAsin(_ x: Double) -> Double { asin(x) }
    @inlinable public static func kAcos(_ x: Double) -> Double { acos(x) }
    @inlinable public static func kAtan(_ x: Double) -> Double { atan(x) }
    @inlinable public static func kSinh(_ x: Double) -> Double { sinh(x) }
    @inlinable public static func kCosh(_ x: Double) -> Double { cosh(x) }
    @inlinable public static func kAsinh(_ x: Double) -> Double { asinh(x) }
    @inlinable public static func kAcosh(_ x: Double) -> Double { acosh(x) }
    @inlinable public static func kAtanh(_ x: Double) -> Double { atanh(x) }
}
