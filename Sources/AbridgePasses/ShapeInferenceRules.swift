import AbridgeIR

/// Per-operator type and shape rules of `InferShapesPass` (default ONNX domain), after the
/// inference functions of the ONNX operator specifications. Each rule returns one entry per
/// output (nil: not inferred) and throws `ShapeConflict` only on a definite contradiction
/// between known sizes.
enum ShapeRules {
    static let sameAsInput: Set<String> = [
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Gelu", "Softplus", "Softsign",
        "LeakyRelu", "Elu", "Selu", "Celu", "HardSigmoid", "HardSwish", "Mish", "ThresholdedRelu", "PRelu",
        "Clip", "Identity", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos",
        "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Softmax", "LogSoftmax", "Hardmax", "LayerNormalization",
        "BatchNormalization", "InstanceNormalization", "GroupNormalization", "LpNormalization", "LRN",
        "MeanVarianceNormalization", "CumSum", "Trilu", "ReverseSequence", "BitwiseNot", "Shrink",
        "ScatterND", "ScatterElements", "Scatter", "RMSNormalization", "Swish",
    ]
    static let broadcasting: Set<String> = ["Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift", "BitwiseAnd",
                                            "BitwiseOr", "BitwiseXor", "Max", "Min", "Sum", "Mean"]
    static let comparisons: Set<String> = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"]
    static let reductions: Set<String> = ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                                          "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]

    static func infer(_ c: RuleContext) throws -> [InferredTensor?] {
        let node = c.node
        guard node.normalizedDomain.isEmpty else { return [] }
        let op = node.opType
        if sameAsInput.contains(op) { return sameAsInputRule(c) }
        if broadcasting.contains(op) { return [try broadcastRule(c, inputs: Array(0..<c.inputCount), elem: c.elem(0))] }
        if comparisons.contains(op) { return [try broadcastRule(c, inputs: Array(0..<c.inputCount), elem: .bool)] }
        if reductions.contains(op) { return [reduce(c)] }
        switch op {
        case "Not", "IsNaN", "IsInf": return [InferredTensor(.bool, c.dims(0))]
        case "RandomUniformLike", "RandomNormalLike":
            let dtype = c.int("dtype").flatMap { Int32(exactly: $0) }.map(DataType.init(rawValue:))
            return [InferredTensor(dtype ?? c.elem(0), c.dims(0))]
        case "Dropout": return [c.type(0), InferredTensor(.bool, c.dims(0))]
        case "Cast":
            guard let to = c.int("to"), let type = Int32(exactly: to) else { return [] }
            let t = DataType(rawValue: type)
            if t == .int64 || t == .int32, let v = c.ints(0) { c.producedInts[0] = v }
            return [InferredTensor(t, c.dims(0))]
        case "CastLike": return [InferredTensor(c.elem(1), c.dims(0))]
        case "Where": return [try broadcastRule(c, inputs: [0, 1, 2], elem: c.elem(1) ?? c.elem(2))]
        case "MatMul": return [try matMul(c, a: 0, b: 1, elem: c.elem(0))]
        case "MatMulInteger": return [try matMul(c, a: 0, b: 1, elem: .int32)]
        case "QLinearMatMul": return [try matMul(c, a: 0, b: 3, elem: c.elem(7))]
        case "Gemm": return [try gemm(c)]
        case "Conv", "ConvInteger", "ConvTranspose", "MaxPool", "AveragePool", "LpPool": return try convPool(c)
        case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool":
            guard let d = c.dims(0), d.count >= 2 else { return [InferredTensor(c.elem(0), nil)] }
            return [InferredTensor(c.elem(0), Array(d.prefix(2)) + Array(repeating: .value(1), count: d.count - 2))]
        case "Flatten": return [flatten(c)]
        case "Reshape": return [try reshape(c)]
        case "Transpose": return [transpose(c)]
        case "Squeeze": return [try squeeze(c)]
        case "Unsqueeze": return [unsqueeze(c)]
        case "Concat": return [try concat(c)]
        case "Split": return split(c)
        case "Slice": return [slice(c)]
        case "Gather": return [gather(c)]
        case "GatherElements": return [InferredTensor(c.elem(0), c.dims(1))]
        case "Shape": return [shape(c)]
        case "Size":
            if let d = c.dims(0) { c.producedInts[0] = [product(d)] }
            return [InferredTensor(.int64, [])]
        case "ArgMax", "ArgMin": return [argExtremum(c)]
        case "Expand": return [try expand(c)]
        case "Tile": return [tile(c)]
        case "Pad": return [pad(c)]
        case "Resize", "Upsample": return [resize(c)]
        case "Constant": return [constant(c)]
        case "ConstantOfShape": return [constantOfShape(c)]
        case "QuantizeLinear":
            let dtype = c.int("output_dtype", default: 0)
            let elem: DataType? = c.present(2) ? c.elem(2) : (dtype != 0 ? Int32(exactly: dtype).map(DataType.init(rawValue:)) : .uint8)
            return [InferredTensor(elem, c.dims(0))]
        case "DequantizeLinear":
            let dtype = c.int("output_dtype", default: 0)
            let elem: DataType? = dtype != 0 ? Int32(exactly: dtype).map(DataType.init(rawValue:)) : (c.opset < 19 ? .float : c.elem(1))
            return [InferredTensor(elem, c.dims(0))]
        case "DynamicQuantizeLinear":
            return [InferredTensor(.uint8, c.dims(0)), InferredTensor(.float, []), InferredTensor(.uint8, [])]
        case "TopK": return topK(c)
        case "NonZero":
            guard let r = c.rank(0) else { return [InferredTensor(.int64, [nil, nil])] }
            return [InferredTensor(.int64, [.value(Int64(r)), nil])]
        case "DepthToSpace", "SpaceToDepth": return [depthSpace(c)]
        case "Range": return [range(c)]
        case "If": return ifRule(c)
        default: return []
        }
    }

