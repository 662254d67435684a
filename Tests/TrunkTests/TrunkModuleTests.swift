import Testing
@testable import Trunk
