import AbridgeData
import AbridgeONNX
import AbridgeRuntime
import Foundation

/// Reading and writing model outputs as NumPy files, and expected outputs.
enum OutputFiles {
    /// Writes outputs to `path`: an `.npz` (keys are output names), or a folder of `NAME.npy`
    /// (`/` in names becomes `_`).
    static func write(_ results: [(name: String, value: RuntimeValue)], to path: String, overwrite: Bool) throws {
        var arrays: [(key: String, array: NumPyArray)] = []
        for (name, value) in results {
            guard let t = value.tensor else { throw CLIError(status: .unavailable, message: "output '\(name)' is not a tensor; only tensors can be written to .npz") }
            arrays.append((name, try NumPyArray(runtime: t)))
        }
        if path.hasSuffix(".npz") {
            if !overwrite && FileManager.default.fileExists(atPath: path) {
                throw CLIError(status: .cannotCreate, message: "\(path): file exists (use --force to replace it)")
            }
            do { try NPZWriter.write(arrays, to: URL(fileURLWithPath: path)) } catch let e as DataError {
                throw CLIError(status: .cannotCreate, message: "\(path): cannot write: \(e.message)")
            }
        } else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue {
                throw CLIError(status: .cannotCreate, message: "\(path): exists and is not a folder (outputs go to an .npz file or a folder of .npy files)")
            }
            do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) } catch {
                if !isDir.boolValue { throw CLIError(status: .cannotCreate, message: "\(path): cannot create the folder (does its parent exist?)") }
            }
            for (name, array) in arrays {
                let file = URL(fileURLWithPath: path).appendingPathComponent(name.replacingOccurrences(of: "/", with: "_") + ".npy")
                if !overwrite && FileManager.default.fileExists(atPath: file.path) {
                    throw CLIError(status: .cannotCreate, message: "\(file.path): file exists (use --force to replace it)")
                }
                do { try NPYWriter.write(array, to: file) } catch let e as DataError {
                    throw CLIError(status: .cannotCreate, message: "\(file.path): cannot write: \(e.message)")
                }
            }
        }
    }

    /// Expected outputs from a folder of `output_K.pb` or an `.npz` keyed by output name.
    static func readExpected(_ path: String, outputNames: [String]) throws -> [String: RuntimeTensor] {
        var out: [String: RuntimeTensor] = [:]
        if path.hasSuffix(".npz") {
            let archive = try NPZArchive(contentsOf: URL(fileURLWithPath: path))
            for name in outputNames where archive.keys.contains(name) { out[name] = try archive.array(forKey: name).runtimeTensor() }
        } else {
            for (k, name) in outputNames.enumerated() {
                let file = "\(path)/output_\(k).pb"
                if FileManager.default.fileExists(atPath: file) {
                    out[name] = try TensorConversion.runtimeTensor(from: ONNXReader.readTensor(path: file))
                }
            }
        }
        guard !out.isEmpty else { throw CLIError(status: .dataError, message: "\(path): holds no expected values for outputs \(outputNames.joined(separator: ", "))") }
        return out
    }

    /// One line describing an output: name, type, shape and the first values.
    static func summary(name: String, value: RuntimeValue) -> String {
        guard let t = value.tensor else { return "\(name): non-tensor value" }
        var head = ""
        if let values = try? t.floatValues() {
            head = values.prefix(8).map { String(format: "%.6g", Double($0)) }.joined(separator: ", ")
            if values.count > 8 { head += ", ..." }
        }
        return "\(name): \(t.dataType.shortName) \(t.shape) [\(head)]"
    }
}

/// Element-wise comparison with tolerances, reporting the worst element like onnxruntime's test
/// runner: |actual - expected| <= atol + rtol * |expected| (NaN equals NaN).
enum OutputCheck {
    struct Report { var passed: Bool; var lines: [String] }

    static func compare(_ results: [(name: String, value: RuntimeValue)], expected: [String: RuntimeTensor],
                        rtol: Double, atol: Double) -> Report {
        var passed = true
        var lines: [String] = []
        for (name, value) in results {
            guard let want = expected[name] else { continue }
            guard let got = value.tensor else { passed = false; lines.append("FAIL \(name): not a tensor"); continue }
            guard got.shape == want.shape else {
                passed = false; lines.append("FAIL \(name): shape \(got.shape), expected \(want.shape)"); continue
            }
            guard let a = try? got.floatValues(), let b = try? want.floatValues() else {
                let same = got.strings == want.strings
                passed = passed && same
                lines.append(same ? "PASS \(name)" : "FAIL \(name): values differ"); continue
            }
            var worst = -1.0, worstIndex = -1
            var failures = 0
            for i in 0..<min(a.count, b.count) {
                let x = Double(a[i]), y = Double(b[i])
                if x.isNaN && y.isNaN { continue }
                if x == y { continue }
                let err = abs(x - y)
                let excess = err - (atol + rtol * abs(y))
                if excess > 0 || err.isNaN { failures += 1 }
                if err > worst || err.isNaN { worst = err; worstIndex = i }
            }
            if failures == 0 {
                lines.append("PASS \(name) (max abs error \(worst < 0 ? 0 : worst))")
            } else {
                passed = false
                let idx = unravel(worstIndex, got.shape)
                lines.append("FAIL \(name): \(failures) of \(a.count) elements outside rtol \(rtol), atol \(atol); worst at \(idx): got \(a[worstIndex]), expected \(b[worstIndex])")
            }
        }
        return Report(passed: passed, lines: lines)
    }

    static func unravel(_ i: Int, _ shape: [Int]) -> [Int] {
        var rest = i
        var idx = [Int](repeating: 0, count: shape.count)
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
            idx[d] = rest % shape[d]; rest /= shape[d]
        }
        return idx
    }
}
