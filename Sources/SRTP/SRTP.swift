import CSRTP
