import Glibc

/// What `File.stat()` reports about a file.
///
/// The corresponding Go type is `fs.FileInfo` (`os.FileInfo`), reduced to what NetKit needs.
public struct FileInfo: Sendable, Hashable {
    /// The base name of the file as it was opened (Go's `FileInfo.Name` is the base name; this is the path
    /// given to `open`).
    public var name: String
    /// The length in bytes for regular files. The corresponding Go method is `FileInfo.Size`.
    public var size: Int64
    /// The `st_mode` bits (type and permissions). The corresponding Go method is `FileInfo.Mode`.
    public var mode: UInt32

    /// Whether the file is a directory. The corresponding Go method is `FileInfo.IsDir`.
    public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    /// Whether the file is a regular file. The corresponding Go method is `FileMode.IsRegular`.
    public var isRegular: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }

    /// Creates a description. The corresponding Go type is `fs.FileInfo`.
    public init(name: String, size: Int64, mode: UInt32) {
        self.name = name
        self.size = size
        self.mode = mode
    }
}
