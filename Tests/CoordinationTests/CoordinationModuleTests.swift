import Testing
@testable import Coordination