    // MARK: element-wise

    /// PRelu's slope broadcasts to X (unidirectionally; per channel in old opsets): the output is X.
    static func sameAsInputRule(_ c: RuleContext) -> [InferredTensor?] {
        if c.node.opType == "Identity", let v = c.ints(0) { c.producedInts[0] = v }
        return [c.type(0)]
    }

    static func broadcastRule(_ c: RuleContext, inputs: [Int], elem: DataType?) throws -> InferredTensor {
        var shapes: [[Dim]] = []
        for i in inputs where c.present(i) {
            guard let d = c.dims(i) else { return InferredTensor(elem, nil) }
            shapes.append(d)
        }
        if shapes.isEmpty { return InferredTensor(elem, nil) }
        return InferredTensor(elem, try broadcast(shapes, c))
    }

    /// Numpy multidirectional broadcasting. A size other than 1 wins over symbols and unknowns
    /// (they must equal it or be 1); two different such sizes are a conflict.
    static func broadcast(_ shapes: [[Dim]], _ c: RuleContext?) throws -> [Dim] {
        let rank = shapes.map(\.count).max() ?? 0
        var out: [Dim] = []
        for k in 0..<rank {
            var fixed: Int64?
            var others: [Dim] = []
            for s in shapes {
                let j = k - (rank - s.count)
                guard j >= 0 else { continue }
                let d = s[j]
                if case .value(let v)? = d {
                    if v == 1 { continue }
                    if let f = fixed, f != v {
                        throw ShapeConflict(message: "cannot broadcast " + shapes.map(format).joined(separator: " with "))
                    }
                    fixed = v
                } else {
                    others.append(d)
                }
            }
            if let f = fixed { out.append(.value(f)); continue }
            if others.isEmpty { out.append(.value(1)); continue }
            if case .param(let p)? = others[0], others.allSatisfy({ $0 == .param(p) }) { out.append(.param(p)) } else { out.append(nil) }
        }
        return out
    }

    static func format(_ dims: [Dim]) -> String { "[" + dims.map { Dimension($0).description }.joined(separator: ", ") + "]" }

    // MARK: linear algebra

    static func matMul(_ c: RuleContext, a ai: Int, b bi: Int, elem: DataType?) throws -> InferredTensor {
        guard var a = c.dims(ai), var b = c.dims(bi), !a.isEmpty, !b.isEmpty else { return InferredTensor(elem, nil) }
        let aVector = a.count == 1, bVector = b.count == 1
        if aVector { a.insert(.value(1), at: 0) }
        if bVector { b.append(.value(1)) }
        if case .value(let k1)? = a[a.count - 1], case .value(let k2)? = b[b.count - 2], k1 != k2 {
            throw ShapeConflict(message: "MatMul inner dimensions differ: \(format(c.dims(ai) ?? [])) x \(format(c.dims(bi) ?? []))")
        }
        var out = try broadcast([Array(a.dropLast(2)), Array(b.dropLast(2))], c)
        if !aVector { out.append(a[a.count - 2]) }
        if !bVector { out.append(b[b.count - 1]) }
        return InferredTensor(elem, out)
    }

