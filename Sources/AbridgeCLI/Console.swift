import Foundation
import Logging

/// Terminal output for commands: results to stdout, diagnostics to stderr.
/// Libraries log through swift-log; only the CLI prints.
struct Console {
    var quiet = false
    var verbose = false

    /// Prints a result line to standard output.
    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a status line to standard error (suppressed by --quiet).
    func status(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints an error line to standard error (never suppressed).
    func error(_ text: String) {
        FileHandle.standardError.write(Data(("abridge: error: " + text + "\n").utf8))
    }

    /// A logger writing to standard error at the level the options select.
    var logger: Logger {
        var l = Logger(label: "abridge") { StreamLogHandler.standardError(label: $0) }
        l.logLevel = quiet ? .error : (verbose ? .debug : .notice)
        return l
    }
}
