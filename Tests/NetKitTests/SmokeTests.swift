import Testing
@testable import NetKit
