/// An n-dimensional array as stored in a `.npy` file: a dtype, a shape and raw bytes.
///
/// Invariants (checked by ``init(dtype:shape:data:)``, the readers and the writers):
/// `data.count == product(shape) × dtype.itemSize`, every extent is `>= 0`, and `data` is
/// little-endian in C (row-major) order. A 0-d scalar has `shape == []` and one element.
///
/// Use the typed constructors (``init(_:shape:)-(Float)``, ``init(strings:shape:length:)``, …)
/// and accessors (``floats()``, ``int64s()``, ``strings()``, …) in `NumPyArray+Elements.swift`
/// rather than touching `data` directly.
public struct NumPyArray: Sendable, Equatable {
    /// The element type.
    public var dtype: NumPyDType
    /// The extents, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// The raw element bytes: little-endian, C order.
    public var data: [UInt8]

    /// Creates an array from raw little-endian, C-order bytes.
    ///
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidShape`` for a negative extent,
    ///   ``DataError/Kind/sizeOverflow`` if the byte count overflows, or
    ///   ``DataError/Kind/invalidArgument`` if `data.count` is not `product(shape) × itemSize`.
    public init(dtype: NumPyDType, shape: [Int], data: [UInt8]) throws {
        let expected = try Self.byteCount(dtype: dtype, shape: shape)
        guard data.count == expected else {
            throw DataError(.invalidArgument,
                            "\(data.count) data bytes given but shape \(shape) of \(dtype) needs \(expected)")
        }
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// Creates an array without validation; callers guarantee the invariants.
    init(unchecked dtype: NumPyDType, shape: [Int], data: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// The number of elements: the product of ``shape`` (1 for a scalar).
    public var count: Int { shape.reduce(1, &*) }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }

    /// The element count of `shape`, overflow-checked.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidShape`` or ``DataError/Kind/sizeOverflow``.
    public static func elementCount(of shape: [Int]) throws -> Int {
        var count = 1
        for extent in shape {
            guard extent >= 0 else {
                throw DataError(.invalidShape, "shape \(shape) has a negative extent \(extent)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw DataError(.sizeOverflow, "element count of shape \(shape) overflows") }
            count = product
        }
        return count
    }

    /// The byte count `product(shape) × dtype.itemSize`, overflow-checked.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidShape`` or ``DataError/Kind/sizeOverflow``.
    public static func byteCount(dtype: NumPyDType, shape: [Int]) throws -> Int {
        if case .unicode(let length) = dtype, length < 0 || length > Int.max / 4 {
            throw DataError(.invalidArgument, "invalid unicode width \(length)")
        }
        if case .bytes(let length) = dtype, length < 0 {
            throw DataError(.invalidArgument, "invalid bytes width \(length)")
        }
        let count = try elementCount(of: shape)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw DataError(.sizeOverflow, "byte count of shape \(shape) × item size \(dtype.itemSize) overflows")
        }
        return bytes
    }

    /// Reverses the byte order of every `unit`-byte group in `bytes` (big-endian → little-endian).
    static func byteSwap(_ bytes: inout [UInt8], unit: Int) {
        guard unit > 1 else { return }
        bytes.withUnsafeMutableBufferPointer { buffer in
            var start = 0
            while start + unit <= buffer.count {
                var low = start, high = start + unit - 1
                while low < high {
                    buffer.swapAt(low, high)
                    low += 1
                    high -= 1
                }
                start += unit
            }
        }
    }

    /// Reorders Fortran-order (column-major) element bytes into C (row-major) order.
    ///
    /// Element `(i0, …, iN-1)` lives at Fortran offset `i0 + d0·(i1 + d1·(i2 + …))`.
    static func fortranToC(_ source: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
        let rank = shape.count
        guard rank > 1, itemSize > 0, !source.isEmpty else { return source }
        // Fortran strides in elements.
        var strides = [Int](repeating: 1, count: rank)
        for axis in 1..<rank { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var result = [UInt8](repeating: 0, count: source.count)
        var index = [Int](repeating: 0, count: rank)
        var sourceElement = 0
        let count = source.count / itemSize
        source.withUnsafeBytes { src in
            result.withUnsafeMutableBytes { dst in
                guard let srcBase = src.baseAddress, let dstBase = dst.baseAddress else { return }
                for destinationElement in 0..<count {
                    (dstBase + destinationElement * itemSize)
                        .copyMemory(from: srcBase + sourceElement * itemSize, byteCount: itemSize)
                    // Advance the C-order index odometer (last axis fastest).
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        sourceElement += strides[axis]
                        if index[axis] < shape[axis] { break }
                        sourceElement -= strides[axis] * shape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        return result
    }
}
