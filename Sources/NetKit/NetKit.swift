import CNetKit
