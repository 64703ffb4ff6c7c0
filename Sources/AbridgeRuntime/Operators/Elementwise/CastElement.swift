import AbridgeIR

/// An element type `Cast` converts between directly (the integers, FLOAT, DOUBLE, FLOAT16 and
/// BOOL); other types go through FLOAT (see `CastOp`).
protocol CastElement {
    /// The value as DOUBLE (exact for floats; integers rounded to nearest).
    var castDouble: Double { get }
    /// For integer and bool types, the value as an `Int64` bit pattern (UINT64 reinterpreted);
    /// nil for floating-point types.
    var castInteger: Int64? { get }
    /// Conversion from a floating-point value: integers truncate toward zero and wrap (NaN gives
    /// 0, out-of-range values saturate to the `Int64` range first), floats round to nearest even.
    static func fromDouble(_ d: Double) -> Self
    /// Conversion from an integer bit pattern (`unsigned`: the source was UINT64): integers wrap.
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Self
}

/// `Int64(d)` without trapping: NaN is 0, out-of-range values saturate.
@inline(__always) func castTruncatedInt64(_ d: Double) -> Int64 {
    if d.isNaN { return 0 }
    if d >= 9.2233720368547758e18 { return .max }
    if d <= -9.2233720368547758e18 { return .min }
    return Int64(d)
}

extension Int8: CastElement {}
extension Int16: CastElement {}
extension Int32: CastElement {}
extension Int64: CastElement {}
extension UInt8: CastElement {}
extension UInt16: CastElement {}
extension UInt32: CastElement {}
extension UInt64: CastElement {
    static func fromDouble(_ d: Double) -> UInt64 {
        if d >= 1.8446744073709552e19 { return .max }
        if d >= 9.2233720368547758e18 { return UInt64(d) }
        return UInt64(truncatingIfNeeded: castTruncatedInt64(d))
    }
    var castDouble: Double { Double(self) }
}

extension FixedWidthInteger {
    var castDouble: Double { Double(self) }
    var castInteger: Int64? { Int64(truncatingIfNeeded: self) }
    static func fromDouble(_ d: Double) -> Self { Self(truncatingIfNeeded: castTruncatedInt64(d)) }
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Self { Self(truncatingIfNeeded: i) }
}

extension Float: CastElement {
    var castDouble: Double { Double(self) }
    var castInteger: Int64? { nil }
    static func fromDouble(_ d: Double) -> Float { Float(d) }
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Float { unsigned ? Float(UInt64(bitPattern: i)) : Float(i) }
}

extension Double: CastElement {
    var castDouble: Double { self }
    var castInteger: Int64? { nil }
    static func fromDouble(_ d: Double) -> Double { d }
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Double { unsigned ? Double(UInt64(bitPattern: i)) : Double(i) }
}

extension Float16: CastElement {
    var castDouble: Double { Double(self) }
    var castInteger: Int64? { nil }
    static func fromDouble(_ d: Double) -> Float16 { Float16(d) }
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Float16 { unsigned ? Float16(Float(UInt64(bitPattern: i))) : Float16(Float(i)) }
}

extension Bool: CastElement {
    var castDouble: Double { self ? 1 : 0 }
    var castInteger: Int64? { self ? 1 : 0 }
    static func fromDouble(_ d: Double) -> Bool { d != 0 }
    static func fromInteger(_ i: Int64, unsigned: Bool) -> Bool { i != 0 }
}
