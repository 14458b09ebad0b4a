"""`make bench`: the service, the emulator, a bare reference route and a load generator, each in
its own process on loopback, measured in one run; see docs/performance.md."""
