import SFU
