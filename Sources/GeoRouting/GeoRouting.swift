import CMaxMindDB
