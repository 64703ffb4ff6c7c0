import AbridgeData
import AbridgeIR
import AbridgeRuntime
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs every sample of a data set through a session: all stacked samples as one batch when
/// every input's declared axis 0 allows it, otherwise one sample at a time with outputs
/// concatenated along axis 0.
struct BatchRunner {
    let session: InferenceSession
    let data: DataSet
    let console: Console

    func runAll(observer: ExecutionObserver? = nil) throws -> [(name: String, value: RuntimeValue)] {
        let n = data.count
        if n == 0 && session.requiredInputs.isEmpty { return try session.run([:], observer: observer) }
        guard n > 0 else { throw CLIError(status: .dataError, message: "\(data.source): holds no samples") }
        if data.isBatchable && acceptsBatch(n) {
            return try session.run(try data.feed(0..<n), observer: observer)
        }
        var parts: [[(name: String, value: RuntimeValue)]] = []
        let progress = Progress(console: console, total: n, label: "running")
        for i in 0..<n {
            parts.append(try session.run(try data.feed(i..<(i + 1)), observer: observer))
            progress.advance()
        }
        progress.finish()
        if parts.count == 1 { return parts[0] }
        return try parts[0].indices.map { k in
            let name = parts[0][k].name
            let tensors = try parts.map { p -> RuntimeTensor in
                guard let t = p[k].value.tensor else { throw CLIError(status: .unavailable, message: "output '\(name)' is not a tensor; cannot stack samples") }
                return t
            }
            return (name, .tensor(try Stacking.concatenate(tensors, name: name, stack: !data.isBatchable)))
        }
    }

    /// True when every required input's declared axis 0 is symbolic, unknown or equal to `n`.
    func acceptsBatch(_ n: Int) -> Bool {
        session.requiredInputs.allSatisfy { v in
            guard let dims = v.type?.tensorShape?.dims, let first = dims.first else { return v.type?.tensorShape == nil }
            if case .value(let s)? = first.value { return Int(s) == n }
            return true
        }
    }
}

/// Joins tensors along axis 0 (or stacks them along a new axis 0).
enum Stacking {
    static func concatenate(_ parts: [RuntimeTensor], name: String, stack: Bool) throws -> RuntimeTensor {
        guard let first = parts.first else { throw CLIError(status: .software, message: "no outputs to join") }
        let tail = stack ? first.shape : Array(first.shape.dropFirst())
        for p in parts where (stack ? p.shape : Array(p.shape.dropFirst())) != tail || p.dataType != first.dataType {
            throw CLIError(status: .dataError, message: "output '\(name)' has different shapes across samples (\(first.shape) vs \(p.shape)); write one sample at a time")
        }
        let rows = stack ? parts.count : parts.reduce(0) { $0 + ($1.shape.first ?? 1) }
        let shape = [rows] + tail
        if first.dataType == .string {
            return RuntimeTensor(strings: parts.flatMap { $0.strings ?? [] }, shape: shape)
        }
        let out = try RuntimeTensor.allocate(first.dataType, shape)
        var offset = 0
        let size = RuntimeTensor.elementSize(first.dataType) ?? 1
        for p in parts {
            let bytes = p.count * size
            (out.storage.base + offset).copyMemory(from: p.storage.base, byteCount: bytes)
            offset += bytes
        }
        return out
    }
}

/// A progress line on standard error for long loops (shown when the loop takes over a second).
final class Progress {
    let console: Console
    let total: Int
    let label: String
    let start = Date()
    var done = 0
    var lastPrint = Date.distantPast
    init(console: Console, total: Int, label: String) { self.console = console; self.total = total; self.label = label }

    /// Progress lines rewrite themselves with `\r`, so they are shown only on a terminal.
    let interactive = isatty(2) != 0

    func advance(by k: Int = 1) {
        done += k
        let now = Date()
        guard !console.quiet, interactive, now.timeIntervalSince(start) > 1, now.timeIntervalSince(lastPrint) > 0.5 else { return }
        lastPrint = now
        FileHandle.standardError.write(Data("\r\(label): \(done)/\(total)".utf8))
    }

    func finish() {
        guard !console.quiet, Date().timeIntervalSince(start) > 1 else { return }
        FileHandle.standardError.write(Data("\(interactive ? "\r" : "")\(label): \(done)/\(total) done in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))
    }
}
