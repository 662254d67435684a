// The SFU domain (rooms, producers, consumers) lands with the SFU node issue.
