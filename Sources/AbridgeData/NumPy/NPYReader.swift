import Foundation

/// Reads `.npy` files (format versions 1.0, 2.0 and 3.0; NEP 1, `numpy.lib.format`).
///
/// Input is treated as untrusted: every malformed file throws a ``DataError`` naming the file
/// and, where useful, the byte offset. Checks: magic and version; header length and dict syntax
/// (exactly the keys `descr`, `fortran_order`, `shape`); supported dtype (object arrays are
/// refused, never unpickled); non-negative shape; overflow-checked byte count equal to the bytes
/// after the header (a shorter file is ``DataError/Kind/truncated``, a longer one
/// ``DataError/Kind/trailingBytes``).
///
/// The result is normalized: big-endian data is byte-swapped to little-endian and Fortran-order
/// data is reordered to C order.
public enum NPYReader {
    /// Reads the `.npy` file at `url`.
    /// - Throws: ``DataError`` (kind ``DataError/Kind/io`` if the file cannot be read; see the
    ///   type documentation for the format checks). The error's ``DataError/file`` is `url.path`.
    public static func read(contentsOf url: URL) throws -> NumPyArray {
        let bytes = try contents(of: url)
        return try bytes.withUnsafeBytes { try decode($0, file: url.path, member: nil) }
    }

    /// Reads only the header of the `.npy` file at `url` (the data is not loaded or checked).
    /// - Throws: ``DataError`` as ``NPYHeader/parse(_:)``, with the file name filled in.
    public static func readHeader(contentsOf url: URL) throws -> NPYHeader {
        let bytes = try contents(of: url)
        return try bytes.withUnsafeBytes { raw in
            do { return try NPYHeader.parse(raw) } catch let error as DataError {
                throw error.located(file: url.path, member: nil)
            }
        }
    }

    /// Decodes a complete in-memory `.npy` stream.
    /// - Parameter source: a name for error messages (usually the file the bytes came from).
    /// - Throws: ``DataError`` as ``read(contentsOf:)``.
    public static func decode(_ bytes: [UInt8], source: String? = nil) throws -> NumPyArray {
        try bytes.withUnsafeBytes { try decode($0, file: source, member: nil) }
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String?, member: String?) throws -> NumPyArray {
        do {
            let header = try NPYHeader.parse(bytes)
            let available = bytes.count - header.dataOffset
            if available < header.dataByteCount {
                throw DataError(.truncated,
                                "data is truncated: shape \(header.shape) of \(header.dtype) needs "
                                    + "\(header.dataByteCount) bytes after the header but only \(available) remain",
                                offset: bytes.count)
            }
            if available > header.dataByteCount {
                throw DataError(.trailingBytes,
                                "\(available - header.dataByteCount) unexpected bytes after the "
                                    + "\(header.dataByteCount) data bytes of shape \(header.shape) of \(header.dtype)",
                                offset: header.dataOffset + header.dataByteCount)
            }
            var data = Array(UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset...]))
            if header.bigEndian { NumPyArray.byteSwap(&data, unit: header.dtype.swapUnit) }
            if header.fortranOrder {
                data = NumPyArray.fortranToC(data, shape: header.shape, itemSize: header.dtype.itemSize)
            }
            return NumPyArray(unchecked: header.dtype, shape: header.shape, data: data)
        } catch let error as DataError {
            throw error.located(file: file, member: member)
        }
    }

    static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw DataError(.io, "cannot read file: \(error.localizedDescription)", file: url.path)
        }
    }
}
