import AbridgeIR
import AbridgeRuntime

/// Collects statistics of chosen float tensors while calibration data run through the model.
/// Each tensor is folded into running statistics as it is produced, so memory does not grow
/// with the number of samples.
public final class CalibrationObserver: ExecutionObserver {
    let targets: Set<ObjectIdentifier>
    let useHistogram: Bool
    let averagingConstant: Float
    /// Statistics per observed value.
    public private(set) var statistics: [ObjectIdentifier: TensorStatistics] = [:]

    public init(targets: [Value], method: CalibrationMethod) {
        self.targets = Set(targets.map(ObjectIdentifier.init))
        if case .minMax(_, let c) = method { useHistogram = false; averagingConstant = c } else { useHistogram = true; averagingConstant = 0.01 }
    }

    public func observe(_ value: Value, result: RuntimeValue, node: Node) {
        record(value, result)
    }

    /// Records a value that no node produces (a graph input fed by the data).
    public func record(_ value: Value, _ result: RuntimeValue) {
        let key = ObjectIdentifier(value)
        guard targets.contains(key), let t = result.tensor, t.dataType == .float else { return }
        var s = statistics[key] ?? TensorStatistics(histogram: useHistogram)
        t.withUnsafeBuffer(as: Float.self) { s.add(UnsafeBufferPointer(rebasing: $0.prefix(t.count)), averagingConstant: averagingConstant) }
        statistics[key] = s
    }
}
