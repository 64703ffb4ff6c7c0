import AbridgeIR
import AbridgeKernels

/// `Einsum` (onnx.ai/onnx/operators/onnx__Einsum.html, since-versions 12): Einstein summation over
/// the operands named by `equation` (`"ij,jk->ik"`; implicit output when `->` is absent: the
/// letters used once, in alphabetical order, after the ellipsis dimensions). Supports `...`
/// (broadcast), repeated letters within one operand (diagonals) and size-1 broadcasting.
///
/// A direct sum over every index combination, accumulated in double precision:
/// O(prod of all distinct index sizes) time; fine for the small contractions models use it for,
/// not a replacement for MatMul.
struct Einsum: OperatorKernel {
    static let sinceVersions = [12]
    let equation: String

    init(_ context: KernelBuildContext) throws {
        guard let e = try context.attributes.string("equation") else {
            throw RuntimeError.invalidAttribute(node: context.node.label, name: "equation", reason: "required")
        }
        // "..." becomes one marker character so the equation can be split without Foundation.
        var chars = Array(e.filter { !$0.isWhitespace }), out: [Character] = []
        var i = 0
        while i < chars.count {
            if i + 2 < chars.count, chars[i] == ".", chars[i + 1] == ".", chars[i + 2] == "." { out.append(Einsum.ellipsis); i += 3 }
            else { out.append(chars[i]); i += 1 }
        }
        chars = out
        equation = String(chars)
    }

    static let ellipsis: Character = "\u{2026}"

    func run(_ inputs: [RuntimeValue?], context: ExecutionContext) throws -> [RuntimeValue?] {
        let operands = try (0..<inputs.count).map { try inputs.tensor($0, "Inputs") }
        guard let first = operands.first else { throw RuntimeError.invalidInput(node: "", reason: "Einsum needs at least one input") }
        guard operands.allSatisfy({ $0.dataType == first.dataType }) else {
            throw RuntimeError.typeMismatch("Einsum: all inputs must have the same type")
        }
        var parts: [String] = [], current = ""
        var chars = Array(equation)[...]
        while let c = chars.popFirst() {
            if c == "-", chars.first == ">" { chars.removeFirst(); parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        guard parts.count <= 2 else { throw RuntimeError.invalidInput(node: "", reason: "Einsum: malformed equation \"\(equation)\"") }
        let terms = parts[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard terms.count == operands.count else {
            throw RuntimeError.invalidInput(node: "", reason: "Einsum: equation \"\(equation)\" names \(terms.count) operands, got \(operands.count)")
        }
        // Expand "..." into placeholder letters, right-aligned across operands.
        let ellipsisRank = try zip(terms, operands).map { term, t -> Int in
            let letters = term.filter { $0 != Einsum.ellipsis }.count
            guard term.contains(Einsum.ellipsis) ? t.rank >= letters : t.rank == letters else {
                throw RuntimeError.invalidInput(node: "", reason: "Einsum: term \"\(term)\" does not match an input of rank \(t.rank)")
            }
            return t.rank - letters
        }.max() ?? 0
        let placeholders: [Character] = (0..<ellipsisRank).map { Character(UnicodeScalar(UInt8(0xC0 + min($0, 63)))) }
        func expand(_ term: String, rank: Int) -> [Character] {
            let chars = Array(term)
            guard let r = chars.firstIndex(of: Einsum.ellipsis) else { return chars }
            let e = max(0, rank - (chars.count - 1))
            return Array(chars[..<r]) + placeholders.suffix(e) + Array(chars[(r + 1)...])
        }
        let inputLetters = zip(terms, operands).map { expand($0, rank: $1.rank) }
        let outputLetters: [Character]
        if parts.count == 2 {
            outputLetters = expand(parts[1], rank: ellipsisRank + parts[1].filter { $0 != Einsum.ellipsis }.count)
        } else {
            var counts: [Character: Int] = [:]
            for l in inputLetters.joined() where !placeholders.contains(l) { counts[l, default: 0] += 1 }
            outputLetters = placeholders + counts.filter { $0.value == 1 }.keys.sorted()
        }
        var sizes: [Character: Int] = [:]
        for (letters, t) in zip(inputLetters, operands) {
            for (l, d) in zip(letters, t.shape) {
                if let s = sizes[l], s != d, s != 1, d != 1 {
                    throw RuntimeError.invalidInput(node: "", reason: "Einsum: index '\(l)' has sizes \(s) and \(d)")
                }
                sizes[l] = max(sizes[l] ?? d, d)
            }
        }
        for l in outputLetters where sizes[l] == nil {
            if placeholders.contains(l) { sizes[l] = 1 } else {
                throw RuntimeError.invalidInput(node: "", reason: "Einsum: output index '\(l)' appears in no input")
            }
        }
        let summed = Array(Set(inputLetters.joined()).subtracting(outputLetters)).sorted()
        let all = outputLetters + summed
        let dims = all.map { sizes[$0] ?? 1 }
        // Per operand, the element stride contributed by each index of `all` (0 when broadcast).
        let strides: [[Int]] = zip(inputLetters, operands).map { letters, t in
            let s = ShapeMath.strides(t.shape)
            return all.map { l in
                var total = 0
                for (k, m) in letters.enumerated() where m == l && t.shape[k] != 1 { total += s[k] }
                return total
            }
        }
        let values = try operands.map { try QuantizationParameters.doubles($0, "Inputs") }
        let outShape = outputLetters.map { sizes[$0] ?? 1 }
        _ = try RuntimeTensor.checkedByteCount(shape: outShape, elementSize: MemoryLayout<Double>.stride, what: "the output of shape \(outShape)")
        let outCount = outShape.reduce(1, *), sumCount = summed.map { sizes[$0] ?? 1 }.reduce(1, *)
        var result = [Double](repeating: 0, count: outCount)
        var index = [Int](repeating: 0, count: all.count)
        var offsets = [Int](repeating: 0, count: operands.count)
        for o in 0..<outCount {
            var total = 0.0
            for s in 0..<sumCount {
                var r = o * sumCount + s
                for k in stride(from: all.count - 1, through: 0, by: -1) { index[k] = r % max(1, dims[k]); r /= max(1, dims[k]) }
                for i in 0..<operands.count {
                    var off = 0
                    for k in 0..<all.count { off += index[k] * strides[i][k] }
                    offsets[i] = off
                }
                var product = 1.0
                for i in 0..<operands.count { product *= values[i][offsets[i]] }
                total += product
            }
            result[o] = total
        }
        let y: RuntimeTensor
        switch first.dataType {
        case .double: y = RuntimeTensor(.double, shape: outShape, values: result)
        case .int64: y = RuntimeTensor(.int64, shape: outShape, values: result.map { Int64($0) })
        case .int32: y = RuntimeTensor(.int32, shape: outShape, values: result.map { Int32(clamping: Int64($0)) })
        default:
            try FloatOperand.check(first, "Einsum input")
            y = try FloatOperand.narrowed(RuntimeTensor(floats: result.map { Float($0) }, shape: outShape), to: first.dataType)
        }
        return [.tensor(y)]
    }
}
