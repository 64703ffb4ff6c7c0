/// Packing of sub-byte element types as ONNX stores them (IR.md "4-bit and 2-bit integer types"):
/// INT4/UINT4/FLOAT4E2M1 two per byte, element `2i` in the low nibble and `2i + 1` in the high nibble;
/// INT2/UINT2 four per byte, element `4i + k` in bits `2k...2k+1` (lowest bits first). A trailing
/// partial byte is padded with zero bits.
public enum SubByte {
    /// Bits per element supported by packing.
    public enum Width: Int, Sendable {
        /// INT2/UINT2: four values per byte.
        case two = 2
        /// INT4/UINT4/FLOAT4E2M1: two values per byte.
        case four = 4
    }

    /// Number of bytes needed to pack `count` elements.
    public static func packedByteCount(_ count: Int, width: Width) -> Int {
        let perByte = 8 / width.rawValue
        return (count + perByte - 1) / perByte
    }

    /// Packs the low `width` bits of each element of `values` (one per byte, signed values in two's
    /// complement, e.g. int4 -1 as 0xFF or 0x0F) into `packed`.
    /// - Throws: `KernelError.bufferSize` when `packed` does not hold exactly `packedByteCount`.
    public static func pack(_ values: UnsafeBufferPointer<UInt8>, width: Width, into packed: UnsafeMutableBufferPointer<UInt8>) throws {
        try ShapeMath.checkCount(packed.count, packedByteCount(values.count, width: width), kernel: "SubByte.pack", buffer: "packed")
        let bits = width.rawValue, perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
        for b in 0..<packed.count {
            var byte: UInt8 = 0
            for k in 0..<perByte {
                let i = b * perByte + k
                if i < values.count { byte |= (values[i] & mask) << UInt8(k * bits) }
            }
            packed[b] = byte
        }
    }

    /// Unpacks `count` elements into `values`, one per byte; `signed` sign-extends (INT4/INT2), otherwise
    /// values are zero-extended (UINT4/UINT2/FLOAT4E2M1 codes). Read as `Int8` via `Int8(bitPattern:)`.
    /// - Throws: `KernelError.bufferSize`.
    public static func unpack(_ packed: UnsafeBufferPointer<UInt8>, count: Int, width: Width, signed: Bool,
                              into values: UnsafeMutableBufferPointer<UInt8>) throws {
        try ShapeMath.checkCount(packed.count, packedByteCount(count, width: width), kernel: "SubByte.unpack", buffer: "packed")
        try ShapeMath.checkCount(values.count, count, kernel: "SubByte.unpack", buffer: "values")
        let bits = width.rawValue, perByte = 8 / bits, mask = UInt8((1 << bits) - 1)
        let signBit = UInt8(1 << (bits - 1))
        for i in 0..<count {
            let v = (packed[i / perByte] >> UInt8((i % perByte) * bits)) & mask
            values[i] = signed && v & signBit != 0 ? v | ~mask : v
        }
    }
}