    static func gemm(_ c: RuleContext) throws -> InferredTensor {
        let elem = c.elem(0)
        guard let a = c.dims(0), let b = c.dims(1), a.count == 2, b.count == 2 else { return InferredTensor(elem, [nil, nil]) }
        let transA = c.int("transA", default: 0) != 0, transB = c.int("transB", default: 0) != 0
        let m = transA ? a[1] : a[0], ka = transA ? a[0] : a[1]
        let kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1]
        if case .value(let x)? = ka, case .value(let y)? = kb, x != y {
            throw ShapeConflict(message: "Gemm inner dimensions differ: A \(format(a)) (transA \(transA ? 1 : 0)), B \(format(b)) (transB \(transB ? 1 : 0))")
        }
        return InferredTensor(elem, [m, n])
    }

    // MARK: convolution and pooling

    static func convPool(_ c: RuleContext) throws -> [InferredTensor?] {
        let op = c.node.opType
        let isConv = op == "Conv" || op == "ConvInteger" || op == "ConvTranspose"
        let elem: DataType? = op == "ConvInteger" ? .int32 : c.elem(0)
        guard let x = c.dims(0), x.count >= 3 else { return [InferredTensor(elem, nil)] }
        let n = x.count - 2
        let w = isConv ? c.dims(1) : nil
        if isConv, let w, w.count != x.count {
            throw ShapeConflict(message: "input \(format(x)) and weight \(format(w)) have different ranks")
        }
        var kernel: [Int64?] = Array(repeating: nil, count: n)
        if let k = c.intList("kernel_shape") {
            guard k.count == n else { return [InferredTensor(elem, nil)] }
            kernel = k
        } else if let w {
            kernel = w.dropFirst(2).map { if case .value(let v)? = $0 { return v }; return nil }
        } else {
            return [InferredTensor(elem, nil)]
        }
        let strides = c.intList("strides") ?? Array(repeating: 1, count: n)
        let dilations = c.intList("dilations") ?? Array(repeating: 1, count: n)
        let autoPad = c.string("auto_pad") ?? "NOTSET"
        var pads = c.intList("pads") ?? Array(repeating: 0, count: 2 * n)
        if autoPad != "NOTSET" { pads = Array(repeating: 0, count: 2 * n) }
        guard strides.count == n, dilations.count == n, pads.count == 2 * n,
              strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 }) else { return [InferredTensor(elem, nil)] }
        let ceilMode = c.int("ceil_mode", default: 0) != 0
        var out: [Dim] = [x[0]]
        switch op {
        case "Conv", "ConvInteger": out.append(w.map { $0[0] } ?? nil)
        case "ConvTranspose":
            let group = c.int("group", default: 1)
            if let w, case .value(let m)? = w[1] { out.append(size(mul(m, group))) } else { out.append(nil) }
        default: out.append(x[1])
        }
        let outputShape = op == "ConvTranspose" ? c.intList("output_shape") : nil
        let outputPadding = c.intList("output_padding") ?? Array(repeating: 0, count: n)
        for i in 0..<n {
            if let os = outputShape, os.count >= n { out.append(size(os[os.count - n + i])); continue }
            guard case .value(let inSize)? = x[i + 2], let k = kernel[i] else { out.append(nil); continue }
            let s = strides[i], d = dilations[i]
            guard k >= 1, let span = add(mul(k - 1, d), 1) else { out.append(nil); continue }
            if op == "ConvTranspose" {
                if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" { out.append(size(mul(inSize, s))); continue }
                guard outputPadding.count == n else { out.append(nil); continue }
                out.append(size(sub(sub(add(add(mul(s, inSize - 1), outputPadding[i]), span), pads[i]), pads[i + n])))
                continue
            }
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER": out.append(size(add(inSize, s - 1).map { $0 / s }))
            case "VALID":
                let v = inSize - span
                out.append(v >= 0 ? .value(v / s + 1) : nil)
            default:
                guard let eff = sub(add(add(inSize, pads[i]), pads[i + n]), span), eff >= 0 else { out.append(nil); continue }
                if !isConv && ceilMode {
                    guard let count = add(eff, s - 1).map({ $0 / s + 1 }), let start = mul(count - 1, s), let limit = add(inSize, pads[i]) else {
                        out.append(nil); continue
                    }
                    // A last window starting in the end padding: onnx.shape_inference counts it,
                    // the operator text and runtimes drop it. Undecided: leave unknown.
                    out.append(start >= limit ? nil : .value(count))
                } else {
                    out.append(.value(eff / s + 1))
                }
            }
        }
        let y = InferredTensor(elem, out)
        if op == "MaxPool" { return [y, InferredTensor(.int64, out)] }
        return [y]
    }

    // MARK: shape manipulation

    static func product(_ dims: some Collection<Dim>) -> Dim {
        var p: Int64 = 1
        var symbol: Dim = nil
        var symbols = 0
        for d in dims {
            switch d {
            case .value(let v)?:
                let (r, o) = p.multipliedReportingOverflow(by: v)
                if o { return nil }
                p = r
            case .param?: symbols += 1; symbol = d
            case nil: return nil
            }
        }
        if symbols == 0 { return .value(p) }
        if symbols == 1 && p == 1 { return symbol }
        return nil
    }

    static func normalize(_ axis: Int64, rank: Int) -> Int? {
        let r = Int64(rank)
        guard axis >= -r && axis < r else { return nil }
        return Int(axis < 0 ? axis + r : axis)
    }

    static func flatten(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, [nil, nil]) }
        let axis = c.int("axis", default: 1)
        let r = Int64(x.count)
        guard axis >= -r && axis <= r else { return InferredTensor(elem, [nil, nil]) }
        let a = Int(axis < 0 ? axis + r : axis)
        return InferredTensor(elem, [product(x[..<a]), product(x[a...])])
    }

    static func reshape(_ c: RuleContext) throws -> InferredTensor {
        let elem = c.elem(0)
        guard let target = c.ints(1) else {
            if let s = c.dims(1), s.count == 1, case .value(let k)? = s[0] { return InferredTensor(elem, unknownDims(k)) }
            return InferredTensor(elem, nil)
        }
        let input = c.dims(0)
        let allowZero = c.int("allowzero", default: 0) != 0
        var out: [Dim] = []
        var inferIndex: Int?
        for (i, t) in target.enumerated() {
            switch t {
            case .value(0)? where !allowZero:
                if let input, i < input.count { out.append(input[i]) } else if input != nil {
                    throw ShapeConflict(message: "shape entry \(i) is 0 but the input has rank \(input?.count ?? 0)")
                } else { out.append(nil) }
            case .value(-1)?:
                if inferIndex != nil { throw ShapeConflict(message: "more than one -1 in the shape") }
                inferIndex = i; out.append(nil)
            case .value(let v)? where v < -1: throw ShapeConflict(message: "invalid shape entry \(v)")
            default: out.append(t)
            }
        }
        guard let input, input.allSatisfy({ $0 != nil }) else { return InferredTensor(elem, out) }
        let known = out.enumerated().filter { $0.offset != inferIndex }.map(\.element)
        guard known.allSatisfy({ $0 != nil }) else { return InferredTensor(elem, out) }
        // Cancel symbols that appear on both sides; what is left gives -1 or checks the count.
        var symbols: [String: Int] = [:]
        var inProduct: Int64 = 1, outProduct: Int64 = 1
        for d in input {
            switch d {
            case .value(let v)?: let (r, o) = inProduct.multipliedReportingOverflow(by: v); if o { return InferredTensor(elem, out) }; inProduct = r
            case .param(let p)?: symbols[p, default: 0] += 1
            case nil: break
            }
        }
        for d in known {
            switch d {
            case .value(let v)?: let (r, o) = outProduct.multipliedReportingOverflow(by: v); if o { return InferredTensor(elem, out) }; outProduct = r
            case .param(let p)?: symbols[p, default: 0] -= 1
            case nil: break
            }
        }
        let leftover = symbols.filter { $0.value != 0 }
        if let k = inferIndex {
            guard outProduct != 0, leftover.allSatisfy({ $0.value > 0 }) else { return InferredTensor(elem, out) }
            if leftover.isEmpty {
                guard inProduct % outProduct == 0 else {
                    throw ShapeConflict(message: "cannot reshape \(format(input)) to \(format(target))")
                }
                out[k] = .value(inProduct / outProduct)
            } else if leftover.count == 1, let only = leftover.first, only.value == 1, inProduct == outProduct {
                out[k] = .param(only.key)
            }
        } else if leftover.isEmpty && inProduct != outProduct {
            throw ShapeConflict(message: "cannot reshape \(format(input)) (\(inProduct) elements) to \(format(target))")
        }
        return InferredTensor(elem, out)
    }

    static func transpose(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let perm = c.intList("perm") ?? Array((0..<Int64(x.count)).reversed())
        guard perm.count == x.count, Set(perm) == Set(0..<Int64(x.count)) else { return InferredTensor(elem, nil) }
        return InferredTensor(elem, perm.map { x[Int($0)] })
    }

    /// Axes given as an attribute before `inputFrom`, as input `index` from then on.
    /// `given`: axes are specified (nil `axes` then means not constant, or an attribute where the
    /// opset takes an input: an invalid node, so nothing is guessed).
    static func axes(_ c: RuleContext, inputFrom: Int64, index: Int) -> (given: Bool, axes: [Int64]?) {
        if c.opset < inputFrom {
            let a = c.intList("axes")
            return (a != nil, a)
        }
        if c.node.attribute("axes") != nil { return (true, nil) }
        guard c.present(index) else { return (false, nil) }
        return (true, c.staticInts(index))
    }

    static func squeeze(_ c: RuleContext) throws -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let (given, axesList) = axes(c, inputFrom: 13, index: 1)
        if given {
            guard let axesList else { return InferredTensor(elem, nil) }
            var drop = Set<Int>()
            for a in axesList {
                guard let k = normalize(a, rank: x.count) else { return InferredTensor(elem, nil) }
                if case .value(let v)? = x[k], v != 1 { throw ShapeConflict(message: "cannot squeeze axis \(a) of size \(v)") }
                drop.insert(k)
            }
            let out = x.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
            if out.isEmpty, let v = c.ints(0), v.count == 1 { c.producedInts[0] = v }
            return InferredTensor(elem, out)
        }
        var out: [Dim] = []
        for d in x {
            guard case .value(let v)? = d else { return InferredTensor(elem, nil) }
            if v != 1 { out.append(d) }
        }
        return InferredTensor(elem, out)
    }

    static func unsqueeze(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0), let axesList = axes(c, inputFrom: 13, index: 1).axes else { return InferredTensor(elem, nil) }
        let rank = x.count + axesList.count
        var inserted = Set<Int>()
        for a in axesList {
            guard let k = normalize(a, rank: rank), inserted.insert(k).inserted else { return InferredTensor(elem, nil) }
        }
        var out: [Dim] = []
        var next = 0
        for k in 0..<rank {
            if inserted.contains(k) { out.append(.value(1)) } else { out.append(x[next]); next += 1 }
        }
        if let v = c.ints(0), (x.isEmpty && v.count == 1) || (x.count == 1 && x[0] == .value(Int64(v.count))) {
            c.producedInts[0] = v
        }
        return InferredTensor(elem, out)
    }

    static func concat(_ c: RuleContext) throws -> InferredTensor {
        var elem: DataType?
        var shapes: [[Dim]] = []
        var allKnown = true
        for i in 0..<c.inputCount where c.present(i) {
            elem = elem ?? c.elem(i)
            if let d = c.dims(i) { shapes.append(d) } else { allKnown = false }
        }
        guard let first = shapes.first, let axisAttr = c.int("axis"), let axis = normalize(axisAttr, rank: first.count) else {
            return InferredTensor(elem, nil)
        }
        var out = first
        for s in shapes.dropFirst() {
            guard s.count == first.count else {
                throw ShapeConflict(message: "inputs of different ranks: " + shapes.map(format).joined(separator: ", "))
            }
            for k in 0..<s.count where k != axis { out[k] = try unify(out[k], s[k], conflictIn: shapes) }
        }
        if allKnown {
            out[axis] = sum(shapes.map { $0[axis] })
            // Data propagation: 1-D integer shape pieces.
            if first.count == 1 {
                var values: [Dim] = []
                var ok = true
                for i in 0..<c.inputCount where c.present(i) {
                    if let v = c.ints(i) {
                        values += v
                    } else if case .value(let k)? = c.dims(i)?.first, k >= 0, k <= 64 {
                        values += Array(repeating: nil, count: Int(k))   // entries unknown, count known
                    } else {
                        ok = false
                    }
                }
                if ok { c.producedInts[0] = values }
            }
        } else {
            out[axis] = nil
        }
        return InferredTensor(elem, out)
    }

    static func sum(_ dims: [Dim]) -> Dim {
        var total: Int64 = 0
        for d in dims {
            guard case .value(let v)? = d, let t = add(total, v) else { return nil }
            total = t
        }
        return .value(total)
    }

    /// Two dims that must be equal: a size wins over a symbol or unknown; different sizes conflict.
    static func unify(_ a: Dim, _ b: Dim, conflictIn shapes: [[Dim]]) throws -> Dim {
        switch (a, b) {
        case (.value(let x)?, .value(let y)?):
            if x != y { throw ShapeConflict(message: "incompatible shapes " + shapes.map(format).joined(separator: ", ")) }
            return a
        case (.value?, _): return a
        case (_, .value?): return b
        case (.param(let p)?, .param(let q)?): return p == q ? a : nil
        default: return nil
        }
    }

    static func split(_ c: RuleContext) -> [InferredTensor?] {
        let elem = c.elem(0)
        let count = c.node.outputs.count
        guard let x = c.dims(0), count > 0, let axis = normalize(c.int("axis", default: 0), rank: x.count) else {
            return Array(repeating: InferredTensor(elem, nil), count: count)
        }
        var sizes: [Dim] = Array(repeating: nil, count: count)
        let explicit: [Int64]?
        if c.opset < 13 { explicit = c.intList("split") } else { explicit = c.present(1) ? c.staticInts(1) : nil }
        if c.opset >= 13 && c.present(1) && explicit == nil {
            // Sizes given but unknown.
        } else if let explicit {
            if explicit.count == count { sizes = explicit.map { .value($0) } }
        } else if case .value(let total)? = x[axis] {
            if let n = c.int("num_outputs"), n == Int64(count) {
                if n > 0, let chunk = add(total, n - 1).map({ $0 / n }), let rest = mul(chunk, Int64(count - 1)) {
                    sizes = (0..<count).map { $0 < count - 1 ? .value(chunk) : size(total - rest) }
                }
            } else if total % Int64(count) == 0 {
                sizes = Array(repeating: .value(total / Int64(count)), count: count)
            }
        }
        return sizes.map { s in
            var d = x
            d[axis] = s
            return InferredTensor(elem, d)
        }
    }

    static func slice(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let starts: [Int64]?, ends: [Int64]?, axesList: [Int64]?, steps: [Int64]?
        if c.opset < 10 {
            starts = c.intList("starts"); ends = c.intList("ends")
            axesList = c.intList("axes") ?? starts.map { Array(0..<Int64($0.count)) }
            steps = starts.map { Array(repeating: 1, count: $0.count) }
        } else {
            starts = c.staticInts(1); ends = c.staticInts(2)
            axesList = c.present(3) ? c.staticInts(3) : starts.map { Array(0..<Int64($0.count)) }
            steps = c.present(4) ? c.staticInts(4) : starts.map { Array(repeating: 1, count: $0.count) }
        }
        guard let starts, let ends, let axesList, let steps, starts.count == ends.count, axesList.count == starts.count,
              steps.count == starts.count else {
            return InferredTensor(elem, Array(repeating: nil, count: x.count))
        }
        var out = x
        var ranges: [(axis: Int, start: Int64, step: Int64, count: Int64)] = []
        for j in 0..<starts.count {
            guard let axis = normalize(axesList[j], rank: x.count), steps[j] != 0, steps[j] != Int64.min else {
                return InferredTensor(elem, Array(repeating: nil, count: x.count))
            }
            let step = steps[j]
            guard case .value(let n)? = x[axis] else {
                let whole = starts[j] == 0 && step == 1 && ends[j] == Int64.max
                if !whole { out[axis] = nil }
                continue
            }
            var start = starts[j], end = ends[j]
            if start < 0 { start += n }
            if end < 0 { end += n }
            let length: Int64
            if step > 0 {
                start = Swift.min(Swift.max(start, 0), n); end = Swift.min(Swift.max(end, 0), n)
                length = end > start ? (end - start - 1) / step + 1 : 0
            } else {
                start = Swift.min(Swift.max(start, 0), n - 1); end = Swift.min(Swift.max(end, -1), n - 1)
                length = start > end ? (start - end - 1) / (-step) + 1 : 0
            }
            out[axis] = .value(length)
            ranges.append((axis, start, step, length))
        }
        if x.count == 1, let v = c.ints(0), x[0] == .value(Int64(v.count)), ranges.count <= 1 {
            if let r = ranges.first {
                c.producedInts[0] = (0..<r.count).map { v[Int(r.start + $0 * r.step)] }
            } else if out == x {
                c.producedInts[0] = v
            }
        }
        return InferredTensor(elem, out)
    }

    static func gather(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let data = c.dims(0), let indices = c.dims(1),
              let axis = normalize(c.int("axis", default: 0), rank: data.count) else { return InferredTensor(elem, nil) }
        let out = Array(data[..<axis]) + indices + Array(data[(axis + 1)...])
        if data.count == 1, let v = c.ints(0), let idx = c.staticInts(1) {
            var picked: [Dim] = []
            for i in idx {
                let k = i < 0 ? i + Int64(v.count) : i
                guard k >= 0 && k < Int64(v.count) else { picked = []; break }
                picked.append(v[Int(k)])
            }
            if picked.count == idx.count { c.producedInts[0] = picked }
        }
        return InferredTensor(elem, out)
    }

    static func shape(_ c: RuleContext) -> InferredTensor {
        guard let x = c.dims(0) else { return InferredTensor(.int64, [nil]) }
        let r = Int64(x.count)
        func clamp(_ v: Int64) -> Int { Int(Swift.min(Swift.max(v < 0 ? v + r : v, 0), r)) }
        let start = clamp(c.int("start", default: 0)), end = clamp(c.int("end", default: r))
        let picked = start < end ? Array(x[start..<end]) : []
        c.producedInts[0] = picked
        return InferredTensor(.int64, [.value(Int64(picked.count))])
    }

    static func reduce(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        let keep = c.int("keepdims", default: 1) != 0
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let inputFrom: Int64 = c.node.opType == "ReduceSum" ? 13 : 18
        let (given, axesList) = axes(c, inputFrom: inputFrom, index: 1)
        if given && axesList == nil {
            let attributeInstead = c.opset >= inputFrom && c.node.attribute("axes") != nil
            return InferredTensor(elem, keep && !attributeInstead ? Array(repeating: nil, count: x.count) : nil)
        }
        var reduced = Set<Int>()
        if let axesList, !axesList.isEmpty {
            for a in axesList {
                guard let k = normalize(a, rank: x.count) else { return InferredTensor(elem, nil) }
                reduced.insert(k)
            }
        } else {
            if c.opset >= inputFrom && c.int("noop_with_empty_axes", default: 0) != 0 { return InferredTensor(elem, x) }
            reduced = Set(0..<x.count)
        }
        var out: [Dim] = []
        for (k, d) in x.enumerated() {
            if reduced.contains(k) { if keep { out.append(.value(1)) } } else { out.append(d) }
        }
        return InferredTensor(elem, out)
    }

    static func argExtremum(_ c: RuleContext) -> InferredTensor {
        guard let x = c.dims(0), let axis = normalize(c.int("axis", default: 0), rank: x.count) else { return InferredTensor(.int64, nil) }
        var out = x
        if c.int("keepdims", default: 1) != 0 { out[axis] = .value(1) } else { out.remove(at: axis) }
        return InferredTensor(.int64, out)
    }

    static func expand(_ c: RuleContext) throws -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        if let target = c.ints(1) { return InferredTensor(elem, try broadcast([x, target], c)) }
        // Shape unknown but of known length: the rank, and the sizes other than 1 of the input.
        guard let s = c.dims(1), s.count == 1, case .value(let k)? = s[0], k >= 0, k <= 64 else { return InferredTensor(elem, nil) }
        return InferredTensor(elem, try broadcast([x, Array(repeating: nil, count: Int(k))], c))
    }

    static func tile(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        guard let repeats = c.staticInts(1), repeats.count == x.count else { return InferredTensor(elem, Array(repeating: nil, count: x.count)) }
        return InferredTensor(elem, zip(x, repeats).map { d, r in
            if r == 1 { return d }
            if case .value(let v)? = d { return size(mul(v, r)) }
            return nil
        })
    }

    static func pad(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let pads: [Int64]? = c.opset < 11 ? c.intList("pads") ?? c.intList("paddings") : c.staticInts(1)
        var axesList: [Int] = Array(0..<x.count)
        if c.opset >= 18, c.present(3) {
            guard let a = c.staticInts(3) else { return InferredTensor(elem, Array(repeating: nil, count: x.count)) }
            var norm: [Int] = []
            for v in a { guard let k = normalize(v, rank: x.count) else { return InferredTensor(elem, nil) }; norm.append(k) }
            axesList = norm
        }
        guard let pads, pads.count == 2 * axesList.count else { return InferredTensor(elem, Array(repeating: nil, count: x.count)) }
        var out = x
        for (j, k) in axesList.enumerated() {
            let total = add(pads[j], pads[j + axesList.count])
            if total == 0 { continue }
            if case .value(let v)? = x[k] { out[k] = size(add(v, total)) } else { out[k] = nil }
        }
        return InferredTensor(elem, out)
    }

    static func resize(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0) else { return InferredTensor(elem, nil) }
        let unknown = InferredTensor(elem, Array(repeating: nil, count: x.count))
        if c.string("coordinate_transformation_mode") == "tf_crop_and_resize" { return unknown }
        var axesList = Array(0..<x.count)
        if let a = c.intList("axes") {
            var norm: [Int] = []
            for v in a { guard let k = normalize(v, rank: x.count) else { return unknown }; norm.append(k) }
            axesList = norm
        }
        let scalesIndex = (c.node.opType == "Upsample" || c.opset < 11) ? 1 : 2
        if c.node.opType == "Upsample" && c.opset < 9 {
            guard let s = c.node.attribute("scales")?.floats else { return unknown }
            return scaled(x, s, Array(0..<x.count), elem)
        }
        if c.node.opType == "Resize" && c.opset >= 11, c.present(3), let sizes = c.staticInts(3), !sizes.isEmpty {
            guard sizes.count == axesList.count, (c.string("keep_aspect_ratio_policy") ?? "stretch") == "stretch" else { return unknown }
            var out = x
            for (j, k) in axesList.enumerated() { out[k] = .value(sizes[j]) }
            return InferredTensor(elem, out)
        }
        guard c.present(scalesIndex), let s = c.floats(scalesIndex), !s.isEmpty, s.count == axesList.count else { return unknown }
        return scaled(x, s, axesList, elem)
    }

    private static func scaled(_ x: [Dim], _ scales: [Float], _ axes: [Int], _ elem: DataType?) -> InferredTensor {
        var out = x
        for (j, k) in axes.enumerated() {
            if scales[j] == 1 { continue }
            guard case .value(let v)? = x[k], scales[j].isFinite, scales[j] > 0 else { out[k] = nil; continue }
            let f = (Float(v) * scales[j]).rounded(.down)
            out[k] = f < 9.0e18 ? size(Int64(exactly: f)) : nil
        }
        return InferredTensor(elem, out)
    }

    static func constant(_ c: RuleContext) -> InferredTensor? {
        guard let a = c.node.attributes.first else { return nil }
        switch a.name {
        case "value":
            guard let t = a.tensor else { return nil }
            if t.elementType.isInteger, t.dims.count <= 1, let ints = c.inferer.ints(of: c.node.outputs[0]) { c.producedInts[0] = ints }
            return InferredTensor(t.dataType, t.dims.map { .value($0) })
        case "sparse_value":
            guard case .sparseTensor(let s) = a.value else { return nil }
            return InferredTensor(s.values?.dataType, s.dims.map { .value($0) })
        case "value_float": return InferredTensor(.float, [])
        case "value_floats": return InferredTensor(.float, [.value(Int64(a.floats?.count ?? 0))])
        case "value_int":
            if let v = a.int { c.producedInts[0] = [.value(v)] }
            return InferredTensor(.int64, [])
        case "value_ints":
            guard let v = a.ints else { return nil }
            c.producedInts[0] = v.map { .value($0) }
            return InferredTensor(.int64, [.value(Int64(v.count))])
        case "value_string": return InferredTensor(.string, [])
        case "value_strings":
            guard case .strings(let s) = a.value else { return nil }
            return InferredTensor(.string, [.value(Int64(s.count))])
        default: return nil
        }
    }

    static func constantOfShape(_ c: RuleContext) -> InferredTensor {
        let elem = c.node.attribute("value")?.tensor?.dataType ?? .float
        if let target = c.ints(0) { return InferredTensor(elem, target.map { d in if case .value(let v)? = d, v < 0 { return nil }; return d }) }
        if let s = c.dims(0), s.count == 1, case .value(let k)? = s[0] { return InferredTensor(elem, unknownDims(k)) }
        return InferredTensor(elem, nil)
    }

    static func topK(_ c: RuleContext) -> [InferredTensor?] {
        let elem = c.elem(0)
        guard let x = c.dims(0), let axis = normalize(c.int("axis", default: -1), rank: x.count) else {
            return [InferredTensor(elem, nil), InferredTensor(.int64, nil)]
        }
        var out = x
        let k: Int64? = c.opset < 10 ? c.int("k") : c.staticInts(1)?.first
        out[axis] = size(k)
        return [InferredTensor(elem, out), InferredTensor(.int64, out)]
    }

    static func depthSpace(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let x = c.dims(0), x.count == 4, let b = c.int("blocksize"), b > 0, b <= 1 << 20 else { return InferredTensor(elem, c.rank(0) == 4 ? [nil, nil, nil, nil] : nil) }
        func scale(_ d: Dim, mul factor: Int64, div: Int64) -> Dim {
            guard case .value(let v)? = d, let p = mul(v, factor), p % div == 0 else { return nil }
            return .value(p / div)
        }
        if c.node.opType == "DepthToSpace" {
            return InferredTensor(elem, [x[0], scale(x[1], mul: 1, div: b * b), scale(x[2], mul: b, div: 1), scale(x[3], mul: b, div: 1)])
        }
        return InferredTensor(elem, [x[0], scale(x[1], mul: b * b, div: 1), scale(x[2], mul: 1, div: b), scale(x[3], mul: 1, div: b)])
    }

    static func range(_ c: RuleContext) -> InferredTensor {
        let elem = c.elem(0)
        guard let start = c.staticInts(0)?.first, let limit = c.staticInts(1)?.first, let delta = c.staticInts(2)?.first, delta != 0 else {
            return InferredTensor(elem, [nil])
        }
        guard delta != Int64.min, let span = delta > 0 ? add(sub(limit, start), delta - 1) : add(sub(start, limit), -delta - 1) else {
            return InferredTensor(elem, [nil])
        }
        return InferredTensor(elem, [.value(Swift.max(span / Swift.abs(delta), 0))])
    }

    /// If: the outputs of both branches, dimension by dimension where they agree.
    static func ifRule(_ c: RuleContext) -> [InferredTensor?] {
        guard let thenGraph = c.node.attribute("then_branch")?.graph, let elseGraph = c.node.attribute("else_branch")?.graph,
              thenGraph.outputs.count == c.node.outputs.count, elseGraph.outputs.count == c.node.outputs.count else { return [] }
        return zip(thenGraph.outputs, elseGraph.outputs).map { a, b in
            guard let ta = c.inferer.typeInChild(a, of: thenGraph), let tb = c.inferer.typeInChild(b, of: elseGraph),
                  let ea = ta.elementType, ea == tb.elementType else { return nil }
            guard let da = ta.dims, let db = tb.dims, da.count == db.count else { return InferredTensor(ea, nil) }
            return InferredTensor(ea, zip(da, db).map { $0 == $1 ? $0 : nil })
        }
    }
}

extension RuleContext {
    func rank(_ i: Int) -> Int? { dims(i)?.count }
}

/// Overflow-checked arithmetic on sizes read from the model (nil on overflow).
private func add(_ a: Int64?, _ b: Int64?) -> Int64? {
    guard let a, let b else { return nil }
    let (r, o) = a.addingReportingOverflow(b)
    return o ? nil : r
}
private func sub(_ a: Int64?, _ b: Int64?) -> Int64? {
    guard let a, let b else { return nil }
    let (r, o) = a.subtractingReportingOverflow(b)
    return o ? nil : r
}
private func mul(_ a: Int64?, _ b: Int64?) -> Int64? {
    guard let a, let b else { return nil }
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? nil : r
}
/// A dimension of `v` when it is a valid size (>= 0).
private func size(_ v: Int64?) -> Dim { v.flatMap { $0 >= 0 ? .value($0) : nil } }
/// A list of `k` unknown dims, when `k` is a plausible rank.
private func unknownDims(_ k: Int64) -> [Dim]? { k >= 0 && k <= 64 ? Array(repeating: nil, count: Int(k)) : nil }
