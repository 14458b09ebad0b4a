"""`make bench`: the service, the emulator, a bare reference route and a load generator, each in
its own process on loopback, measured in one run; see docs/performance.md.

- `__main__.py` runs the measurements (`python -m bench`), `options.py` its command line,
  `targets.py` what the service is held to;
- `load.py` (requests in a closed loop), `journey.py` (whole storefront journeys),
  `storefront.py` (the GraphQL a storefront sends), `bare_app.py` (the reference routes: the
  floor, and the floor as issue 16 measured it), `startup.py` (start-up to the first answer),
  `processes.py` (child processes and a service's workers, CPU and memory from /proc),
  `profile.py` (py-spy);
- `history.md`: what issue 16's changes bought, measured once (the report appends it);
- `report.py` (the table and the document), `analysis.py` (the prose: what limits the numbers);
- `emulator_soak.py` with `ctp_journey.py`: a long journey load against the emulator alone
  (docs/emulator.md); `signin_timing.py`: how long a failed sign-in takes, known or unknown
  e-mail.
"""
