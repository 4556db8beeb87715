// The split functions for Scanner (Go: bufio.ScanBytes, ScanRunes, ScanLines, ScanWords).

/// A split function that returns each byte as a token.
///
/// The corresponding Go function is `bufio.ScanBytes`.
public func scanBytes(_ data: UnsafeRawBufferPointer, _ atEOF: Bool) -> (advance: Int, token: [UInt8]?) {
    if atEOF && data.isEmpty { return (0, nil) }
    return (1, [data[0]])
}

/// A split function that returns each UTF-8 encoded scalar as a token.
///
/// The sequence of scalars is the one a loop over the input as a Go string gives: invalid
/// encodings become U+FFFD (`EF BF BD`), advancing one byte, so a correctly encoded U+FFFD and an
/// encoding error cannot be told apart.
///
/// The corresponding Go function is `bufio.ScanRunes`.
public func scanRunes(_ data: UnsafeRawBufferPointer, _ atEOF: Bool) -> (advance: Int, token: [UInt8]?) {
    if atEOF && data.isEmpty { return (0, nil) }
    if data[0] < 0x80 { return (1, [data[0]]) }  // ASCII
    let width = decodeRune(data).width
    if width > 1 { return (width, Array(data[0..<width])) }  // a valid encoding
    // An error: incomplete (ask for more bytes) or invalid (one replacement, one byte).
    if !atEOF && !isFullRune(data) { return (0, nil) }
    return (1, [0xEF, 0xBF, 0xBD])
}

/// A split function that returns each line of text, stripped of any trailing end-of-line
/// marker: one optional carriage return followed by one mandatory newline (`\r?\n`).
///
/// The returned line may be empty. The last non-empty line of the input is returned even if it
/// has no newline.
///
/// The corresponding Go function is `bufio.ScanLines`.
public func scanLines(_ data: UnsafeRawBufferPointer, _ atEOF: Bool) -> (advance: Int, token: [UInt8]?) {
    if atEOF && data.isEmpty { return (0, nil) }
    if let i = data.firstIndex(of: UInt8(ascii: "\n")) {
        return (i + 1, droppingCR(data, count: i))  // a full newline-terminated line
    }
    if atEOF { return (data.count, droppingCR(data, count: data.count)) }  // a final line
    return (0, nil)  // ask for more data
}

/// The first `count` bytes of `data` without a final `\r`.
private func droppingCR(_ data: UnsafeRawBufferPointer, count: Int) -> [UInt8] {
    var count = count
    if count > 0 && data[count - 1] == UInt8(ascii: "\r") { count -= 1 }
    return Array(data[0..<count])
}

/// A split function that returns each space-separated word, with surrounding spaces deleted.
///
/// It never returns an empty word. Spaces are defined by Unicode (Go's `unicode.IsSpace`).
///
/// The corresponding Go function is `bufio.ScanWords`.
public func scanWords(_ data: UnsafeRawBufferPointer, _ atEOF: Bool) -> (advance: Int, token: [UInt8]?) {
    // Skip leading spaces.
    var start = 0
    while start < data.count {
        let (scalar, width) = decodeRune(UnsafeRawBufferPointer(rebasing: data[start...]))
        if !isSpace(scalar) { break }
        start += width
    }
    // Scan until a space, marking the end of the word.
    var i = start
    while i < data.count {
        let (scalar, width) = decodeRune(UnsafeRawBufferPointer(rebasing: data[i...]))
        if isSpace(scalar) { return (i + width, Array(data[start..<i])) }
        i += width
    }
    // At the end of the input, a final non-empty, non-terminated word.
    if atEOF && data.count > start { return (data.count, Array(data[start...])) }
    // Ask for more data.
    return (start, nil)
}
