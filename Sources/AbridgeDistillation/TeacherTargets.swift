import AbridgeIR
import AbridgeRuntime

/// Runs the teacher with the runtime and keeps the values of the matched names (graph outputs
/// or the logits under a Softmax), as float32 targets.
final class TeacherTargets {
    private let session: InferenceSession
    private let names: Set<String>
    /// The batch size the teacher's inputs fix on axis 0 (a model exported with batch 1), or nil
    /// when axis 0 is symbolic or unknown.
    let fixedBatch: Int?

    /// - Throws: `DistillationError.teacherFailed` when the runtime cannot run the teacher or a
    ///   matched name is not a value of it.
    init(teacher: Model, names: [String]) throws {
        do { session = try InferenceSession(model: teacher) } catch {
            throw DistillationError.teacherFailed("cannot run it: \(error)")
        }
        self.names = Set(names)
        fixedBatch = session.fixedBatchSize
        var known = Set<String>()
        for g in teacher.graph.map({ [$0] }) ?? [] {
            for node in g.nodes { for o in node.outputs { known.insert(o.name) } }
        }
        if let missing = names.first(where: { !known.contains($0) }) {
            throw DistillationError.teacherFailed("no node of the teacher computes '\(missing)', which the student's output needs")
        }
    }

    /// The matched values for `feeds` (`[N, ...]` each), running `chunk` samples at a time.
    /// - Throws: `DistillationError.teacherFailed`.
    func run(_ feeds: [String: RuntimeTensor], chunk: Int) throws -> [String: TrainingTensor] {
        guard let n = feeds.values.first?.shape.first, chunk < n else { return try run(feeds) }
        var parts: [String: [TrainingTensor]] = [:]
        for lo in stride(from: 0, to: n, by: Swift.max(chunk, 1)) {
            let part = try run(try feeds.mapValues { try $0.rows(lo..<Swift.min(lo + chunk, n)) })
            for (name, t) in part { parts[name, default: []].append(t) }
        }
        return try parts.mapValues { p in
            guard let t = TrainingTensor.joined(p) else { throw DistillationError.teacherFailed("outputs of sample chunks do not concatenate") }
            return t
        }
    }

    /// The matched values for `feeds` (`[N, ...]` each), in one run.
    /// - Throws: `DistillationError.teacherFailed`.
    func run(_ feeds: [String: RuntimeTensor]) throws -> [String: TrainingTensor] {
        let observer = Capture(names)
        do { _ = try session.run(feeds.mapValues { .tensor($0) }, observer: observer) } catch {
            throw DistillationError.teacherFailed("run failed: \(error)")
        }
        var out: [String: TrainingTensor] = [:]
        for name in names {
            guard let t = observer.captured[name] else { throw DistillationError.teacherFailed("'\(name)' was not computed") }
            guard RuntimeTensor.floatingPointTypes.contains(t.dataType), let data = try? t.floatValues() else {
                throw DistillationError.teacherFailed("'\(name)' is \(t.dataType), not floating-point")
            }
            out[name] = TrainingTensor(shape: t.shape, data: data)
        }
        return out
    }

    private final class Capture: ExecutionObserver {
        let names: Set<String>
        var captured: [String: RuntimeTensor] = [:]
        init(_ names: Set<String>) { self.names = names }
        func observe(_ value: Value, result: RuntimeValue, node: Node) {
            if names.contains(value.name), let t = result.tensor { captured[value.name] = t }
        }
    }
}
