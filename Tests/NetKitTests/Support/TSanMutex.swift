#if NETKIT_TSAN
@testable import NetKit

/// In TSan builds the tests' `Mutex` is NetKit's pthread-based twin too (see `TSanMutex`).
typealias Mutex<Value: ~Copyable> = NetKit.TSanMutex<Value>
#endif
