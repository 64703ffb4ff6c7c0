import Foundation

/// Writes `.npy` files exactly as `numpy.save` does (NEP 1, `numpy.lib.format`).
///
/// The header is `{'descr': …, 'fortran_order': False, 'shape': …, }` followed by NumPy's
/// spare space for in-place shape growth, padded with spaces and a final `\n` so that the data
/// starts at a multiple of 64 bytes. Format version 1.0 is used unless the header needs more than
/// 65 535 bytes, then 2.0. Data is written little-endian in C order; descrs are those of
/// ``NumPyDType/descr``.
public enum NPYWriter {
    /// The complete `.npy` stream for `array`.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/invalidArgument`` (or
    ///   ``DataError/Kind/invalidShape`` / ``DataError/Kind/sizeOverflow``) if `array` breaks the
    ///   ``NumPyArray`` invariants.
    public static func encode(_ array: NumPyArray) throws -> [UInt8] {
        let expected = try NumPyArray.byteCount(dtype: array.dtype, shape: array.shape)
        guard array.data.count == expected else {
            throw DataError(.invalidArgument,
                            "array holds \(array.data.count) bytes but shape \(array.shape) of \(array.dtype) "
                                + "needs \(expected)")
        }
        var bytes = header(dtype: array.dtype, shape: array.shape)
        bytes.append(contentsOf: array.data)
        return bytes
    }

    /// Writes `array` to `url` atomically: the bytes go to a temporary file in the same folder,
    /// which is flushed and then renamed over `url`. On failure no partial file is left.
    /// - Throws: ``DataError`` of kind ``DataError/Kind/io`` if writing fails, or as ``encode(_:)``.
    public static func write(_ array: NumPyArray, to url: URL) throws {
        let bytes = try encode(array)
        try AtomicReplacement.write(to: url) { temporary in
            guard FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes)) else {
                throw DataError(.io, "cannot create file", file: temporary.path)
            }
        }
    }

    /// The header bytes (magic, version, length, padded dict) that precede the data.
    static func header(dtype: NumPyDType, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy.lib.format leaves room for the first axis to grow to 21 digits.
        if let first = shape.first { dict += String(repeating: " ", count: max(0, 21 - String(first).count)) }
        var headerBytes = Array(dict.utf8)
        // As numpy's _wrap_header: 1...64 spaces (64 when already aligned), then "\n".
        func padding(prefix: Int) -> Int { 64 - (prefix + headerBytes.count + 1) % 64 }
        var version: UInt8 = 1
        if headerBytes.count + 1 + padding(prefix: 10) > Int(UInt16.max) { version = 2 }
        let padding = padding(prefix: version == 1 ? 10 : 12)
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        headerBytes.append(UInt8(ascii: "\n"))
        var result = NPYHeader.magic
        result.append(version)
        result.append(0)
        let length = UInt32(headerBytes.count)
        result.append(UInt8(truncatingIfNeeded: length))
        result.append(UInt8(truncatingIfNeeded: length >> 8))
        if version == 2 {
            result.append(UInt8(truncatingIfNeeded: length >> 16))
            result.append(UInt8(truncatingIfNeeded: length >> 24))
        }
        result.append(contentsOf: headerBytes)
        return result
    }
}
