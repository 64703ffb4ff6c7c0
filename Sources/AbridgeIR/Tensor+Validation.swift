/// Checking that a tensor's data agree with its type and shape, without converting them.
extension Tensor {
    /// Checks that the data this tensor holds match its element type and dims, as the ONNX IR
    /// requires (IR.md, "Tensor data"; onnx-ml.proto `TensorProto`): every dim >= 0 with a product
    /// that fits `Int`; `raw_data` of exactly the packed byte count (sub-byte types packed, the
    /// last byte padded); a typed field allowed for the type, with one value per element (two for
    /// complex types; for 4-bit and 2-bit types one packed byte per `int32_data` value); no data
    /// only for an empty tensor. Costs O(1) per tensor: nothing is read or copied.
    ///
    /// Tensors whose data are external and not loaded are checked for their shape only (the
    /// external-data resolver checks the length when it maps the bytes). Element types this
    /// version does not know are checked for their shape only, so they still round-trip.
    /// - Throws: `IRError.invalidTensor` naming the tensor and what is wrong.
    public func validateData() throws {
        let label = name ?? "<unnamed>"
        let type = elementType
        func fail(_ reason: String) -> IRError { .invalidTensor(name: label, reason: reason) }
        guard let n = elementCount else {
            throw fail("dims \(dims) are invalid (a negative dim, or an element count that overflows)")
        }
        let fixedWidth = type.bitWidth != nil
        if fixedWidth, type.byteCount(forElements: n) == nil {
            throw fail("dims \(dims) of \(type) give a byte count that overflows")
        }
        if usesExternalData, case .none = content { return }
        guard type.isKnown, type != .undefined else { return }
        func count(_ field: String, _ have: Int, _ want: Int, allowed: Bool) throws {
            guard allowed else { throw fail("\(field) cannot hold \(type)") }
            guard have == want else { throw fail("\(field) has \(have) values but dims \(dims) of \(type) need \(want)") }
        }
        let bits = type.bitWidth ?? 0
        switch content {
        case .none:
            guard n == 0 else { throw fail("holds no data but dims \(dims) of \(type) need \(n) elements") }
        case .raw(let b):
            guard type != .string else { throw fail("raw_data cannot hold STRING (use string_data)") }
            let want = type.byteCount(forElements: n)!
            guard b.count == want else { throw fail("raw_data holds \(b.count) bytes but dims \(dims) of \(type) need \(want)") }
        case .floatData(let a):
            try count("float_data", a.count, type.isComplex ? n * 2 : n, allowed: type == .float || type == .complex64)
        case .doubleData(let a):
            try count("double_data", a.count, type.isComplex ? n * 2 : n, allowed: type == .double || type == .complex128)
        case .int64Data(let a):
            try count("int64_data", a.count, n, allowed: type == .int64)
        case .uint64Data(let a):
            try count("uint64_data", a.count, n, allowed: type == .uint64 || type == .uint32)
        case .stringData(let a):
            try count("string_data", a.count, n, allowed: type == .string)
        case .int32Data(let a):
            let allowed = fixedWidth && bits <= 32 && ![DataType.float, .uint32, .complex64].contains(type)
            // 4-bit types: two elements per value; 2-bit types: four (one packed byte each).
            let want = (bits == 4 || bits == 2) ? type.byteCount(forElements: n)! : n
            try count("int32_data", a.count, want, allowed: allowed)
        }
    }
}
