// Typed constructors and accessors for NumPyArray.

extension NumPyArray {
    // MARK: - Constructors

    /// A `float32` (`<f4`) array. - Throws: ``DataError`` (``DataError/Kind/invalidArgument``) if
    /// `values.count` is not the element count of `shape` (or the shape is invalid).
    public init(_ values: [Float], shape: [Int]) throws {
        try self.init(bitPatterns: values.map(\.bitPattern), dtype: .float32, shape: shape)
    }

    /// A `float64` (`<f8`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Double], shape: [Int]) throws {
        try self.init(bitPatterns: values.map(\.bitPattern), dtype: .float64, shape: shape)
    }

    /// An `int8` (`|i1`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Int8], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .int8, shape: shape) }
    /// An `int16` (`<i2`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Int16], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .int16, shape: shape) }
    /// An `int32` (`<i4`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Int32], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .int32, shape: shape) }
    /// An `int64` (`<i8`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Int64], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .int64, shape: shape) }
    /// A `uint8` (`|u1`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [UInt8], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .uint8, shape: shape) }
    /// A `uint16` (`<u2`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [UInt16], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .uint16, shape: shape) }
    /// A `uint32` (`<u4`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [UInt32], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .uint32, shape: shape) }
    /// A `uint64` (`<u8`) array. - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [UInt64], shape: [Int]) throws { try self.init(bitPatterns: values, dtype: .uint64, shape: shape) }

    /// A `bool` (`|b1`) array, one byte (0 or 1) per element.
    /// - Throws: ``DataError`` if `values.count` does not match `shape`.
    public init(_ values: [Bool], shape: [Int]) throws {
        try self.init(bitPatterns: values.map { $0 ? UInt8(1) : 0 }, dtype: .bool, shape: shape)
    }

    /// A `float16` (`<f2`) array from `Float` values, rounded to nearest-even (overflow → ±inf).
    /// - Throws: ``DataError`` if `values.count` does not match `shape`.
    public static func float16(_ values: [Float], shape: [Int]) throws -> NumPyArray {
        try NumPyArray(bitPatterns: values.map(HalfPrecision.bits(from:)), dtype: .float16, shape: shape)
    }

    /// A fixed-width Unicode (`<U{length}`) array, stored as UTF-32LE code points padded with NULs.
    ///
    /// - Parameter length: characters (Unicode scalars) per element; default: the longest string
    ///   (at least 1, as NumPy does).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidArgument`` if a string is longer than
    ///   `length` or `strings.count` does not match `shape`.
    public init(strings: [String], shape: [Int], length: Int? = nil) throws {
        let scalars = strings.map { Array($0.unicodeScalars) }
        let width = length ?? max(1, scalars.map(\.count).max() ?? 1)
        guard width >= 0 else { throw DataError(.invalidArgument, "negative string width \(width)") }
        try Self.checkCount(strings.count, shape: shape)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(try Self.byteCount(dtype: .unicode(length: width), shape: shape))
        for (index, string) in scalars.enumerated() {
            guard string.count <= width else {
                throw DataError(.invalidArgument, "string \(index) has \(string.count) characters, more than \(width)")
            }
            for scalar in string { Self.append(scalar.value, to: &bytes) }
            bytes.append(contentsOf: repeatElement(0, count: (width - string.count) * 4))
        }
        try self.init(dtype: .unicode(length: width), shape: shape, data: bytes)
    }

    /// A fixed-width byte-string (`|S{length}`) array, padded with NULs.
    ///
    /// - Parameter length: bytes per element; default: the longest value (at least 1).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidArgument`` if a value is longer than
    ///   `length` or `values.count` does not match `shape`.
    public init(byteStrings values: [[UInt8]], shape: [Int], length: Int? = nil) throws {
        let width = length ?? max(1, values.map(\.count).max() ?? 1)
        guard width >= 0 else { throw DataError(.invalidArgument, "negative byte-string width \(width)") }
        try Self.checkCount(values.count, shape: shape)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(try Self.byteCount(dtype: .bytes(length: width), shape: shape))
        for (index, value) in values.enumerated() {
            guard value.count <= width else {
                throw DataError(.invalidArgument, "value \(index) has \(value.count) bytes, more than \(width)")
            }
            bytes.append(contentsOf: value)
            bytes.append(contentsOf: repeatElement(0, count: width - value.count))
        }
        try self.init(dtype: .bytes(length: width), shape: shape, data: bytes)
    }

    private init<T: FixedWidthInteger>(bitPatterns values: [T], dtype: NumPyDType, shape: [Int]) throws {
        try Self.checkCount(values.count, shape: shape)
        var bytes = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: index * MemoryLayout<T>.size, as: T.self)
            }
        }
        self.init(unchecked: dtype, shape: shape, data: bytes)
    }

    private static func checkCount(_ count: Int, shape: [Int]) throws {
        let expected = try elementCount(of: shape)
        guard count == expected else {
            throw DataError(.invalidArgument, "\(count) values given but shape \(shape) holds \(expected)")
        }
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    // MARK: - Accessors

    /// The elements as `Float`, in C order.
    ///
    /// `float32` is returned exactly; `float16` is widened exactly; `float64` is rounded to the
    /// nearest `Float` (values beyond `Float`'s range become ±inf).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for non-floating dtypes.
    public func floats() throws -> [Float] {
        switch dtype {
        case .float32: return try load(UInt32.self).map(Float.init(bitPattern:))
        case .float16: return try load(UInt16.self).map(HalfPrecision.float(from:))
        case .float64: return try load(UInt64.self).map { Float(Double(bitPattern: $0)) }
        default: throw mismatch("floats()", "float16, float32 or float64")
        }
    }

    /// The elements as `Double`, in C order; `float16`, `float32` and `float64` convert exactly.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for non-floating dtypes.
    public func doubles() throws -> [Double] {
        switch dtype {
        case .float64: return try load(UInt64.self).map(Double.init(bitPattern:))
        case .float32: return try load(UInt32.self).map { Double(Float(bitPattern: $0)) }
        case .float16: return try load(UInt16.self).map { Double(HalfPrecision.float(from: $0)) }
        default: throw mismatch("doubles()", "float16, float32 or float64")
        }
    }

    /// The raw IEEE binary16 bit patterns of a `float16` array.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes.
    public func float16Bits() throws -> [UInt16] {
        guard dtype == .float16 else { throw mismatch("float16Bits()", "float16") }
        return try load(UInt16.self)
    }

    /// The elements as `Int64`, from any integer dtype or `bool` (0/1).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes, or
    ///   ``DataError/Kind/valueOutOfRange`` for a `uint64` value above `Int64.max`.
    public func int64s() throws -> [Int64] { try integers(Int64.self, accessor: "int64s()") }

    /// The elements as `Int32`, from any integer dtype or `bool` (0/1).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes, or
    ///   ``DataError/Kind/valueOutOfRange`` for a value outside `Int32`'s range.
    public func int32s() throws -> [Int32] { try integers(Int32.self, accessor: "int32s()") }

    /// The elements as `UInt8`, from any integer dtype or `bool` (0/1).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes, or
    ///   ``DataError/Kind/valueOutOfRange`` for a value outside `0...255`.
    public func uint8s() throws -> [UInt8] { try integers(UInt8.self, accessor: "uint8s()") }

    /// The elements of a `bool` array (any nonzero byte is `true`, as in NumPy).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes.
    public func bools() throws -> [Bool] {
        guard dtype == .bool else { throw mismatch("bools()", "bool") }
        return data.map { $0 != 0 }
    }

    /// The elements of a `<U{n}` array as Swift strings, trailing NULs removed (as NumPy does).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes, or
    ///   ``DataError/Kind/valueOutOfRange`` for a code unit that is not a Unicode scalar.
    public func strings() throws -> [String] {
        guard case .unicode(let length) = dtype else { throw mismatch("strings()", "unicode (<U)") }
        try checkInvariant()
        let units = try load(UInt32.self)
        guard length > 0 else { return Array(repeating: "", count: count) }
        var result: [String] = []
        result.reserveCapacity(units.count / length)
        var start = 0
        while start < units.count {
            var end = start + length
            while end > start && units[end - 1] == 0 { end -= 1 }
            var view = String.UnicodeScalarView()
            for index in start..<end {
                guard let scalar = Unicode.Scalar(units[index]) else {
                    throw DataError(.valueOutOfRange,
                                    "element \(start / length) holds 0x\(String(units[index], radix: 16)), "
                                        + "not a Unicode scalar")
                }
                view.append(scalar)
            }
            result.append(String(view))
            start += length
        }
        return result
    }

    /// The elements of a `|S{n}` array, trailing NULs removed (as NumPy does).
    /// - Throws: ``DataError`` of kind ``DataError/Kind/typeMismatch`` for other dtypes.
    public func byteStrings() throws -> [[UInt8]] {
        guard case .bytes(let length) = dtype else { throw mismatch("byteStrings()", "bytes (|S)") }
        try checkInvariant()
        guard length > 0 else { return Array(repeating: [], count: count) }
        return stride(from: 0, to: data.count, by: length).map { start in
            var end = start + length
            while end > start && data[end - 1] == 0 { end -= 1 }
            return Array(data[start..<end])
        }
    }

    // MARK: - Helpers

    private func mismatch(_ accessor: String, _ expected: String) -> DataError {
        DataError(.typeMismatch, "\(accessor) needs a \(expected) array, but the dtype is \(dtype.descr)")
    }

    private func checkInvariant() throws {
        let expected = try Self.byteCount(dtype: dtype, shape: shape)
        guard data.count == expected else {
            throw DataError(.invalidArgument,
                            "array holds \(data.count) bytes but shape \(shape) of \(dtype) needs \(expected)")
        }
    }

    /// Loads every `T`-sized little-endian unit of `data`.
    private func load<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
        try checkInvariant()
        let size = MemoryLayout<T>.size
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / size)).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    private func integers<T: FixedWidthInteger>(_: T.Type, accessor: String) throws -> [T] {
        func convert<S: FixedWidthInteger>(_ values: [S]) throws -> [T] {
            var result: [T] = []
            result.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                guard let converted = T(exactly: value) else {
                    throw DataError(.valueOutOfRange, "\(accessor): element \(index) = \(value) does not fit in \(T.self)")
                }
                result.append(converted)
            }
            return result
        }
        switch dtype {
        case .bool: return try convert(load(UInt8.self).map { $0 != 0 ? UInt8(1) : 0 })
        case .int8: return try convert(load(Int8.self))
        case .int16: return try convert(load(Int16.self))
        case .int32: return try convert(load(Int32.self))
        case .int64: return try convert(load(Int64.self))
        case .uint8: return try convert(load(UInt8.self))
        case .uint16: return try convert(load(UInt16.self))
        case .uint32: return try convert(load(UInt32.self))
        case .uint64: return try convert(load(UInt64.self))
        default: throw mismatch(accessor, "integer or bool")
        }
    }
}
