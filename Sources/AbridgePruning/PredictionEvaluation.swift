import AbridgeData
import AbridgeIR
import AbridgeRuntime

/// Accuracy of a classifier-like model on labelled data, and top-1 agreement between two models:
/// the prediction is the argmax of the first output over its last axis (`[N, classes]` →
/// `[N]`, `[N, T, vocab]` → `[N, T]`), compared with `labels` element by element.
public enum PredictionEvaluation {
    /// The argmax predictions of output 0 over the first `limit` samples, in sample order.
    /// - Throws: `RuntimeError`, `DataError`; `PruningError.invalidModel` when output 0 is not FLOAT.
    public static func predictions(_ model: Model, data: DataSet, limit: Int? = nil, batchSize: Int = 32) throws -> [Int] {
        let session = try InferenceSession(model: model)
        let total = Swift.min(data.count, limit ?? data.count)
        // A model that fixes its batch size b > 1 runs b samples at a time; the last pass is
        // filled up with copies of its last sample, whose predictions are dropped.
        let fixed = data.isBatchable ? session.fixedBatchSize.flatMap { $0 > 1 ? $0 : nil } : nil
        let batch = fixed ?? (data.isBatchable && session.fixedBatchSize == nil ? batchSize : 1)
        var out: [Int] = []
        var start = 0
        while start < total {
            let range = start..<Swift.min(start + batch, total)
            var feed = try data.feed(range)
            if let fixed, range.count < fixed {
                feed = try feed.mapValues { v in try v.tensor.map { .tensor(try $0.padded(toRows: fixed)) } ?? v }
            }
            let result = try session.run(feed)
            guard let y = result.first?.value.tensor, y.dataType == .float || y.dataType == .float16, let classes = y.shape.last, classes > 0 else {
                throw PruningError.invalidModel("--eval: output 0 is not a FLOAT or FLOAT16 tensor with a class axis")
            }
            let v = try y.floatValues()
            let rowsPerSample = v.count / classes / Swift.max(y.shape.first ?? 1, 1)
            // A short last pass of a fixed batch: the filling copies' rows are dropped. (Otherwise
            // every row counts: an output without a sample axis, [classes], is one prediction.)
            let rows = fixed != nil && range.count < batch ? range.count * rowsPerSample : v.count / classes
            for r in 0..<rows {
                var best = 0
                for c in 1..<classes where v[r * classes + c] > v[r * classes + best] { best = c }
                out.append(best)
            }
            start = range.upperBound
        }
        return out
    }

    /// The fraction of predictions equal to the labels (nil without labels or when counts differ).
    public static func accuracy(_ predictions: [Int], labels: RuntimeTensor?) -> Double? {
        guard let labels, let l = try? labels.int64Values(), l.count >= predictions.count, !predictions.isEmpty else { return nil }
        let hits = zip(predictions, l).filter { Int64($0) == $1 }.count
        return Double(hits) / Double(predictions.count)
    }

    /// The number of classes of output 0 (its last axis), when declared.
    public static func classCount(_ model: Model) throws -> Int? {
        guard let dims = model.graph?.outputs.first?.type?.tensorShape?.dims, let last = dims.last,
              case .value(let n)? = last.value, n > 0 else { return nil }
        return Int(n)
    }

    /// How many labels fall outside `0..<classes` (nil when unknown).
    public static func labelsOutsideClasses(_ labels: RuntimeTensor?, classes: Int?) -> Int? {
        guard let labels, let classes, let l = try? labels.int64Values() else { return nil }
        return l.filter { $0 < 0 || $0 >= Int64(classes) }.count
    }

    /// The fraction of equal predictions.
    public static func agreement(_ a: [Int], _ b: [Int]) -> Double? {
        guard a.count == b.count, !a.isEmpty else { return nil }
        return Double(zip(a, b).filter { $0 == $1 }.count) / Double(a.count)
    }
}
