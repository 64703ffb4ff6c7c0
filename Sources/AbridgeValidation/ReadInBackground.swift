import Foundation

/// Reads a file handle to its end on a background thread (a subprocess' standard error while
/// its standard output is read on the calling thread).
final class ReadInBackground: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }
    }

    /// Waits for the end of the stream and returns everything read.
    func wait() -> Data {
        done.wait()
        return data
    }
}
